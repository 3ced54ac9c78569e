/**
 * Processes from /proc for vrrp_track_process: comm from /proc/PID/stat (zombies left out, as
 * keepalived does), argv from /proc/PID/cmdline only when a tracker matches the command line.
 * keepalived learns of process changes from the kernel's proc connector, which only answers in
 * the initial network namespace; the agent polls instead (see agent.ts for how often).
 */
import fs from 'node:fs';
import type { ProcEntry } from '../tracking.js';

/** One process, or undefined when it is gone or a zombie. */
export function readProc(pid: number, withArgv: boolean): ProcEntry | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // "PID (comm) S …": comm may itself hold spaces and parentheses, so take the last ')'.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open || stat[close + 2] === 'Z') return undefined;
  const e: { comm: string; argv?: string[] } = { comm: stat.slice(open + 1, close) };
  if (withArgv) {
    try {
      const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      e.argv = raw.length === 0 ? [] : raw.replace(/\0$/, '').split('\0');
    } catch {
      return undefined;
    }
  }
  return e;
}

/** Every live process. */
export function scanProcs(withArgv: boolean): Map<number, ProcEntry> {
  const out = new Map<number, ProcEntry>();
  for (const d of fs.readdirSync('/proc')) {
    const c = d.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(d);
    const e = readProc(pid, withArgv);
    if (e) out.set(pid, e);
  }
  return out;
}
