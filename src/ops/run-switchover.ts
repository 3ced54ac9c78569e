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
import { atMs, releaseScript } from './state-script.js';
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
  | { kind: 'ran'; ok: boolean; cluster: string; moves: MoveOutcome[]; unchanged: string[]; interrupted?: string; warnings: string[] };

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

/**
 * One instance: observers on, prepare, release, wait for the target, settle, observers off.
 * Whatever happens after the first write (Ctrl-C, an error), the finally puts the files in a
 * known state: back as they were while the VIP had not moved, the planned final values once it has.
 */
export async function moveInstance(ctx: MoveContext, inst: VrrpInstance, plan: MovePlan): Promise<MoveOutcome> {
  const vip = inst.vips[0]!;
  const svc = ctx.cluster.services.find((s) => s.vip === vip.address) ?? ctx.cluster.services[0];
  const directors = inst.members.map((m) => ctx.refs.get(m.host)!);
  let observers: Observers | null = null;
  let seen: Observed = { requests: [], capture: '', ownership: [], gaps: [] };
  let releaseAt: number | null = null;
  let moved = false;
  const problems: string[] = [];
  try {
    if (ctx.observe) {
      observers = await startObservers(ctx.transport, directors, vip.address, svc ? { vip: svc.vip, port: svc.port, path: svc.healthCheck.path, realServers: svc.realServers } : null, `ops-${process.pid}-${Date.now().toString(36)}`, ctx.signal, { requestTimeoutMs: MOVE_CLIENT_TIMEOUT_MS });
      problems.push(...observers.problems);
      await systemClock.sleep(500, ctx.signal);
    }
    try {
      const prep = await writeMoves(ctx.transport, ctx.refs, plan.prepare, ctx.signal);
      if (prep.length) throw new Error(`could not write the move files: ${prep.join('; ')}`);
      // keepalived sees a track file change at once (inotify); the agent reads them every 100 ms:
      // the bid must be in effect before the holder lets go, or the target waits its own Skew_Time.
      if (plan.prepare.some((w) => inst.members.find((m) => m.host === w.host)?.engine === 'agent')) await systemClock.sleep(AGENT_TRACK_POLL_MS + 50, ctx.signal);
      ctx.log(`  ${inst.name}: ${plan.holder} lets go (priority 0), ${plan.target} takes over`);
      const fallbackSec = Math.ceil(masterDownBoundMs(inst) / 1000) * 3 + 10;
      const rel = await ctx.transport.exec(ctx.refs.get(plan.holder)!, releaseScript(plan.release, plan.settle[0]!.value, randomBytes(8).toString('hex'), fallbackSec, lingerScript(lingerVips(inst, plan.holder), LINGER_SEC)), { privileged: true, timeoutMs: 10_000, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      if (!rel.ok || rel.value.code !== 0) throw new Error(`could not release ${inst.name} on ${plan.holder}: ${rel.ok ? `exit ${rel.value.code}` : rel.failure.message}`);
      releaseAt = atMs(rel.value.stdout) ?? now();
      const deadline = now() + 2 * masterDownBoundMs(inst) + 5000;
      moved = await pollUntil(async () => (await holders(ctx.transport, [ctx.refs.get(plan.target)!], vip.address, ctx.signal)).holders.length > 0, deadline, 50, ctx.signal);
      if (!moved) problems.push(`${plan.target} did not take ${vip.address} within ${Math.round(deadline - releaseAt)} ms`);
    } finally {
      // Never the root signal: Ctrl-C must not stop this. Not moved yet → as before; moved → as planned.
      const last = releaseAt === null ? plan.undo : plan.settle;
      const failed = await writeMoves(ctx.transport, ctx.refs, last, AbortSignal.timeout(20_000));
      if (failed.length) problems.push(`could not ${releaseAt === null ? 'restore' : 'settle'} the move files (${failed.join('; ')}); ${releaseAt === null ? '' : `${plan.holder} leaves FAULT by itself within a minute (its watchdog)`}`);
      if (releaseAt !== null && !moved) ctx.log(`  ${inst.name}: the move did not complete; files set to the planned values`);
    }
    if (ctx.observe) await systemClock.sleep(1000, ctx.signal);
  } finally {
    if (observers) seen = await stopObservers(ctx.transport, observers);
  }
  const record: MoveRecord = {
    instance: inst.name, vip: vip.address, from: plan.holder, to: plan.target, advertIntSec: inst.advertInt, releaseAt: releaseAt ?? now(),
    ownership: seen.ownership, requests: seen.requests, garps: parseGarps(seen.capture, vip.address), gaps: seen.gaps,
  };
  const measures = measureMove(record);
  const all = [...problems, ...(ctx.observe ? moveProblems(record, measures) : [])];
  return { plan, record, measures, problems: all, ok: all.length === 0 };
}

/**
 * `hafleet switchover`: verify the cluster and the target, take the cluster lock (the one deploy
 * takes), move each selected instance the VRRP way, measure it, release the lock.
 */
export async function runSwitchover(target: VerifyTarget, o: SwitchoverOptions): Promise<SwitchoverRun> {
  const picked = clusterOf(target, o);
  if (typeof picked === 'string') return { kind: 'refused', refusals: [{ code: 'not-member', usage: true, message: picked }] };
  const cluster = picked;
  const instances = selectInstances(cluster, o);
  if (!Array.isArray(instances)) return { kind: 'refused', refusals: [instances] };
  const directorNames = [...new Set(cluster.instances.flatMap((i) => i.members.map((m) => m.host)))];
  const directors = directorNames.map((h) => target.hosts.get(h)).filter((r): r is HostRef => r !== undefined);
  o.log(`verify cluster ${cluster.name}`);
  const v = await verify(target, o);
  const states = await readStates(o.transport, directors, cluster.instances.map((i) => i.name), o.signal);
  const pre = switchoverPreflight({ cluster, instances, target: o.to, observations: v.observations, report: v.report, states });
  if (!pre.ok) return { kind: 'refused', refusals: pre.refusals, verify: v.report };
  if (pre.alreadyThere) return { kind: 'ran', ok: true, cluster: cluster.name, moves: [], unchanged: instances.map((i) => i.name), warnings: [] };
  const lock = await takeClusterLock(o.transport, directors, { cluster: cluster.name, by: o.by, deployId: `switchover-${Date.now().toString(36)}`, now: new Date().toISOString(), breakLock: false, force: false, clock: systemClock });
  if (!lock.ok) return { kind: 'refused', refusals: [{ code: 'verify', usage: false, message: lock.message.replace('by another deploy', 'by another hafleet run'), hint: lock.hint }], ...(lock.lockedBy ? { lockedBy: lock.lockedBy } : {}) };
  const moves: MoveOutcome[] = [];
  const unchanged: string[] = [];
  let interrupted: string | undefined;
  try {
    const ctx: MoveContext = { transport: o.transport, refs: target.hosts, cluster, observations: v.observations, log: o.log, observe: o.observe ?? true, ...(o.signal ? { signal: o.signal } : {}) };
    for (const inst of instances) {
      const holder = pre.holders.get(inst.name)!;
      if (holder === o.to) {
        unchanged.push(inst.name);
        continue;
      }
      if (o.signal?.aborted) {
        interrupted = `interrupted before ${inst.name}`;
        break;
      }
      const current = new Map([...states].map(([h, s]) => [h, s?.moves[inst.name] ?? 0]));
      const plan = planMove(inst, holder, o.to, current);
      o.log(`${inst.name}: ${holder} → ${o.to} (priorities after: ${Object.entries(plan.after).map(([h, p]) => `${h} ${p}`).join(', ')})`);
      try {
        moves.push(await moveInstance(ctx, inst, plan));
      } catch (e) {
        if (!o.signal?.aborted) throw e;
        interrupted = `interrupted during ${inst.name}: the move files were put back or set to the planned values (see the placement below)`;
        break;
      }
    }
  } finally {
    await lock.release();
  }
  return { kind: 'ran', ok: !interrupted && moves.every((m) => m.ok), cluster: cluster.name, moves, unchanged, warnings: lock.warnings, ...(interrupted ? { interrupted } : {}) };
}
