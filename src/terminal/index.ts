/** What is printed for a person: cleaned of terminal control sequences. */
export { printable, type PrintableOptions } from './printable.js';
