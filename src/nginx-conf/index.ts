/**
 * nginx configuration structure, pure: the tokenizer (quotes, escapes, comments, `${var}`), the
 * directive tree with file:line, and the `nginx -T` dump split into its files. It reads structure,
 * not meaning: which directives are valid where is nginx's business (`nginx -t`); plan's behaviour
 * diff and import compare and read the structure. `include` is not followed here (a caller with
 * the files, or the dump, reads each one).
 */
export { tokenizeNginx, type NginxToken } from './lexer.js';
export { parseNginx, type NginxDirective, type NginxTree } from './tree.js';
export { parseNginxDump, splitNginxDump, type NginxDumpFile } from './dump.js';
