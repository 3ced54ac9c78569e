import { randomBytes } from 'node:crypto';
import { systemClock } from '../async/index.js';
import { takeClusterLock } from '../apply/index.js';
import { holders, parseGarps, pickCluster, pollUntil, startObservers, stopObservers, type Observed, type Observers } from '../drill/index.js';
import type { Cluster, VrrpInstance } from '../topology/types.js';
import type { HostRef, Transport } from '../transport/types.js';
import { verify, type Observations, type ProbeOptions, type VerifyReport, type VerifyTarget } from '../verify/index.js';
import { masterDownBoundMs } from './timing.js';
import { readStates, writeMoves } from './host-state.js';
import { MOVE_CLIENT_TIMEOUT_MS, measureMove, moveProblems, type MoveMeasures, type MoveRecord } from './measures.js';
import { planMove } from './move-plan.js';
import { switchoverPreflight } from './preflight.js';
import { moveUnits, syncGroupsOf, unitRefusals } from './sync-groups.js';
import { atMs, releaseAllScript } from './state-script.js';
import { LINGER_SEC, lingerScript, lingerVips } from './linger.js';
import type { MovePlan, Refusal } from './types.js';

export interface SwitchoverOptions extends ProbeOptions {
  cluster?: string;
  instance?: string;
  vip?: string;
  to: string;
  /** Who runs it (`user@admin-box`): the lock says so to a second admin. */
  by: string;
  log: (line: string) => void;
  /** Skip the observers (no traffic, no capture): the bench's repeated moves keep them. */
  observe?: boolean;
}

export interface MoveOutcome {
  plan: MovePlan;
  record: MoveRecord;
  measures: MoveMeasures;
  problems: string[];
  ok: boolean;
}

export type SwitchoverRun =
  | { kind: 'refused'; refusals: Refusal[]; verify?: VerifyReport; lockedBy?: string }
  | {
      kind: 'ran'; ok: boolean; cluster: string; moves: MoveOutcome[]; unchanged: string[]; interrupted?: string; warnings: string[];
      /** What the selection pulled in (a sync group moved whole because one member was named). */
      notes: string[];
      /** After an interruption: each VIP of the interrupted unit → who holds it now (read from the hosts). */
      placement?: Record<string, string[]>;
    };

const now = () => performance.timeOrigin + performance.now();

/** How often the agent reads its track files (src/vrrp/agent-sources.ts). */
const AGENT_TRACK_POLL_MS = 100;

/** The instances a switchover acts on: --instance, --vip, or every instance of the cluster. */
export function selectInstances(c: Cluster, o: { instance?: string; vip?: string }): VrrpInstance[] | Refusal {
  if (o.instance) {
    const i = c.instances.find((x) => x.name === o.instance);
    return i ? [i] : { code: 'unknown-instance', usage: true, message: `cluster ${c.name} has no instance ${o.instance} (it has ${c.instances.map((x) => x.name).join(', ')})` };
  }
  if (o.vip) {
    const i = c.instances.find((x) => x.vips.some((v) => v.address === o.vip));
    return i ? [i] : { code: 'unknown-instance', usage: true, message: `no instance of cluster ${c.name} carries VIP ${o.vip} (VIPs: ${c.instances.flatMap((x) => x.vips.map((v) => v.address)).join(', ')})` };
  }
  return c.instances;
}

/** The cluster holding `to` when no --cluster is given. */
function clusterOf(target: VerifyTarget, o: SwitchoverOptions): Cluster | string {
  if (o.cluster) return pickCluster(target, o.cluster);
  const c = target.topology.clusters.find((x) => x.instances.some((i) => i.members.some((m) => m.host === o.to)));
  return c ?? `${o.to} is not a director of any cluster`;
}

export interface MoveContext {
  transport: Transport;
  refs: Map<string, HostRef>;
  cluster: Cluster;
  observations: Observations;
  log: (line: string) => void;
  signal?: AbortSignal;
  observe: boolean;
}

/** A move stopped by the signal (Ctrl-C): whether the holder had let go (files at the planned values) or not (files back). */
export class MoveInterrupted extends Error {
  constructor(readonly released: boolean, readonly moved: boolean, cause: unknown) {
    super(released ? 'interrupted after the release' : 'interrupted before the release', { cause });
  }
}

/**
 * One instance: observers on, prepare, release, wait for the target, settle, observers off.
 * Whatever happens after the first write (Ctrl-C, an error), the finally puts the files in a
 * known state: back as they were while the VIP had not moved, the planned final values once it has.
 */
export async function moveInstance(ctx: MoveContext, inst: VrrpInstance, plan: MovePlan): Promise<MoveOutcome> {
  return (await moveInstances(ctx, [inst], [plan]))[0]!;
}

/**
 * Instances that move together (a vrrp_sync_group; one instance is the group of one), all from
 * the same holder to the same target: observers on each instance's VIP, every bid, one release
 * of them all on the holder, wait until the target holds every VIP, settle, observers off. One
 * outcome per instance.
 */
export async function moveInstances(ctx: MoveContext, insts: readonly VrrpInstance[], plans: readonly MovePlan[]): Promise<MoveOutcome[]> {
  const holder = plans[0]!.holder;
  const targetHost = plans[0]!.target;
  if (plans.some((p) => p.holder !== holder || p.target !== targetHost)) throw new Error('a group moves from one holder to one target');
  const vips = insts.map((i) => i.vips[0]!);
  const observers: (Observers | null)[] = insts.map(() => null);
  let seen: Observed[] = insts.map(() => ({ requests: [], capture: '', ownership: [], gaps: [] }));
  let releaseAt: number | null = null;
  let moved = false;
  const problems: string[] = [];
  const label = insts.map((i) => i.name).join(' + ');
  const bound = Math.max(...insts.map((i) => masterDownBoundMs(i)));
  try {
    try {
      if (ctx.observe) {
        const tag = `ops-${process.pid}-${Date.now().toString(36)}`;
        await Promise.all(insts.map(async (inst, k) => {
          const vip = vips[k]!;
          const svc = ctx.cluster.services.find((s) => s.vip === vip.address) ?? ctx.cluster.services[0];
          const o = await startObservers(ctx.transport, inst.members.map((m) => ctx.refs.get(m.host)!), vip.address, svc ? { vip: svc.vip, port: svc.port, path: svc.healthCheck.path, realServers: svc.realServers } : null, `${tag}-${k}`, ctx.signal, { requestTimeoutMs: MOVE_CLIENT_TIMEOUT_MS });
          observers[k] = o;
          problems.push(...o.problems);
        }));
        await systemClock.sleep(500, ctx.signal);
      }
      try {
        const prep = await writeMoves(ctx.transport, ctx.refs, plans.flatMap((p) => p.prepare), ctx.signal);
        if (prep.length) throw new Error(`could not write the move files: ${prep.join('; ')}`);
        // keepalived sees a track file change at once (inotify); the agent reads them every 100 ms:
        // the bid must be in effect before the holder lets go, or the target waits its own Skew_Time.
        if (plans.some((p, k) => p.prepare.some((w) => insts[k]!.members.find((m) => m.host === w.host)?.engine === 'agent'))) await systemClock.sleep(AGENT_TRACK_POLL_MS + 50, ctx.signal);
        ctx.log(`  ${label}: ${holder} lets go (priority 0), ${targetHost} takes over`);
        const fallbackSec = Math.ceil(bound / 1000) * 3 + 10;
        const releases = plans.map((p) => ({ write: p.release, settleValue: p.settle[0]!.value }));
        const linger = lingerScript(insts.flatMap((i) => lingerVips(i, holder)), LINGER_SEC);
        // Ctrl-C is taken before the release or after it, never during: a release cut off mid-way
        // would leave unknown whether the holder let go, and the output could not say which.
        ctx.signal?.throwIfAborted();
        const rel = await ctx.transport.exec(ctx.refs.get(holder)!, releaseAllScript(releases, randomBytes(8).toString('hex'), fallbackSec, linger), { privileged: true, timeoutMs: 10_000, signal: AbortSignal.timeout(15_000) });
        if (!rel.ok || rel.value.code !== 0) throw new Error(`could not release ${label} on ${holder}: ${rel.ok ? `exit ${rel.value.code}` : rel.failure.message}`);
        releaseAt = atMs(rel.value.stdout) ?? now();
        const deadline = now() + 2 * bound + 5000;
        const target = ctx.refs.get(targetHost)!;
        moved = await pollUntil(async () => {
          for (const v of vips) if ((await holders(ctx.transport, [target], v.address, ctx.signal)).holders.length === 0) return false;
          return true;
        }, deadline, 50, ctx.signal);
        if (!moved) problems.push(`${targetHost} did not take ${vips.map((v) => v.address).join(', ')} within ${Math.round(deadline - releaseAt)} ms`);
      } finally {
        // Never the root signal: Ctrl-C must not stop this. Not moved yet → as before; moved → as planned.
        const last = plans.flatMap((p) => (releaseAt === null ? p.undo : p.settle));
        const failed = await writeMoves(ctx.transport, ctx.refs, last, AbortSignal.timeout(20_000));
        if (failed.length) problems.push(`could not ${releaseAt === null ? 'restore' : 'settle'} the move files (${failed.join('; ')}); ${releaseAt === null ? '' : `${holder} leaves FAULT by itself within a minute (its watchdog)`}`);
        if (releaseAt !== null && !moved) ctx.log(`  ${label}: the move did not complete; files set to the planned values`);
      }
      if (ctx.observe) await systemClock.sleep(1000, ctx.signal);
    } finally {
      seen = await Promise.all(observers.map(async (o, k) => (o ? stopObservers(ctx.transport, o) : seen[k]!)));
    }
  } catch (e) {
    // Ctrl-C: the finally above has put the files in a known state; say which.
    if (ctx.signal?.aborted) throw new MoveInterrupted(releaseAt !== null, moved, e);
    throw e;
  }
  return insts.map((inst, k) => {
    const plan = plans[k]!;
    const s = seen[k]!;
    const record: MoveRecord = {
      instance: inst.name, vip: vips[k]!.address, from: plan.holder, to: plan.target, advertIntSec: inst.advertInt, releaseAt: releaseAt ?? now(),
      ownership: s.ownership, requests: s.requests, garps: parseGarps(s.capture, vips[k]!.address), gaps: s.gaps,
    };
    const measures = measureMove(record);
    const all = [...problems, ...(ctx.observe ? moveProblems(record, measures) : [])];
    return { plan, record, measures, problems: all, ok: all.length === 0 };
  });
}

/**
 * `hafleet switchover`: verify the cluster and the target, take the cluster lock (the one deploy
 * takes), move each selected instance the VRRP way, measure it, release the lock.
 */
export async function runSwitchover(target: VerifyTarget, o: SwitchoverOptions): Promise<SwitchoverRun> {
  const picked = clusterOf(target, o);
  if (typeof picked === 'string') return { kind: 'refused', refusals: [{ code: 'not-member', usage: true, message: picked }] };
  const cluster = picked;
  const selected = selectInstances(cluster, o);
  if (!Array.isArray(selected)) return { kind: 'refused', refusals: [selected] };
  // A sync group moves whole: naming one of its instances moves them all, and says so.
  const { units, notes } = moveUnits(cluster, selected, syncGroupsOf(cluster, target.desired));
  for (const n of notes) o.log(n);
  const instances = units.flatMap((u) => u.instances);
  const directorNames = [...new Set(cluster.instances.flatMap((i) => i.members.map((m) => m.host)))];
  const directors = directorNames.map((h) => target.hosts.get(h)).filter((r): r is HostRef => r !== undefined);
  o.log(`verify cluster ${cluster.name}`);
  const v = await verify(target, o);
  const states = await readStates(o.transport, directors, cluster.instances.map((i) => i.name), o.signal);
  const pre = switchoverPreflight({ cluster, instances, target: o.to, observations: v.observations, report: v.report, states });
  if (!pre.ok) return { kind: 'refused', refusals: pre.refusals, verify: v.report };
  const groupRefusals = unitRefusals(units, pre.holders);
  if (groupRefusals.length) return { kind: 'refused', refusals: groupRefusals, verify: v.report };
  if (pre.alreadyThere) return { kind: 'ran', ok: true, cluster: cluster.name, moves: [], unchanged: instances.map((i) => i.name), warnings: [], notes };
  const lock = await takeClusterLock(o.transport, directors, { cluster: cluster.name, by: o.by, deployId: `switchover-${Date.now().toString(36)}`, now: new Date().toISOString(), breakLock: false, force: false, clock: systemClock });
  if (!lock.ok) return { kind: 'refused', refusals: [{ code: 'verify', usage: false, message: lock.message.replace('by another deploy', 'by another hafleet run'), hint: lock.hint }], ...(lock.lockedBy ? { lockedBy: lock.lockedBy } : {}) };
  const moves: MoveOutcome[] = [];
  const unchanged: string[] = [];
  let interrupted: string | undefined;
  let placement: Record<string, string[]> | undefined;
  try {
    const ctx: MoveContext = { transport: o.transport, refs: target.hosts, cluster, observations: v.observations, log: o.log, observe: o.observe ?? true, ...(o.signal ? { signal: o.signal } : {}) };
    for (const unit of units) {
      // One holder per unit (unitRefusals): a group is on the target already, or moves whole.
      const holder = pre.holders.get(unit.instances[0]!.name)!;
      const label = unit.group ? `vrrp_sync_group ${unit.group} (${unit.instances.map((i) => i.name).join(', ')})` : unit.instances[0]!.name;
      if (holder === o.to) {
        unchanged.push(...unit.instances.map((i) => i.name));
        continue;
      }
      if (o.signal?.aborted) {
        interrupted = `interrupted before ${label}`;
        break;
      }
      const plans = unit.instances.map((inst) => planMove(inst, holder, o.to, new Map([...states].map(([h, s]) => [h, s?.moves[inst.name] ?? 0]))));
      for (const plan of plans) o.log(`${plan.instance}: ${holder} → ${o.to} (priorities after: ${Object.entries(plan.after).map(([h, p]) => `${h} ${p}`).join(', ')})`);
      try {
        moves.push(...(await moveInstances(ctx, unit.instances, plans)));
      } catch (e) {
        if (!o.signal?.aborted) throw e;
        const how = !(e instanceof MoveInterrupted) ? 'the move files were put back or set to the planned values'
          : e.released ? `after ${holder} let go: the move files hold the planned values (${holder} below ${o.to}), ${o.to} ${e.moved ? 'took' : 'takes'} the VIP`
          : `before ${holder} let go: the move files are back as they were, ${holder} keeps the VIP`;
        interrupted = `interrupted during ${label} ${how}`;
        // What the hosts say now, not what the plan meant: every VIP of the unit with its holders.
        const read = async () => Object.fromEntries(await Promise.all(unit.instances.flatMap((i) => i.vips.map(async (v) => [v.address, (await holders(o.transport, i.members.map((m) => target.hosts.get(m.host)!), v.address, AbortSignal.timeout(10_000))).holders] as const))));
        placement = await read();
        // Let go but not yet taken: the target takes the VIP Skew_Time after the priority-0 advert
        // (≈ 100 ms, at worst Master_Down_Interval); a reading inside that window says "nobody".
        if (e instanceof MoveInterrupted && e.released && Object.values(placement).some((h) => h.length === 0)) {
          const deadline = Date.now() + Math.max(...unit.instances.map(masterDownBoundMs)) + 1000;
          while (Date.now() < deadline && Object.values(placement).some((h) => h.length === 0)) {
            await systemClock.sleep(100);
            placement = await read();
          }
        }
        break;
      }
    }
  } finally {
    await lock.release();
  }
  return { kind: 'ran', ok: !interrupted && moves.every((m) => m.ok), cluster: cluster.name, moves, unchanged, warnings: lock.warnings, notes, ...(interrupted ? { interrupted } : {}), ...(placement ? { placement } : {}) };
}
