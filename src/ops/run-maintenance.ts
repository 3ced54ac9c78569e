import { systemClock } from '../async/index.js';
import { takeClusterLock } from '../apply/index.js';
import { holders, parseGarps, pollUntil, startObservers, stopObservers, type Observed, type Observers } from '../drill/index.js';
import type { Cluster } from '../topology/types.js';
import type { HostRef } from '../transport/types.js';
import { verify, type ProbeOptions, type VerifyReport, type VerifyTarget } from '../verify/index.js';
import { readStates, writeMoves } from './host-state.js';
import { MOVE_CLIENT_TIMEOUT_MS, measureMove, moveProblems, type MoveMeasures, type MoveRecord } from './measures.js';
import { expectedHolder, planMove } from './move-plan.js';
import { moveInstances, type MoveContext } from './run-switchover.js';
import { moveUnits, syncGroupsOf } from './sync-groups.js';
import { directorHealth, maintenancePreflight, placements } from './preflight.js';
import { atMs, maintenanceScript } from './state-script.js';
import { LINGER_SEC, lingerScript, lingerVips } from './linger.js';
import { masterDownBoundMs } from './timing.js';
import { bidValue, type Refusal } from './types.js';

export interface MaintenanceOptions extends ProbeOptions {
  host: string;
  on: boolean;
  by: string;
  reason?: string;
  log: (line: string) => void;
  /** How long to wait for the VIPs to leave (on) or settle (off). */
  drainTimeoutSec?: number;
}

export type MaintenanceRun =
  | { kind: 'refused'; refusals: Refusal[]; verify?: VerifyReport; lockedBy?: string }
  | {
      kind: 'ran';
      ok: boolean;
      host: string;
      on: boolean;
      /** Already in the asked state: nothing was written. */
      unchanged: boolean;
      /** VIP → its holder afterwards (null: nobody). */
      placement: Record<string, string | null>;
      /** The move off this director (on, when it held a VIP). */
      move?: { record: MoveRecord; measures: MoveMeasures };
      problems: string[];
      /** Ctrl-C: what state the host was left in (also among the problems). */
      interrupted?: string;
    };

const now = () => performance.timeOrigin + performance.now();

/**
 * `hafleet maintenance HOST on|off` for a director: the host's maintenance flag puts every
 * instance on it in FAULT (a holder sends priority 0: the best backup takes over after Skew_Time)
 * and keeps it there across a speaker restart, a reboot and a deploy (the flag is state, not
 * config). Off clears the flag; the instances come back as BACKUP and preempt decides the rest.
 */
export async function runMaintenance(target: VerifyTarget, o: MaintenanceOptions): Promise<MaintenanceRun> {
  const ref = target.hosts.get(o.host);
  if (!ref) return { kind: 'refused', refusals: [{ code: 'not-member', usage: true, message: `${o.host} is not a host of this inventory (or outside --limit)` }] };
  const cluster: Cluster | null = target.topology.clusters.find((c) => c.instances.some((i) => i.members.some((m) => m.host === o.host))) ?? null;
  if (!cluster) {
    return { kind: 'refused', refusals: [{ code: 'not-member', usage: true, message: `${o.host} is not a director: realserver maintenance (drain through the directors' nginx upstreams) is not built yet`, hint: 'see README "Day-2 operations"' }] };
  }
  const insts = cluster.instances.filter((i) => i.members.some((m) => m.host === o.host));
  const directorNames = [...new Set(cluster.instances.flatMap((i) => i.members.map((m) => m.host)))];
  const directors = directorNames.map((h) => target.hosts.get(h)).filter((r): r is HostRef => r !== undefined);
  o.log(`verify cluster ${cluster.name}`);
  const v = await verify(target, o);
  const states = await readStates(o.transport, directors, cluster.instances.map((i) => i.name), o.signal);
  const refusals = maintenancePreflight({ cluster, host: o.host, on: o.on, observations: v.observations, report: v.report, states });
  if (refusals.length) return { kind: 'refused', refusals, verify: v.report };
  const placementNow = () => Promise.all(insts.flatMap((i) => i.vips.map(async (vip) => [vip.address, (await holders(o.transport, i.members.map((m) => target.hosts.get(m.host)!), vip.address)).holders] as const)));
  if ((states.get(o.host)?.maintenance ?? false) === o.on) {
    return { kind: 'ran', ok: true, host: o.host, on: o.on, unchanged: true, placement: Object.fromEntries((await placementNow()).map(([vip, h]) => [vip, h[0] ?? null])), problems: [] };
  }
  const lock = await takeClusterLock(o.transport, directors, { cluster: cluster.name, by: o.by, deployId: `maintenance-${Date.now().toString(36)}`, now: new Date().toISOString(), breakLock: false, force: false, clock: systemClock });
  if (!lock.ok) return { kind: 'refused', refusals: [{ code: 'verify', usage: false, message: lock.message.replace('by another deploy', 'by another hafleet run'), hint: lock.hint }], ...(lock.lockedBy ? { lockedBy: lock.lockedBy } : {}) };
  const problems: string[] = [];
  let move: { record: MoveRecord; measures: MoveMeasures } | undefined;
  try {
    // The instance whose VIP this host holds: its move is observed and measured.
    const held = placements(v.report, insts).find((p) => p.holders.length === 1 && p.holders[0] === o.host);
    const inst = held ? insts.find((i) => i.name === held.instance)! : undefined;
    const svc = inst ? cluster.services.find((s) => s.vip === held!.vip) ?? cluster.services[0] : undefined;
    // Who takes each VIP this host holds: the highest effective priority of the others.
    const healthy = (i: Cluster['instances'][number], h: string) => directorHealth(v.observations.hosts[h], h, [i], cluster, states.get(h)).length === 0;
    const successor = (i: Cluster['instances'][number]) => expectedHolder({ ...i, members: i.members.filter((m) => m.host !== o.host && healthy(i, m.host)) }, new Map([...states].map(([h, s]) => [h, s?.moves[i.name] ?? 0])));
    // Members of a sync group without sync_group_tracking_weight read any non-zero move value as
    // FAULT: no bid and no planned return for them (the flag alone moves them, at their own priority).
    const groups = syncGroupsOf(cluster, target.desired);
    const weightless = new Set(groups.filter((g) => !g.trackingWeight).flatMap((g) => g.instances));
    const bids = placements(v.report, insts).filter((p) => p.holders.length === 1 && p.holders[0] === o.host).map((p) => insts.find((i) => i.name === p.instance)!)
      .filter((i, k, all) => all.indexOf(i) === k && !weightless.has(i.name))
      .map((i) => {
        const host = successor(i);
        return { host, instance: i.name, base: i.members.find((m) => m.host === host)!.priority, value: states.get(host)?.moves[i.name] ?? 0 };
      });
    const returns = o.on ? [] : insts.filter((i) => i.preempt && !weightless.has(i.name)).flatMap((i) => {
      const p = placements(v.report, [i])[0];
      const holder = p?.holders.length === 1 ? p.holders[0]! : undefined;
      const values = new Map([...states].map(([h, s]) => [h, s?.moves[i.name] ?? 0]));
      if (!holder || holder === o.host || expectedHolder(i, values) !== o.host) return [];
      const base = (h: string) => i.members.find((m) => m.host === h)!.priority;
      const temp = Math.min(values.get(o.host) ?? 0, Math.max(1, base(holder) + (values.get(holder) ?? 0) - 1) - base(o.host));
      return [{ inst: i, holder, temp, values }];
    });
    // A sync group returns whole or not at all (preempt then brings it back by itself): every
    // instance of it coming back, all from one holder.
    for (const u of moveUnits(cluster, returns.map((r) => r.inst), groups).units) {
      const rs = returns.filter((r) => u.instances.includes(r.inst));
      if (rs.length < u.instances.length || new Set(rs.map((r) => r.holder)).size > 1) for (const r of rs) returns.splice(returns.indexOf(r), 1);
    }
    let observers: Observers | null = null;
    let seen: Observed = { requests: [], capture: '', ownership: [], gaps: [] };
    let at = now();
    let flagWritten = false;
    let interrupted: string | undefined;
    try {
      if (o.on && inst) {
        observers = await startObservers(o.transport, inst.members.map((m) => target.hosts.get(m.host)!), held!.vip, svc ? { vip: svc.vip, port: svc.port, path: svc.healthCheck.path, realServers: svc.realServers } : null, `ops-${process.pid}-${Date.now().toString(36)}`, o.signal, { requestTimeoutMs: MOVE_CLIENT_TIMEOUT_MS });
        problems.push(...observers.problems);
        await systemClock.sleep(500, o.signal);
      }
      o.log(`${o.host}: maintenance ${o.on ? 'on' : 'off'}`);
      // As in a switchover, the successor bids BID_PRIORITY while this host lets go (Skew_Time ~100 ms, not
      // ~600 ms at priority 100), then goes back to its own value.
      if (o.on) {
        const failed = await writeMoves(o.transport, target.hosts, bids.map((b) => ({ ...b, value: bidValue(b.base) })), o.signal);
        if (failed.length) problems.push(`could not raise the successor's bid (${failed.join('; ')}): the move takes Skew_Time at its own priority`);
        // The agent reads track files every 100 ms (keepalived at once): the bid first, then the flag.
        if (bids.some((b) => insts.some((i) => i.members.some((m) => m.host === b.host && m.engine === 'agent')))) await systemClock.sleep(150, o.signal);
      }
      // Off, where preempt will give this host a VIP back: it returns lowered (no preempt of its
      // own, which waits Master_Down_Interval and has no linger), then a planned move hands the
      // VIP over the fast way.
      if (!o.on && returns.length) {
        const failed = await writeMoves(o.transport, target.hosts, returns.map((r) => ({ host: o.host, instance: r.inst.name, value: r.temp })), o.signal);
        if (failed.length) problems.push(`could not lower ${o.host} for its return (${failed.join('; ')}): preempt takes the VIP back by itself`);
      }
      o.signal?.throwIfAborted();
      const w = await o.transport.exec(ref, maintenanceScript(o.on, { by: o.by, at: new Date().toISOString(), ...(o.reason ? { reason: o.reason } : {}) }, o.on ? lingerScript(insts.filter((i) => bids.some((b) => b.instance === i.name)).flatMap((i) => lingerVips(i, o.host)), LINGER_SEC) : ''), { privileged: true, timeoutMs: 10_000, signal: AbortSignal.timeout(15_000) });
      if (!w.ok || w.value.code !== 0) return { kind: 'ran', ok: false, host: o.host, on: o.on, unchanged: false, placement: {}, problems: [`could not write the maintenance flag on ${o.host}: ${w.ok ? `exit ${w.value.code}` : w.failure.message}`] };
      at = atMs(w.value.stdout) ?? now();
      flagWritten = true;
      if (!o.on && returns.length) {
        // Out of FAULT at once (inotify; the agent polls every 100 ms): give it an advert or two as BACKUP.
        await systemClock.sleep(1500, o.signal);
        const ctx: MoveContext = { transport: o.transport, refs: target.hosts, cluster, observations: v.observations, log: o.log, observe: true, ...(o.signal ? { signal: o.signal } : {}) };
        // A sync group comes back whole (keepalived moves its instances together), from one holder.
        const { units } = moveUnits(cluster, returns.map((r) => r.inst), groups);
        for (const u of units) {
          const rs = returns.filter((r) => u.instances.includes(r.inst));
          o.log(`  ${u.instances.map((i) => i.name).join(' + ')}: back to ${o.host} (preempt), as a planned move from ${rs[0]!.holder}`);
          const ms = await moveInstances(ctx, rs.map((r) => r.inst), rs.map((r) => planMove(r.inst, r.holder, o.host, new Map([...r.values, [o.host, r.temp]]))));
          for (const m of ms) {
            problems.push(...m.problems.filter((p) => !problems.includes(p)));
            move ??= { record: m.record, measures: m.measures };
          }
        }
      }
      const waitMs = (o.drainTimeoutSec ?? 0) * 1000 || Math.max(...insts.map((i) => 2 * masterDownBoundMs(i))) + 5000;
      const settled = await pollUntil(async () => {
        const p = await placementNow();
        return p.every(([, h]) => h.length === 1 && (o.on ? h[0] !== o.host : true));
      }, now() + waitMs, 100, o.signal);
      if (!settled) problems.push(o.on ? `${o.host} still holds a VIP (or a VIP has no single holder) after ${Math.round(waitMs)} ms` : `a VIP has no single holder ${Math.round(waitMs)} ms after maintenance off`);
      if (observers) await systemClock.sleep(1000, o.signal);
    } catch (e) {
      // Ctrl-C: the flag write itself is never cut off (its own timeout, not the signal), so it
      // was written or not; the bids go back below; say which state the host is in.
      if (!o.signal?.aborted) throw e;
      interrupted = !flagWritten
        ? `interrupted before the flag was written: ${o.host} is ${o.on ? 'not in maintenance' : 'still in maintenance'}, nothing changed`
        : o.on
          ? `interrupted after the flag was written: ${o.host} is in maintenance; its VIPs leave it by themselves (see the placement)`
          : `interrupted after the flag was cleared: ${o.host} is out of maintenance${returns.length ? '; the planned return of its VIPs was put back or finished (see the placement), preempt decides the rest' : ''}`;
      problems.push(interrupted);
    } finally {
      // Off, stopped before the flag was cleared: the lowering for the return goes back too.
      if (!o.on && returns.length && !flagWritten) {
        const failed = await writeMoves(o.transport, target.hosts, returns.map((r) => ({ host: o.host, instance: r.inst.name, value: r.values.get(o.host) ?? 0 })), AbortSignal.timeout(20_000));
        if (failed.length) problems.push(`could not put ${o.host}'s move values back (${failed.join('; ')})`);
      }
      if (bids.length && o.on) {
        const failed = await writeMoves(o.transport, target.hosts, bids.map((b) => ({ host: b.host, instance: b.instance, value: b.value })), AbortSignal.timeout(20_000));
        if (failed.length) problems.push(`could not put the successor's move value back (${failed.join('; ')}): hafleet switchover --to it sets it again`);
      }
      if (observers) seen = await stopObservers(o.transport, observers);
    }
    if (inst) {
      const to = successor(inst);
      const record: MoveRecord = { instance: inst.name, vip: held!.vip, from: o.host, to, advertIntSec: inst.advertInt, releaseAt: at, ownership: seen.ownership, requests: seen.requests, garps: parseGarps(seen.capture, held!.vip), gaps: seen.gaps };
      const measures = measureMove(record);
      problems.push(...moveProblems(record, measures));
      move = { record, measures };
    }
    // After the flag went on, the VIPs may still be on their way: give them Master_Down to settle.
    if (interrupted && flagWritten && o.on) await pollUntil(async () => (await placementNow()).every(([, h]) => h.length === 1 && h[0] !== o.host), now() + Math.max(...insts.map((i) => 2 * masterDownBoundMs(i))), 100);
    const placement = Object.fromEntries((await placementNow()).map(([vip, h]) => [vip, h.length === 1 ? h[0]! : null]));
    return { kind: 'ran', ok: problems.length === 0, host: o.host, on: o.on, unchanged: false, placement, ...(move ? { move } : {}), problems, ...(interrupted ? { interrupted } : {}) };
  } finally {
    await lock.release();
  }
}
