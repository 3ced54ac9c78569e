/**
 * What main gives every command instead of globals: the Ctrl-C signal, the environment and the
 * process's streams. A command reads these, not `process.*`, so the parts below it get plain
 * values (a signal, an env map) and a test can run a command with its own.
 */
export interface CommandContext {
  /** Aborted on the first Ctrl-C: a command finishes the step under way and restores. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** This process's context; `signal` is main's Ctrl-C signal (never aborted when not given, as for bench). */
export function processContext(signal: AbortSignal = new AbortController().signal): CommandContext {
  return { signal, env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}
