import { spawn, type ChildProcess } from 'node:child_process';

/** A child process with its stdout and stderr collected as they come (read `out`/`err` at any time) and its exit code. */
export interface Collected {
  child: ChildProcess;
  out: string;
  err: string;
  /** The exit code, -1 when killed by a signal. */
  exited: Promise<number>;
}

/** `cmd args` in `cwd`, stdin closed, stdout and stderr collected: for a CLI run a test interrupts mid-way. */
export function spawnCollecting(cmd: string, args: readonly string[], cwd: string): Collected {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const c: Collected = { child, out: '', err: '', exited: new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1))) };
  child.stdout!.on('data', (d) => (c.out += d));
  child.stderr!.on('data', (d) => (c.err += d));
  return c;
}
