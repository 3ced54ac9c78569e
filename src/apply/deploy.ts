import { systemClock } from '../async/index.js';
import type { DesiredState } from '../render/types.js';
import type { AddressFact } from '../facts/types.js';
import type { HostRef, Transport } from '../transport/types.js';
import { hostHasChanges, type Plan } from '../plan/index.js';
import { deployHost } from './host-deploy.js';
import { rollingOrder, type DirectorLane } from './rolling.js';
import { waitForVips } from './vip-wait.js';
import type { DeployOptions, DeployResult, HostResult } from './types.js';

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

function bad(r: HostResult): boolean {
  return r.status === 'failed' || r.status === 'unreachable';
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
  const by = o.by ?? 'hafleet';
  const results = new Map<string, HostResult>();
  const sem = semaphore(o.forks ?? 50);
  const emit = o.onEvent ?? (() => undefined);

  const work: string[] = [];
  for (const h of plan.hosts) {
    if (h.status === 'planned' && !hostHasChanges(h) && h.recordCurrent) {
      const r: HostResult = { host: h.host, status: 'ok', recordWritten: false };
      results.set(h.host, r);
      emit({ kind: 'host-done', host: h.host, result: r });
    } else work.push(h.host);
  }
  const byHost = new Map(plan.hosts.map((h) => [h.host, h]));
  const addresses = new Map<string, AddressFact[]>();
  for (const [host, f] of o.facts) if (f.ok) addresses.set(host, f.value.addresses);
  const order = rollingOrder(work, o.topology, addresses, o.serial);

  const runHost = async (host: string): Promise<HostResult> => {
    if (o.signal?.aborted) return record({ host, status: 'skipped', reason: 'interrupted before this host started' });
    return sem.run(async () => {
      if (o.signal?.aborted) return record({ host, status: 'skipped', reason: 'interrupted before this host started' });
      emit({ kind: 'host-start', host });
      const r = await deployHost(transport, {
        plan: byHost.get(host)!, desired: desired.get(host), facts: o.facts.get(host), ref: o.refs.get(host),
        deployId, planId: plan.id, by, breakLock: Boolean(o.breakLock), now,
        onStep: (step) => emit({ kind: 'host-step', host, step }),
      });
      return record(r);
    });
  };
  const record = (r: HostResult): HostResult => {
    results.set(r.host, r);
    emit({ kind: 'host-done', host: r.host, result: r });
    return r;
  };

  const runLane = async (lane: DirectorLane) => {
    let broken: string | null = null;
    for (const host of lane.hosts) {
      if (broken) {
        record({ host, status: 'skipped', reason: broken });
        continue;
      }
      const r = await runHost(host);
      const last = lane.hosts.indexOf(host) === lane.hosts.length - 1;
      // A rejected config would likely be rejected on the next director too, and a lock means
      // someone else is at work: stop. A director we could not reach or log in to (nothing sent),
      // or that dropped mid-way (its script finishes or rolls back on its own), is not a reason
      // to leave the others behind: go on once the VIPs are settled without it.
      const untouched = r.status === 'unreachable' || (r.status === 'failed' && r.step === 'plan');
      if (o.signal?.aborted) broken = 'interrupted before this host started';
      else if (!untouched && (r.status === 'failed' || r.status === 'skipped')) broken = `director ${host} of cluster ${lane.cluster} did not deploy: the other directors are left as they are`;
      else if (!last && lane.served && (untouched || (r.status === 'changed' && r.handlers.length > 0))) {
        broken = await settle(lane, host);
        if (broken && r.status === 'changed') record({ host, status: 'failed', step: 'vip', message: broken, rolledBack: false });
      }
    }
  };
  const settle = async (lane: DirectorLane, after: string): Promise<string | null> => {
    emit({ kind: 'vip-wait', cluster: lane.cluster, after });
    const refs = lane.directors.map((d) => o.refs.get(d)).filter((r): r is HostRef => Boolean(r));
    const w = await waitForVips(transport, refs, lane.vips, { clock, deadlineMs: o.vipDeadlineMs ?? 30_000, ...(o.signal ? { signal: o.signal } : {}) });
    const holders = Object.fromEntries(Object.entries(w.holders).map(([v, hs]) => [v, hs.join(',') || 'nobody']));
    emit({ kind: 'vip-settled', cluster: lane.cluster, holders });
    if (w.settled) return null;
    const where = Object.entries(holders).map(([v, hs]) => `${v} on ${hs}`).join(', ');
    return `after ${after}, the VIPs of cluster ${lane.cluster} did not settle on exactly one director (${where}); the other directors are left as they are`;
  };
  const runBatches = async () => {
    let failures = 0;
    for (const [n, batch] of order.batches.entries()) {
      if (o.maxFail !== undefined && failures > o.maxFail) {
        for (const host of batch) record({ host, status: 'skipped', reason: `--max-fail ${o.maxFail} exceeded (${failures} realservers failed) before batch ${n + 1}` });
        continue;
      }
      const rs = await Promise.all(batch.map(runHost));
      failures += rs.filter(bad).length;
    }
  };

  await Promise.all([...order.lanes.map(runLane), runBatches(), Promise.all(order.free.map(runHost))]);
  return { deployId, planId: plan.id, hosts: plan.hosts.map((h) => results.get(h.host)!), durationMs: Math.round(clock.now() - started) };
}
