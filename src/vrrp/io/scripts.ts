/**
 * Track and notify scripts, run as keepalived runs them: no shell, the argv resolved by the
 * script-security check (`exec`: real path first), as the uid/gid it decided, and killed when
 * the timeout runs out (a hung check is a failed check).
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import type { ScriptExec } from '../../keepalived-conf/config-types.js';

export { splitCommand } from '../../keepalived-conf/script-words.js';

/**
 * Spawn options for a script's ids. Another uid/gid: libuv calls setgroups(0) then setgid and
 * setuid in the child (needs CAP_SETUID + CAP_SETGID), so no supplementary group of the agent
 * leaks, as keepalived's set_privileges does. The agent's own ids: nothing to change.
 */
function ids(e: ScriptExec): SpawnOptions {
  const same = e.uid === process.getuid?.() && e.gid === process.getgid?.();
  return same ? {} : { uid: e.uid, gid: e.gid };
}

export interface ScriptResult {
  ok: boolean;
  code: number | null;
  timedOut: boolean;
  error?: string;
}

export function runScript(e: ScriptExec, timeoutMs: number): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const [file, ...rest] = e.argv;
    let timedOut = false;
    let child;
    try {
      child = spawn(file!, rest, { stdio: 'ignore', ...ids(e) });
    } catch (err) {
      resolve({ ok: false, code: null, timedOut, error: (err as Error).message });
      return;
    }
    const t = setTimeout(() => {
      timedOut = true;
      // Another uid: needs CAP_KILL.
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(t);
      resolve({ ok: false, code: null, timedOut, error: err.message });
    });
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ ok: code === 0 && !timedOut, code, timedOut });
    });
  });
}

/** Fire and forget (keepalived does not wait for notify scripts); errors go to `onDone`. */
export function runNotify(e: ScriptExec, args: readonly string[], onDone: (r: ScriptResult) => void): void {
  const [file, ...rest] = e.argv;
  let child;
  try {
    child = spawn(file!, [...rest, ...args], { stdio: 'ignore', ...ids(e) });
  } catch (err) {
    onDone({ ok: false, code: null, timedOut: false, error: (err as Error).message });
    return;
  }
  child.on('error', (err) => onDone({ ok: false, code: null, timedOut: false, error: err.message }));
  child.on('exit', (code) => onDone({ ok: code === 0, code, timedOut: false }));
}
