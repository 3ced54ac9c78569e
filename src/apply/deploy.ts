import { systemClock } from '../async/index.js';
import type { DesiredState } from '../render/types.js';
import type { AddressFact } from '../facts/types.js';
import type { HostRef, Transport } from '../transport/types.js';
import { hostsToDeploy, type Plan } from '../plan/index.js';
import { deployHost } from './host-deploy.js';
import { rollingOrder } from './rolling.js';
import { INTERRUPTED, runLane, type LaneOps, type Rollout } from './lane.js';
import { takeClusterLock } from './cluster-lock.js';
import { proveServes, type ServeBaseline } from './serve-check.js';
import type { DirectorLane } from './rolling.js';
import { rollbackHost, rollbackInput } from './cluster-rollback.js';
import type { ClusterOutcome, DeployOptions, DeployResult, HostResult } from './types.js';

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

/** Realserver batches one after another; past `--max-fail` failures the rest is skipped. */
async function runBatches(x: Rollout, batches: string[][]): Promise<void> {
  let failures = 0;
  for (const [n, batch] of batches.entries()) {
    if (x.o.maxFail !== undefined && failures > x.o.maxFail) {
      for (const host of batch) x.record({ host, status: 'skipped', reason: `--max-fail ${x.o.maxFail} exceeded (${failures} realservers failed) before batch ${n + 1}` });
      continue;
    }
    const rs = await Promise.all(batch.map((h) => x.runHost(h)));
    failures += rs.filter((r) => r.status === 'failed' || r.status === 'unreachable').length;
  }
}

/**
 * Execute a plan: per host one self-contained script (see deploy-script.ts), in rolling order:
 * each cluster's directors under the cluster lock, one at a time with the VIP holder last, each
 * proving it serves and every VIP settling on one holder before the next, the cluster put back
 * whole when one fails (see lane.ts); realservers in `--serial` batches with `--max-fail`; the
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

  // The plan's cut (what `plan` shows in its rolling order): the rest is current and stays as is.
  const work = hostsToDeploy(plan);
  const running = new Set(work);
  for (const h of plan.hosts) if (!running.has(h.host)) record({ host: h.host, status: 'ok', recordWritten: false });
  const byHost = new Map(plan.hosts.map((h) => [h.host, h]));
  // What each director's deploy script saw of its nginx before its change (its baseline), for its proof.
  const baselines = new Map<string, ServeBaseline>();
  const runHost = (host: string, l: { look?: DirectorLane['ports'] } = {}): Promise<HostResult> =>
    sem.run(async () => {
      if (o.signal?.aborted) return record({ host, status: 'skipped', reason: INTERRUPTED });
      emit({ kind: 'host-start', host });
      baselines.delete(host);
      return record(
        await deployHost(transport, {
          plan: byHost.get(host)!, desired: desired.get(host), facts: o.facts.get(host), ref: o.refs.get(host),
          deployId, planId: plan.id, by: o.by ?? 'hafleet', breakLock: Boolean(o.breakLock), now,
          onStep: (step) => emit({ kind: 'host-step', host, step }),
          ...(l.look?.length ? { look: l.look, onLook: (b: ServeBaseline) => baselines.set(host, b) } : {}),
        }),
      );
    });

  const refOf = (host: string) => o.clusterRefs?.get(host) ?? o.refs.get(host);
  const ops: LaneOps = {
    lock: async (lane) => {
      const refs = lane.directors.map(refOf);
      const missing = lane.directors.filter((_, n) => !refs[n]);
      if (missing.length && !o.force) {
        const message = `cannot take the lock of cluster ${lane.cluster}: no connection to ${missing.join(', ')}`;
        return { ok: false, host: missing[0]!, message, hint: 'every director of a cluster is locked, also those outside --limit' };
      }
      const r = await takeClusterLock(transport, refs.filter((x): x is HostRef => Boolean(x)), { cluster: lane.cluster, by: o.by ?? 'hafleet', deployId, now, breakLock: Boolean(o.breakLock), force: Boolean(o.force), clock });
      return r.ok && missing.length ? { ...r, warnings: [...r.warnings, ...missing.map((m) => `${m}: not locked (no connection); going on because of --force`)], unlocked: [...r.unlocked, ...missing] } : r;
    },
    baseline: async (host) => baselines.get(host)?.http,
    prove: (host, lane, before, p) => {
      const windowMs = p?.untilHealthy ? 30_000 : Math.min(60_000, Math.max(3000, o.serveWindowMs ?? lane.trackWindowMs));
      // Serving with nothing wrong ends the proof early: once nginx's old workers no longer take
      // requests (seen in the look itself; after one second when that cannot be seen), and after
      // one run of every track script when the speaker itself was reloaded (its verdict on the
      // new config, not the one the reload carried over). Anything wrong is watched to the end
      // of the window.
      const speakerMs = p?.speakerReloaded ? lane.speakerCycleMs : 0;
      const quietMs = Math.min(windowMs, Math.max(1000, speakerMs));
      const workers = p?.untilHealthy ? undefined : baselines.get(host)?.nginxWorkers;
      const turnover = workers?.size ? { workersBefore: workers, afterMs: Math.min(windowMs, speakerMs), ...(p?.nginxReloaded ? { nginxReloaded: true } : {}) } : undefined;
      return proveServes(transport, refOf(host)!, lane, { clock, windowMs, quietMs, pollMs: 500, ...(before ? { before } : {}), ...(turnover ? { turnover } : {}), ...(p?.untilHealthy ? { untilHealthy: true } : {}) });
    },
    rollback: async (host) => {
      const f = o.facts.get(host);
      const want = desired.get(host);
      const i = f?.ok && want ? rollbackInput(deployId, byHost.get(host)!, want, f.value) : null;
      if (!i) return 'no plan, desired state or facts for this host (a bug: please report it)';
      return rollbackHost(transport, refOf(host)!, i);
    },
    ...o.ops,
  };
  const reloads = (host: string) => {
    const h = byHost.get(host);
    return h?.status === 'planned' && h.handlers.length > 0;
  };
  const clusters: ClusterOutcome[] = [];
  const addresses = new Map<string, AddressFact[]>();
  for (const [host, f] of o.facts) if (f.ok) addresses.set(host, f.value.addresses);
  // Whether each director read in full ran a VRRP speaker: only a cluster where none did is a
  // first deploy whose directors may go at once (rolling.ts quietBefore).
  const speakers = new Map<string, boolean>();
  for (const [host, f] of o.facts) if (f.ok && !f.value.readScope) speakers.set(host, Boolean(f.value.processes['keepalived']?.length || f.value.processes['hafleet-agent']?.length));
  const order = rollingOrder(work, o.topology, addresses, o.serial, speakers);
  const x: Rollout = { o, transport, clock, emit, runHost, record, ops, refOf, reloads, clusters };
  await Promise.all([...order.lanes.map((lane) => runLane(x, lane)), runBatches(x, order.batches), Promise.all(order.free.map((h) => runHost(h)))]);
  return { deployId, planId: plan.id, hosts: plan.hosts.map((h) => results.get(h.host)!), clusters, durationMs: Math.round(clock.now() - started) };
}
