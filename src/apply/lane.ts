import type { Clock } from '../async/index.js';
import type { HostRef, Transport } from '../transport/types.js';
import type { LockOutcome } from './cluster-lock.js';
import type { DirectorLane } from './rolling.js';
import { holds as holdsVip } from '../host-addresses/index.js';
import { addressesOf, waitForVips, type VipWaitOptions } from './vip-wait.js';
import { firstElectionShortcut } from './first-election.js';
import { sendAdverts } from './first-election-send.js';
import type { ClusterOutcome, DeployEvent, DeployOptions, HostResult } from './types.js';

/** The I/O steps of a lane beyond running a host's script; passed in so the order is testable. */
export interface LaneOps {
  lock(lane: DirectorLane): Promise<LockOutcome>;
  /**
   * What the director's nginx answered before its change (the proof compares with it), as its
   * own deploy script saw it just before its first rename (runHost's `look`); undefined when it
   * saw nothing. Asked once that script has run.
   */
  baseline(host: string, lane: DirectorLane): Promise<ReadonlyMap<number, number> | undefined>;
  /** Null when the director serves with its new config; else why not. `untilHealthy`: wait for it. */
  prove(host: string, lane: DirectorLane, before: ReadonlyMap<number, number> | undefined, o?: { untilHealthy?: boolean; speakerReloaded?: boolean; nginxReloaded?: boolean }): Promise<string | null>;
  /** Put a director back on its files from before this deploy; null when done. */
  rollback(host: string): Promise<string | null>;
}

/** What the rollout steps share: how to run one host, how to record its end, where to report. */
export interface Rollout {
  o: DeployOptions;
  transport: Transport;
  clock: Clock;
  emit: (e: DeployEvent) => void;
  /** `look`: the deploy script looks at these nginx ports before it changes anything (LaneOps.baseline). */
  runHost: (host: string, o?: { look?: DirectorLane['ports'] }) => Promise<HostResult>;
  record: (r: HostResult) => HostResult;
  ops: LaneOps;
  /** Connection to any director of the cluster, also outside --limit. */
  refOf: (host: string) => HostRef | undefined;
  /** The host's plan runs handlers: it reloads something, so it has something to prove. */
  reloads: (host: string) => boolean;
  clusters: ClusterOutcome[];
}

export const INTERRUPTED = 'interrupted before this host started';

/**
 * The settle's looks after a priority-0 advert: the first one a Skew_Time after it (plus a
 * margin for the new master to add its VIPs), then short steps (a look is one `ip -j addr` per
 * director, a few ms) for long enough to find an election a little late (a slow or loaded
 * director), then the usual 100 ms.
 */
const DUE_MARGIN_MS = 15;
const DUE_EVERY_MS = 25;
const DUE_WINDOW_MS = 500;

/**
 * Wait until each VIP of the cluster has exactly one holder; the reason to stop if not.
 * `looks`: settled looks in a row that end it (see `speakerUntouched` for when one is enough).
 */
async function settle(x: Rollout, lane: DirectorLane, after: string, looks: 1 | 2 = 2, due?: VipWaitOptions['due']): Promise<{ reason: string | null; holders: Record<string, string> }> {
  x.emit({ kind: 'vip-wait', cluster: lane.cluster, after });
  const refs = lane.directors.map(x.refOf).filter((r): r is HostRef => Boolean(r));
  // A look is one `ip -j addr` per director (a few ms): polling at 100 ms ends the wait within
  // ~0.2 s of the election (two settled looks in a row), where 300 ms cost up to 0.6 s.
  const w = await waitForVips(x.transport, refs, lane.vips, { clock: x.clock, deadlineMs: x.o.vipDeadlineMs ?? 30_000, pollMs: 100, looks, ...(due ? { due } : {}), ...(x.o.signal ? { signal: x.o.signal } : {}) });
  const holders = Object.fromEntries(Object.entries(w.holders).map(([v, hs]) => [v, hs.join(',') || 'nobody']));
  x.emit({ kind: 'vip-settled', cluster: lane.cluster, holders });
  if (w.settled) return { reason: null, holders };
  const where = Object.entries(holders).map(([v, hs]) => `${v} on ${hs}`).join(', ');
  return { reason: `after ${after}, the VIPs of cluster ${lane.cluster} did not settle on exactly one director (${where})`, holders };
}

/**
 * Where the VIPs are now, once the lock is held (nothing else moves them on purpose any more):
 * the plan's facts may be older, and under --limit they do not cover the directors left out,
 * which may well hold the VIP. Non-holders first, holders last; null when a director cannot be
 * asked (then the plan's order stands).
 */
async function placeNow(x: Rollout, lane: DirectorLane): Promise<DirectorLane | null> {
  const looks = await Promise.all(
    lane.directors.map(async (d) => {
      const ref = x.refOf(d);
      if (!ref) return null;
      const addrs = await addressesOf(x.transport, ref, 10_000);
      return addrs ? { d, holds: addrs.some((a) => lane.vips.some((v) => holdsVip(a, v))) } : null;
    }),
  );
  if (looks.some((l) => l === null)) return null;
  const holds = new Set(looks.filter((l) => l!.holds).map((l) => l!.d));
  return { ...lane, hosts: [...lane.hosts.filter((h) => !holds.has(h)), ...lane.hosts.filter((h) => holds.has(h))], served: lane.served || holds.size > 0 };
}

/**
 * One cluster's directors, under the cluster lock, one at a time, the VIP holder last (all at
 * once when the cluster serves nothing yet: a first deploy has no service to protect). After
 * each director that reloaded, it must prove it serves (real requests through its nginx, its
 * speaker neither in FAULT nor demoted) and the VIPs settle before the next one starts, so a
 * config that only breaks once active is caught on a director that holds no VIP. Any failure
 * after a director was changed puts every changed director back, newest first: the cluster
 * ends on one config, the last that served. A director we could not reach or log in to
 * (nothing sent), or that dropped mid-way, is no reason to leave the others behind.
 */
export async function runLane(x: Rollout, lane: DirectorLane): Promise<void> {
  const outcome: ClusterOutcome = { cluster: lane.cluster, outcome: 'deployed', rolledBack: [], rollbackFailed: [], warnings: [] };
  if (x.o.signal?.aborted) {
    for (const host of lane.hosts) x.record({ host, status: 'skipped', reason: INTERRUPTED });
    return;
  }
  const lock = await x.ops.lock(lane);
  if (!lock.ok) {
    for (const host of lane.hosts) x.record({ host, status: 'failed', step: 'lock', message: lock.message, hint: lock.hint, rolledBack: false });
    x.clusters.push({ ...outcome, outcome: 'locked', reason: lock.message, ...(lock.lockedBy ? { lockedBy: lock.lockedBy } : {}) });
    x.emit({ kind: 'cluster-done', outcome: x.clusters[x.clusters.length - 1]! });
    return;
  }
  outcome.warnings.push(...lock.warnings);
  // A director left unlocked under --force could not be reached: it cannot be asked where the
  // VIPs are either (it would look like it holds none, and a settle would wait for nobody).
  const unlocked = new Set(lock.unlocked);
  const y: Rollout = { ...x, refOf: (h) => (unlocked.has(h) ? undefined : x.refOf(h)) };
  try {
    const now = await placeNow(y, lane);
    // `plan` showed the order from the plan's facts; say so when the VIPs moved since.
    if (now && now.hosts.join() !== lane.hosts.join()) outcome.warnings.push(`order re-decided under the lock, the VIP holder last: ${now.hosts.join(' → ')} (the plan showed ${lane.hosts.join(' → ')})`);
    // Serving nothing counts only as seen under the lock: a director that could not be asked
    // may hold a VIP, and then its peers must not all be deployed at once.
    await rollout(y, now ?? lane, outcome, now !== null && !now.served);
  } finally {
    outcome.warnings.push(...(await lock.release()));
  }
  if (outcome.outcome !== 'deployed' || outcome.warnings.length) {
    x.clusters.push(outcome);
    x.emit({ kind: 'cluster-done', outcome });
  }
}

async function rollout(x: Rollout, lane: DirectorLane, outcome: ClusterOutcome, idleSeen: boolean): Promise<void> {
  const changed: string[] = [];
  const results = new Map<string, HostResult>();
  let stop: string | null = null;
  let failed = false;
  let reloaded: string | null = null;
  // Directors whose speaker this deploy left running as it was and that proved they serve: the
  // settle after them needs one settled look, not two (see `speakerUntouched`).
  const quiet = new Set<string>();
  // A cluster that serves nothing yet (first deploy) has no service to protect, nor a state to prove.
  const proving = lane.served && (lane.ports.length > 0 || lane.instances.length > 0);
  // Nor a reason to wait for one director before the next: they all run at once (bounded by
  // --forks, runHost's own limit), and their results are then taken in the lane's order, the
  // intended holder first, as if they had run one after another — except that none is left out
  // once one fails: every one that changed goes back with the cluster, as it would have. Only
  // when every director was asked under the lock and none holds a VIP (`idleSeen`).
  const atOnce = lane.served || !idleSeen || !lane.quietBefore ? null : new Map(await Promise.all(lane.hosts.map(async (h) => [h, await x.runHost(h)] as const)));
  for (const host of lane.hosts) {
    const ran = atOnce?.get(host);
    if (stop && !ran) {
      x.record({ host, status: 'skipped', reason: stop });
      continue;
    }
    // The baseline is taken by the director's own deploy script, before its first rename: no
    // round trip of its own, and nothing of this director changed between it and the reload.
    const look = proving && x.reloads(host);
    const r = ran ?? (await x.runHost(host, look && lane.ports.length ? { look: lane.ports } : {}));
    const before = look ? await x.ops.baseline(host, lane) : undefined;
    results.set(host, r);
    const reload = r.status === 'changed' && r.handlers.length > 0;
    if (r.status === 'changed') changed.push(host);
    if (reload) reloaded = host;
    // Ran beside one that already stopped the lane: only whether it changed counts (it goes back).
    if (stop) continue;
    const untouched = r.status === 'unreachable' || (r.status === 'failed' && r.step === 'plan');
    if (x.o.signal?.aborted) stop = INTERRUPTED;
    else if (!untouched && (r.status === 'failed' || r.status === 'skipped')) {
      stop = `director ${host} of cluster ${lane.cluster} did not deploy`;
      failed = true;
    } else if (lane.served && (untouched || reload)) {
      if (reload && proving) {
        x.emit({ kind: 'serve-check', cluster: lane.cluster, host });
        const speakerReloaded = r.status === 'changed' && r.handlers.some((h) => /keepalived|agent/.test(h));
        const nginxReloaded = r.status === 'changed' && r.handlers.some((h) => /nginx/.test(h));
        const bad = await x.ops.prove(host, lane, before, { speakerReloaded, nginxReloaded });
        if (bad) {
          results.set(host, x.record({ host, status: 'failed', step: 'serve', message: bad, rolledBack: false }));
          stop = `director ${host} of cluster ${lane.cluster} did not prove it serves`;
          failed = true;
          continue;
        }
        if (!speakerReloaded) quiet.add(host);
      }
      if (host !== lane.hosts[lane.hosts.length - 1]) {
        const s = await settle(x, lane, host, speakerUntouched(quiet, host));
        if (s.reason) {
          if (r.status === 'changed') results.set(host, x.record({ host, status: 'failed', step: 'vip', message: s.reason, rolledBack: false }));
          stop = s.reason;
          failed = true;
        }
      }
    }
  }
  // The deploy is done when the cluster serves again: after the last director's reload (or the
  // first deploy, when keepalived starts BACKUP and takes Master_Down_Interval to elect, unless a
  // priority-0 advert cuts that to Skew_Time), every VIP must have exactly one holder. Only when every director of the cluster can be asked: the
  // VIP may sit on one we cannot see, which would look like nobody for the whole deadline.
  const seesAll = lane.directors.every((d) => x.refOf(d));
  if (!stop && reloaded && seesAll && !x.o.signal?.aborted) {
    const hasten = lane.served ? null : await hastenFirstElection(x, lane, results);
    // Once the settle has seen one holder per VIP there is nothing left to send again: `again`
    // ends then instead of sleeping out its own wait.
    const settled = new AbortController();
    const again = hasten?.again(settled.signal);
    const s = await settle(x, lane, reloaded, speakerUntouched(quiet, reloaded), hasten?.due);
    settled.abort();
    for (const w of [hasten?.warning, await again]) if (w) outcome.warnings.push(w);
    if (s.reason) {
      results.set(reloaded, x.record({ host: reloaded, status: 'failed', step: 'vip', message: s.reason, rolledBack: false }));
      stop = s.reason;
      failed = true;
    }
  }
  if (!failed) return;
  outcome.outcome = 'stopped';
  outcome.reason = stop ?? 'a director failed';
  if (changed.length === 0) return;
  await clusterRollback(x, lane, outcome, [...changed].reverse(), results);
}

/**
 * Settled looks the settle after `host` needs. Two in a row where a speaker was reloaded: its
 * state machine starts over and may flip a VIP a moment after a first good look. One where this
 * deploy changed nothing the speaker reads on `host` (an nginx-only change) and its proof saw,
 * after the change, its speaker in BACKUP or MASTER at its configured priority and every track
 * script passing when run: nothing this deploy did there can move a VIP (VRRP moves one only on
 * a state or priority change of a speaker, and the directors before it had their own settle).
 * The one look still checks every director: exactly one holder per VIP before the next.
 */
function speakerUntouched(quiet: ReadonlySet<string>, host: string): 1 | 2 {
  return quiet.has(host) ? 1 : 2;
}

/**
 * A first deploy's election without keepalived's full Master_Down_Interval: a director that is
 * not the intended holder sends one priority-0 advert per instance (first-election.ts says when
 * and which). Never once a VIP is held anywhere (an election has happened: nothing to hasten,
 * and no master to disturb), nor when a director cannot be asked. A failed send is a warning:
 * the settle then waits for the speaker's own timer, as without the shortcut.
 *
 * `again`, run beside the settle: a speaker still starting when the advert came (keepalived
 * drops adverts before it is BACKUP; the agent's node start takes ~0.3 s and its handler does
 * not wait for it) missed it, so when no VIP is held a Skew_Time after the send, it is sent once
 * more, under the same rule.
 */
async function hastenFirstElection(x: Rollout, lane: DirectorLane, results: ReadonlyMap<string, HostResult>): Promise<{ warning: string | null; again: (settled: AbortSignal) => Promise<string | null>; due?: VipWaitOptions['due'] }> {
  const plan = firstElectionShortcut(x.o.topology?.clusters.find((c) => c.name === lane.cluster), lane, results);
  if (!plan.take) return { warning: null, again: async () => null };
  const send = async (): Promise<string | null | undefined> => {
    const looks = await Promise.all(lane.directors.map(async (d) => addressesOf(x.transport, x.refOf(d)!, 5000, x.o.signal)));
    if (looks.some((l) => l === null || l.some((a) => lane.vips.some((v) => holdsVip(a, v))))) return undefined;
    const failed = await Promise.all(plan.senders.map(async (s) => {
      const why = await sendAdverts(x.transport, x.refOf(s.host)!, s.packets, { timeoutMs: 5000, ...(x.o.signal ? { signal: x.o.signal } : {}) });
      return why ? `${s.host} (${s.instances.join(', ')}): ${why}` : null;
    }));
    const sent = plan.senders.filter((_, n) => failed[n] === null);
    if (sent.length) x.emit({ kind: 'election-hastened', cluster: lane.cluster, senders: sent.map((s) => s.host), instances: sent.flatMap((s) => s.instances) });
    const bad = failed.filter(Boolean);
    return bad.length ? `first election not hastened, waited for the speaker's own timer instead: priority-0 advert from ${bad.join('; ')}` : null;
  };
  const first = await send();
  if (first !== null) return { warning: first ?? null, again: async () => null };
  // The adverts left before their sender said so: the holder elects itself at most its Skew_Time
  // from now, and shows its VIPs a moment later (keepalived adds them as it becomes MASTER).
  const at = x.clock.now() + plan.skewMs + DUE_MARGIN_MS;
  return {
    due: { at, every: DUE_EVERY_MS, until: at + DUE_WINDOW_MS },
    warning: null,
    again: async (settled) => {
      // Its VIPs show a moment after the election: allow for one poll of the settle. Not once
      // the settle is over: it saw exactly one holder per VIP (or gave up, long after this).
      await x.clock.sleep(plan.skewMs + 300, x.o.signal ? AbortSignal.any([x.o.signal, settled]) : settled).catch(() => undefined);
      if (x.o.signal?.aborted || settled.aborted) return null;
      return (await send()) ?? null;
    },
  };
}

/** Every director this deploy changed goes back, newest first; then one healthy holder per VIP. */
async function clusterRollback(x: Rollout, lane: DirectorLane, outcome: ClusterOutcome, hosts: string[], results: Map<string, HostResult>): Promise<void> {
  const reason = outcome.reason!;
  x.emit({ kind: 'cluster-rollback', cluster: lane.cluster, hosts, reason });
  outcome.outcome = 'rolled-back';
  for (const host of hosts) {
    const problem = await x.ops.rollback(host);
    const r = results.get(host);
    if (problem) {
      outcome.rollbackFailed.push({ host, message: problem });
      x.record({ host, status: 'failed', step: r?.status === 'failed' ? r.step : 'cluster', message: `${r?.status === 'failed' ? r.message + '\n' : ''}rollback with its cluster failed, still on the new files: ${problem}`, hint: 'look at the host; a deploy of the last good inventory converges it', rolledBack: false });
      continue;
    }
    outcome.rolledBack.push(host);
    if (r?.status === 'failed') x.record({ ...r, rolledBack: true });
    else x.record({ host, status: 'failed', step: 'cluster', message: `deployed, then put back on its previous files with its cluster: ${reason}`, rolledBack: true });
  }
  if (!lane.served || !lane.directors.every((d) => x.refOf(d))) return;
  const s = await settle(x, lane, 'the rollback');
  outcome.holders = s.holders;
  outcome.settled = s.reason === null;
  if (s.reason) return;
  for (const holder of new Set(Object.values(s.holders))) {
    const bad = await x.ops.prove(holder, lane, undefined, { untilHealthy: true });
    if (bad) {
      outcome.settled = false;
      outcome.warnings.push(`after the rollback, the VIP holder ${holder} does not serve: ${bad}`);
    }
  }
}
