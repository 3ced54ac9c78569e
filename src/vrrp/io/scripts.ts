/**
 * Track and notify scripts, run as keepalived runs them: no shell, the command line split into
 * words (quotes group words), as another user through `runuser` when one is configured, and
 * killed when the timeout runs out (a hung check is a failed check).
 */
import { spawn } from 'node:child_process';

/** Split like keepalived: whitespace separates, '…' and "…" group. */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let cur = '';
  let last = -1;
  for (let m = re.exec(cmd); m; m = re.exec(cmd)) {
    const piece = m[1] ?? m[2] ?? m[3] ?? '';
    if (m.index === last) cur += piece;
    else {
      if (last >= 0) out.push(cur);
      cur = piece;
    }
    last = m.index + m[0].length;
  }
  if (last >= 0) out.push(cur);
  return out;
}

export interface RunAs {
  user?: string;
  group?: string;
}

function argv(cmd: string, args: readonly string[], as: RunAs): string[] {
  const words = [...splitCommand(cmd), ...args];
  if (!as.user || as.user === 'root' || process.getuid?.() !== 0) return words;
  return ['runuser', '-u', as.user, ...(as.group ? ['-g', as.group] : []), '--', ...words];
}

export interface ScriptResult {
  ok: boolean;
  code: number | null;
  timedOut: boolean;
  error?: string;
}

export function runScript(cmd: string, timeoutMs: number, as: RunAs): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const [file, ...rest] = argv(cmd, [], as);
    let timedOut = false;
    const child = spawn(file!, rest, { stdio: 'ignore' });
    const t = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(t);
      resolve({ ok: false, code: null, timedOut, error: e.message });
    });
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ ok: code === 0 && !timedOut, code, timedOut });
    });
  });
}

/** Fire and forget (keepalived does not wait for notify scripts); errors go to `onDone`. */
export function runNotify(cmd: string, args: readonly string[], as: RunAs, onDone: (r: ScriptResult) => void): void {
  const [file, ...rest] = argv(cmd, args, as);
  const child = spawn(file!, rest, { stdio: 'ignore', detached: false });
  child.on('error', (e) => onDone({ ok: false, code: null, timedOut: false, error: e.message }));
  child.on('exit', (code) => onDone({ ok: code === 0, code, timedOut: false }));
}
