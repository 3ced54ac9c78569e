import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../async/index.js';
import type { HostRef, Transport } from '../transport/types.js';
import { clusterLockPath } from '../host-paths/index.js';
import { acquireLockLines, releaseLockLines } from './lock-lines.js';
import { parseScriptOutput } from './script-output.js';
import { MARK, q, wrapScript } from './shell.js';

/**
 * One lock per cluster, held on every director of it whatever --limit says: two deploys of
 * disjoint --limit on one cluster would otherwise reload both directors at once. The lock is a
 * directory taken with lock-lines (liveness by boot id and process start time); its holder is a
 * keeper script that lives on each director for as long as the lane runs, tied to our SSH
 * session: if hafleet dies, the session closes, the keeper's next heartbeat fails and it
 * releases (or, killed outright, leaves a lock whose holder is gone, which the next run takes over).
 */
export const CLUSTER_LOCK_EXIT = 75;

/** The lock directory of a cluster: its name when that is a plain word, else a digest of it. */
export function clusterLockDir(cluster: string): string {
  const safe = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(cluster) ? cluster : `h${createHash('sha256').update(cluster).digest('hex').slice(0, 16)}`;
  return clusterLockPath(safe);
}

export interface KeeperInput {
  cluster: string;
  by: string;
  deployId: string;
  now: string;
  /** Secret to this run: proves the lock is ours (two runs of one plan share the deploy id). */
  token: string;
  breakLock: boolean;
  /** Give up holding after this long even if nobody says release (a lost release request). */
  maxHoldS?: number;
  /** clusterLockDir(cluster) unless a test runs the keeper in a temp dir. */
  dir?: string;
}

/** Take the lock, say so, hold it while the session lives and no release is asked, release. */
export function keeperScript(i: KeeperInput): string {
  const dir = i.dir ?? clusterLockDir(i.cluster);
  // A tick of 0.1 s: release is seen within 0.1 s (it was up to 0.5 s at the end of every deploy).
  const ticks = Math.ceil((i.maxHoldS ?? 4 * 3600) / 0.1);
  return wrapScript([
    'umask 077',
    ...acquireLockLines(dir, { by: i.by, deployId: i.deployId, now: i.now }, CLUSTER_LOCK_EXIT, { breakLock: i.breakLock }),
    `printf %s ${q(i.token)} > ${q(dir + '/token')}`,
    // The tick waits on a FIFO of the lock, held open on fd 3 (open at both ends: never EOF, and
    // its path may go without the wait spinning): the release request wakes it at once instead
    // of at the next tenth of a second. Without a FIFO, sleep.
    `hafleet_wake=0; if mkfifo -m 600 -- ${q(dir + '/wake')} 2>/dev/null && exec 3<> ${q(dir + '/wake')}; then hafleet_wake=1; fi`,
    `echo "${MARK} cluster-locked"`,
    'hafleet_kn=0',
    // The heartbeat is how a dead session is noticed: the write fails (HUP and PIPE are ignored).
    `while [ -d ${q(dir)} ] && [ ! -e ${q(dir + '/release')} ] && [ $hafleet_kn -lt ${ticks} ]; do printf '.\\n' 2>/dev/null || break; if [ $hafleet_wake = 1 ]; then read -r -t 0.1 -u 3 _ || true; else sleep 0.1; fi; hafleet_kn=$((hafleet_kn + 1)); done`,
    ...releaseLockLines(dir),
    // No one may be listening any more (that is why the loop ended): not a failure.
    `echo "${MARK} cluster-released" 2>/dev/null || true`,
  ]);
}

/**
 * Ask the keeper holding `dir` with `token` to release: the request file, then a line into the
 * keeper's FIFO to wake it (only when it is a FIFO: no file is ever made here).
 */
export function releaseCommand(dir: string, token: string): string {
  const wake = q(dir + '/wake');
  return `[ "$(cat -- ${q(dir + '/token')} 2>/dev/null)" = ${q(token)} ] && : > ${q(dir + '/release')} && [ -p ${wake} ] && { printf '\\n' 1<> ${wake}; } 2>/dev/null; true`;
}

/** `by=… pid=… at=… deploy=…` from a `locked` line → who holds it, for the message. */
export function lockHolder(rest: string): { age: string; alive: boolean; who: string } {
  const [age, alive, ...info] = rest.trim().split(' ');
  const field = (k: string) => info.find((w) => w.startsWith(`${k}=`))?.slice(k.length + 1);
  const who = [field('by') ? `by ${field('by')}` : null, field('at') ? `since ${field('at')}` : null, field('deploy') ? `deploy ${field('deploy')}` : null].filter(Boolean).join(', ');
  return { age: age || '?', alive: alive === 'yes', who: who || 'no holder info' };
}

/** What the keepers said about locks they found: a dead holder's taken over, one broken on request. */
function takeoverNotes(cluster: string, ends: ReadonlyMap<string, Awaited<ReturnType<Transport['exec']>>>): string[] {
  const notes: string[] = [];
  for (const [host, r] of ends) {
    if (!r.ok) continue;
    for (const e of parseScriptOutput(r.value.stdout).events) {
      // `lock-stale <age> <info…>`: no alive word, the holder is gone by definition.
      if (e.event === 'lock-stale') notes.push(`${host}: took over the lock of cluster ${cluster} from a deploy that is gone (${lockHolder(e.rest.replace(/^(\S+)/, '$1 no')).who})`);
      else if (e.event === 'lock-broken') notes.push(`${host}: broke the lock of cluster ${cluster} (--break-lock): ${lockHolder('0 no ' + e.rest).who}`);
    }
  }
  return notes;
}

export type LockOutcome =
  /** `release` resolves to notes on how the lock was taken (a dead holder's lock taken over, one broken). */
  | { ok: true; release: () => Promise<string[]>; warnings: string[]; unlocked: string[] }
  | { ok: false; host: string; message: string; hint: string; lockedBy?: string };

export interface ClusterLockOptions {
  cluster: string;
  by: string;
  deployId: string;
  now: string;
  breakLock: boolean;
  /** Unreachable directors are left unlocked with a warning instead of refusing the lane. */
  force: boolean;
  clock: Clock;
  deadlineMs?: number;
}

/**
 * Take the cluster lock on every director, all at once. Refused (and whatever was taken is
 * released) when any director has it held by someone else, or cannot be reached without `force`.
 */
export async function takeClusterLock(transport: Transport, directors: readonly HostRef[], o: ClusterLockOptions): Promise<LockOutcome> {
  const token = randomBytes(12).toString('hex');
  const dir = clusterLockDir(o.cluster);
  const script = keeperScript({ cluster: o.cluster, by: o.by, deployId: o.deployId, now: o.now, token, breakLock: o.breakLock });
  const held: HostRef[] = [];
  const refusals: Extract<LockOutcome, { ok: false }>[] = [];
  const warnings: string[] = [];
  const unlocked: string[] = [];
  const keepers: Promise<unknown>[] = [];
  const ends = new Map<string, Awaited<ReturnType<Transport['exec']>>>();
  await Promise.all(
    directors.map(async (d) => {
      // The keeper says `cluster-locked` once it holds the lock: seen as it comes, that ends the
      // wait at once (polling the token file alone took 0.1–0.2 s at the start of every deploy).
      // The token look below stays for a transport that does not stream stdout.
      let said = '';
      const locked: { seen: boolean; wake?: () => void } = { seen: false };
      const lockedLine = new Promise<void>((resolve) => (locked.wake = resolve));
      const onStdout = (chunk: Buffer) => {
        if (locked.seen) return;
        said = (said + chunk.toString('latin1')).slice(-4096);
        if (said.includes(`${MARK} cluster-locked\n`)) {
          locked.seen = true;
          locked.wake!();
        }
      };
      // No timeout of ours: the keeper lives as long as the lane; release ends it.
      const keeper = transport.exec(d, 'bash -s', { stdin: script, timeoutMs: 5 * 3600_000, onStdout });
      keepers.push(keeper);
      const start = o.clock.now();
      const st: { ended: Awaited<typeof keeper> | null } = { ended: null };
      void keeper.then((r) => {
        st.ended = r;
        ends.set(d.name, r);
      });
      // A first wait before looking: the keeper's line usually comes within it.
      await Promise.race([lockedLine, keeper, o.clock.sleep(100)]);
      for (;;) {
        if (locked.seen && !st.ended) {
          held.push(d);
          return;
        }
        if (st.ended) break;
        const look = await transport.exec(d, `cat -- ${q(dir + '/token')} 2>/dev/null; true`, { timeoutMs: 10_000 });
        if (look.ok && look.value.stdout.trim() === token) {
          held.push(d);
          return;
        }
        if (!look.ok || o.clock.now() - start > (o.deadlineMs ?? 20_000)) break;
        await Promise.race([lockedLine, o.clock.sleep(100)]);
      }
      const r = st.ended ?? (await Promise.race([keeper, o.clock.sleep(2000).then(() => null)]));
      if (r && r.ok && r.value.code === CLUSTER_LOCK_EXIT) {
        const locked = parseScriptOutput(r.value.stdout).events.find((e) => e.event === 'locked')?.rest ?? '';
        const h = lockHolder(locked);
        refusals.push({
          ok: false, host: d.name, lockedBy: h.who,
          message: `cluster ${o.cluster} is locked on ${d.name} by another deploy (${h.who}; held for ${h.age}s, its process ${h.alive ? 'is alive' : 'is gone'})`,
          hint: h.alive ? 'wait for that deploy to finish, then run again' : 'if no deploy is running, run again with --break-lock',
        });
      } else if (r && !r.ok) {
        if (o.force) {
          warnings.push(`${d.name}: not locked (${r.failure.message}); going on because of --force`);
          unlocked.push(d.name);
        }
        else refusals.push({ ok: false, host: d.name, message: `cannot take the lock of cluster ${o.cluster} on ${d.name}: ${r.failure.message}`, hint: 'every director of a cluster is locked, also those outside --limit; bring it back, or run again with --force if you are sure no other deploy runs' });
      } else refusals.push({ ok: false, host: d.name, message: `cannot take the lock of cluster ${o.cluster} on ${d.name}: ${r ? `lock script ended with exit ${r.value.code}: ${(r.value.stderr || r.value.stdout).trim().slice(0, 300)}` : 'no answer'}`, hint: 'run again; if it persists, look at the host' });
    }),
  );
  const releaseAll = async () => {
    await Promise.all(held.map((d) => transport.exec(d, releaseCommand(dir, token), { timeoutMs: 15_000 })));
    // Each keeper is woken by it (else sees it within a tenth of a second) and ends; one that lost its session already has.
    await Promise.race([Promise.allSettled(keepers), o.clock.sleep(10_000)]);
    return takeoverNotes(o.cluster, ends);
  };
  if (refusals.length > 0) {
    await releaseAll();
    return refusals.find((r) => r.lockedBy) ?? refusals[0]!;
  }
  return { ok: true, release: releaseAll, warnings, unlocked };
}
