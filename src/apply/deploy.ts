import { systemClock, type Clock } from '../async/index.js';
import type { DesiredState } from '../render/types.js';
import type { AddressFact } from '../facts/types.js';
import type { HostRef, Transport } from '../transport/types.js';
import { hostHasChanges, type Plan } from '../plan/index.js';
import { deployHost } from './host-deploy.js';
import { rollingOrder, type DirectorLane } from './rolling.js';
import { waitForVips } from './vip-wait.js';
import type { DeployEvent, DeployOptions, DeployResult, HostResult } from './types.js';

/** At most `n` hosts in flight across lanes, batches and free hosts together. */
function semaphore(n: number) {
  let free = Math.max(1, n);
  const waiting: (() => void)[] = [];
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (free > 0) free--;
      else await new Promise<void>((r) => waiting.push(r));
      try {
        return await fn();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free++;
      }
    },
  };
}

/** What the rollout steps share: how to run one host, how to record its end, where to report. */
interface Rollout {
  o: DeployOptions;
  transport: Transport;
  clock: Clock;
  emit: (e: DeployEvent) => void;
  runHost: (host: string) => Promise<HostResult>;
  record: (r: HostResult) => HostResult;
}

const INTERRUPTED = 'interrupted before this host started';

/**
 * One cluster's directors, one at a time. A rejected config would likely be rejected on the next
 * director too, and a lock means someone else is at work: stop. A director we could not reach or
 * log in to (nothing sent), or that dropped mid-way (its script finishes or rolls back on its
 * own), is no reason to leave the others behind: go on once the VIPs are settled without it.
 */
async function runLane(x: Rollout, lane: DirectorLane): Promise<void> {
  let broken: string | null = null;
  let reloaded: string | null = null;
  for (const [n, host] of lane.hosts.entries()) {
    if (broken) {
      x.record({ host, status: 'skipped', reason: broken });
      continue;
    }
    const r = await x.runHost(host);
    if (r.status === 'changed' && r.handlers.length > 0) reloaded = host;
    const untouched = r.status === 'unreachable' || (r.status === 'failed' && r.step === 'plan');
    const last = n === lane.hosts.length - 1;
    if (x.o.signal?.aborted) broken = INTERRUPTED;
    else if (!untouched && (r.status === 'failed' || r.status === 'skipped')) broken = `director ${host} of cluster ${lane.cluster} did not deploy: the other directors are left as they are`;
    else if (!last && lane.served && (untouched || (r.status === 'changed' && r.handlers.length > 0))) {
      broken = await settle(x, lane, host);
      if (broken && r.status === 'changed') x.record({ host, status: 'failed', step: 'vip', message: broken, rolledBack: false });
    }
  }
  // The deploy is done when the cluster serves again: after the last director's reload (or the
  // first deploy, when keepalived starts BACKUP and takes Master_Down_Interval to elect), every
  // VIP must have exactly one holder, or verify right after would find an orphan. Only when every
  // director of the cluster can be asked: under --limit the VIP may sit on one outside the deploy,
  // which would look like nobody for the whole deadline.
  const seesAll = lane.directors.every((d) => x.o.refs.has(d));
  if (!broken && reloaded && seesAll && !x.o.signal?.aborted) {
    const late = await settle(x, lane, reloaded);
    if (late) x.record({ host: reloaded, status: 'failed', step: 'vip', message: late.replace('; the other directors are left as they are', ''), rolledBack: false });
  }
}

/** Wait until each VIP of the cluster has exactly one holder; the reason to stop if not. */
async function settle(x: Rollout, lane: DirectorLane, after: string): Promise<string | null> {
  x.emit({ kind: 'vip-wait', cluster: lane.cluster, after });
  const refs = lane.directors.map((d) => x.o.refs.get(d)).filter((r): r is HostRef => Boolean(r));
  const w = await waitForVips(x.transport, refs, lane.vips, { clock: x.clock, deadlineMs: x.o.vipDeadlineMs ?? 30_000, ...(x.o.signal ? { signal: x.o.signal } : {}) });
  const holders = Object.fromEntries(Object.entries(w.holders).map(([v, hs]) => [v, hs.join(',') || 'nobody']));
  x.emit({ kind: 'vip-settled', cluster: lane.cluster, holders });
  if (w.settled) return null;
  const where = Object.entries(holders).map(([v, hs]) => `${v} on ${hs}`).join(', ');
  return `after ${after}, the VIPs of cluster ${lane.cluster} did not settle on exactly one director (${where}); the other directors are left as they are`;
}

/** Realserver batches one after another; past `--max-fail` failures the rest is skipped. */
async function runBatches(x: Rollout, batches: string[][]): Promise<void> {
  let failures = 0;
  for (const [n, batch] of batches.entries()) {
    if (x.o.maxFail !== undefined && failures > x.o.maxFail) {
      for (const host of batch) x.record({ host, status: 'skipped', reason: `--max-fail ${x.o.maxFail} exceeded (${failures} realservers failed) before batch ${n + 1}` });
      continue;
    }
    const rs = await Promise.all(batch.map(x.runHost));
    failures += rs.filter((r) => r.status === 'failed' || r.status === 'unreachable').length;
  }
}

/**
 * Execute a plan: per host one self-contained script (see deploy-script.ts), in rolling order:
 * each cluster's directors one at a time with the VIP holder last, waiting until every VIP has
 * exactly one holder before the next; realservers in `--serial` batches with `--max-fail`; the
 * rest at once; everything bounded by `--forks`. Every host ends as a HostResult.
 */
export async function deploy(plan: Plan, desired: DesiredState, transport: Transport, o: DeployOptions): Promise<DeployResult> {
  const clock = o.clock ?? systemClock;
  const started = clock.now();
  const deployId = o.deployId ?? plan.id;
  const now = (o.now ?? new Date()).toISOString();
  const results = new Map<string, HostResult>();
  const sem = semaphore(o.forks ?? 50);
  const emit = o.onEvent ?? (() => undefined);
  const record = (r: HostResult): HostResult => {
    results.set(r.host, r);
    emit({ kind: 'host-done', host: r.host, result: r });
    return r;
  };

  const work: string[] = [];
  for (const h of plan.hosts) {
    if (h.status === 'planned' && !hostHasChanges(h) && h.recordCurrent) record({ host: h.host, status: 'ok', recordWritten: false });
    else work.push(h.host);
  }
  const byHost = new Map(plan.hosts.map((h) => [h.host, h]));
  const runHost = (host: string): Promise<HostResult> =>
    sem.run(async () => {
      if (o.signal?.aborted) return record({ host, status: 'skipped', reason: INTERRUPTED });
      emit({ kind: 'host-start', host });
      return record(
        await deployHost(transport, {
          plan: byHost.get(host)!, desired: desired.get(host), facts: o.facts.get(host), ref: o.refs.get(host),
          deployId, planId: plan.id, by: o.by ?? 'hafleet', breakLock: Boolean(o.breakLock), now,
          onStep: (step) => emit({ kind: 'host-step', host, step }),
        }),
      );
    });

  const addresses = new Map<string, AddressFact[]>();
  for (const [host, f] of o.facts) if (f.ok) addresses.set(host, f.value.addresses);
  const order = rollingOrder(work, o.topology, addresses, o.serial);
  const x: Rollout = { o, transport, clock, emit, runHost, record };
  await Promise.all([...order.lanes.map((lane) => runLane(x, lane)), runBatches(x, order.batches), Promise.all(order.free.map(runHost))]);
  return { deployId, planId: plan.id, hosts: plan.hosts.map((h) => results.get(h.host)!), durationMs: Math.round(clock.now() - started) };
}
