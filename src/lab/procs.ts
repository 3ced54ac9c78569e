import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { systemClock } from '../async/index.js';

/**
 * Which processes live in which of the lab's network namespaces, read from /proc (what
 * `ip netns pids` does, for all namespaces in one pass instead of one process per host).
 * A process is the lab's when its network namespace is one the lab created: that finds also
 * the daemons deploy started later over SSH.
 */
export async function netnsInode(netns: string): Promise<number | null> {
  try {
    return (await stat(`/run/netns/${netns}`)).ino;
  } catch {
    return null;
  }
}

export async function pidsByNetns(netnses: readonly string[]): Promise<Map<string, number[]>> {
  const byInode = new Map<number, string>();
  for (const ns of netnses) {
    const ino = await netnsInode(ns);
    if (ino !== null) byInode.set(ino, ns);
  }
  const out = new Map<string, number[]>(netnses.map((n) => [n, []]));
  if (byInode.size === 0) return out;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const link = await readlink(`/proc/${entry}/ns/net`).catch(() => null);
    const m = link && /^net:\[(\d+)\]$/.exec(link);
    const ns = m ? byInode.get(Number(m[1])) : undefined;
    if (ns) out.get(ns)!.push(Number(entry));
  }
  return out;
}

/** True when `pid` runs and sits in the same network namespace as `initPid`. */
export async function aliveIn(pid: number | undefined, netns: string): Promise<boolean> {
  if (!pid) return false;
  const [a, ino] = await Promise.all([readlink(`/proc/${pid}/ns/net`).catch(() => null), netnsInode(netns)]);
  return ino !== null && a === `net:[${ino}]`;
}

export async function rssKb(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(s);
  return m ? Number(m[1]) : 0;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** A zombie counts as gone: it holds no namespace, and its parent, not us, must reap it. */
async function exists(pid: number): Promise<boolean> {
  const s = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return s !== null && s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3) !== 'Z';
}

async function filterAlive(pids: readonly number[]): Promise<number[]> {
  const alive = await Promise.all(pids.map(exists));
  return pids.filter((_, i) => alive[i]);
}

/** SIGTERM, a grace period, then SIGKILL for whatever is left. Only the pids given. */
export async function terminate(pids: readonly number[], graceMs = 2000): Promise<void> {
  for (const p of pids) signal(p, 'SIGTERM');
  const deadline = systemClock.now() + graceMs;
  let left = await filterAlive(pids);
  while (left.length && systemClock.now() < deadline) {
    await systemClock.sleep(25);
    left = await filterAlive(left);
  }
  for (const p of left) signal(p, 'SIGKILL');
}

/** Waits until a TCP socket listens on `port` in the network namespace of `pid` (via /proc). */
export async function waitListening(pid: number, port: number, timeoutMs: number): Promise<boolean> {
  const hexPort = ':' + port.toString(16).toUpperCase().padStart(4, '0');
  const deadline = systemClock.now() + timeoutMs;
  for (;;) {
    const tcp = await readFile(`/proc/${pid}/net/tcp`, 'utf8').catch(() => '');
    if (tcp.split('\n').some((l) => { const f = l.trim().split(/\s+/); return f[1]?.endsWith(hexPort) && f[3] === '0A'; })) return true;
    if (systemClock.now() > deadline) return false;
    await systemClock.sleep(10);
  }
}

/** Proportional set size: shared pages split among their users, so a sum over processes is fair. */
export async function pssKb(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const m = /^Pss:\s+(\d+) kB/m.exec(s);
  return m ? Number(m[1]) : 0;
}
