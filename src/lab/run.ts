import { spawn } from 'node:child_process';

/** The outcome of one local command: a value, never a throw (the caller decides). */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** Run a command to completion and collect its output. A missing binary is code 127. */
export function run(cmd: string, args: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: o.env, // undefined: this process's environment (the caller passes another)
      cwd: o.cwd,
      signal: o.signal,
      timeout: o.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      resolve({ code: e.code === 'ENOENT' ? 127 : 1, stdout, stderr: stderr + String(e.message) });
    });
    child.on('close', (code, sig) => resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(o.input ?? '');
  });
}

/** Like run, but a non-zero exit becomes an Error naming the command (for the lab's own steps). */
export async function must(cmd: string, args: readonly string[], o: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, o);
  if (r.code !== 0) throw new LabStepError(`${cmd} ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** A lab step failed on this machine (not a bug in hafleet): reported as a diagnostic by up. */
export class LabStepError extends Error {}

/**
 * Start a long-lived process in its own session, detached from the CLI, so it outlives `lab up`.
 * Resolves with its pid once spawned, or with the first line it printed when `waitLine` is set.
 */
const READY_MS = 20_000;

export function spawnDaemon(cmd: string, args: readonly string[], o: { waitLine?: string; logFd?: number } = {}): Promise<{ pid: number; line?: string }> {
  return new Promise((resolve, reject) => {
    const out = o.waitLine ? 'pipe' : o.logFd ?? 'ignore';
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', out, o.logFd ?? 'ignore'] });
    child.on('error', (e) => reject(new LabStepError(`${cmd}: ${e.message}`)));
    if (!o.waitLine) {
      child.once('spawn', () => {
        child.unref();
        resolve({ pid: child.pid! });
      });
      return;
    }
    let buf = '';
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new LabStepError(`${cmd} ${args.join(' ')} exited (${code}) before it was ready: ${buf.trim()}`));
    };
    // A step that hangs (a mount on a stuck filesystem) must not hang up: kill it, and say so.
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      child.kill('SIGKILL');
      reject(new LabStepError(`${cmd} ${args.join(' ')} was not ready within ${READY_MS} ms: ${buf.trim()}`));
    }, READY_MS);
    child.on('exit', onExit);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      if (buf.includes(o.waitLine!)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout!.destroy();
        child.unref();
        resolve({ pid: child.pid!, line: buf });
      }
    });
  });
}
