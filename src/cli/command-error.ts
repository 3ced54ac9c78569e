import type { ExitCodeValue } from './exit-codes.js';

/**
 * Thrown by a command's action to end the process with a given code after its message was
 * printed. main.ts is the only place that turns it into process.exit.
 */
export class CommandExit extends Error {
  constructor(readonly code: ExitCodeValue, message = '') {
    super(message);
  }
}
