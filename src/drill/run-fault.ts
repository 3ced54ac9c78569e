import { systemClock } from '../async/index.js';
import type { DesiredState } from '../render/index.js';
import type { Cluster, VrrpEngine, VrrpInstance } from '../topology/types.js';
import type { HostRef, Transport } from '../transport/types.js';
import type { Observations } from '../verify/index.js';
import { faultSpec, type FaultSpec } from './faults/index.js';
import { parseAdverts, parseGarps } from './monitor-log.js';
import { startObservers, stopObservers, type Observed, type Observers } from './observers.js';
import { drillConfig, holders, pollUntil } from './placement.js';
import { AGENT_HANDLER, type HandlerCommands, type ServiceManager } from './agent-scripts.js';
import { faultScript, parseFaultOutput, restoreScript, type RestoreInfo } from './remote-scripts.js';
import { outcome } from './timeline.js';
import type { DrillConfig, DrillOutcome, DrillRecord, FaultKind, Mark, MarkKind, ProtocolBound } from './types.js';

export interface FaultContext {
  transport: Transport;
  refs: Map<string, HostRef>;
  cluster: Cluster;
  instance: VrrpInstance;
  /** Current VIP holder, from the verify that preceded this fault. */
  master: string;
  /** What verify saw: MACs for naming gratuitous ARP senders, realservers that answered. */
  observations: Observations;
  /** What the inventory renders per host: the agent's restore runs the role's start handler from it. */
  desired?: DesiredState;
  /** The inventory's `service_manager` per host, when it forces one (apply's handlers follow it). */
  serviceManager?: (host: string) => ServiceManager | undefined;
  signal?: AbortSignal;
  log: (line: string) => void;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number, signal?: AbortSignal) => systemClock.sleep(ms, signal);

/** Who does what in this run, decided before anything is touched. */
interface FaultPlan {
  fault: FaultKind;
  /** What the fault is and does (faults/). */
  spec: FaultSpec;
  vip: VrrpInstance['vips'][number];
  backups: string[];
  target: string;
  /** The target's VRRP interface (link-down). */
  dev: string;
  config: DrillConfig;
  bound: ProtocolBound | null;
  /** link-down: how long the host keeps its link down before it brings it back itself. */
  downSec: number;
  /** The target's VRRP speaker: what stop-/kill-keepalived act on. */
  engine: VrrpEngine;
  /** agent: the role's start handler for the target, as apply would run it. */
  agentHandler?: HandlerCommands;
  serviceManager?: ServiceManager;
  /** How the fault reads in marks and the report: `kill-keepalived on lb1 (VRRP speaker …)`. */
  what: string;
}

/** The fault as the user reads it; the VRRP-speaker faults say which speaker and how. */
function describe(spec: FaultSpec, target: string, engine: VrrpEngine): string {
  const signal = spec.speakerSignal;
  if (!signal) return `${spec.name} on ${target}`;
  const speaker = engine === 'agent' ? 'hafleet agent' : 'keepalived';
  return `${spec.name} on ${target} (VRRP speaker ${speaker}, ${signal})`;
}

function planFault(ctx: FaultContext, fault: FaultKind): FaultPlan {
  const { cluster, instance: inst } = ctx;
  const vip = inst.vips[0]!;
  const backups = inst.members.filter((m) => m.host !== ctx.master).sort((a, b) => b.priority - a.priority).map((m) => m.host);
  const svc = cluster.services.find((s) => s.vip === vip.address) ?? cluster.services[0];
  // realserver-down: one that served traffic in the verify before, so its draining shows.
  const served = Object.keys(ctx.observations.http.find((h) => h.vip === vip.address)?.servedBy ?? {});
  const rs = svc?.realServers.find((r) => served.includes(r.host)) ?? svc?.realServers[0];
  const spec = faultSpec(fault);
  const target = spec.target === 'realserver' ? rs?.host ?? cluster.realservers[0]! : ctx.master;
  const config = drillConfig(cluster, inst, ctx.master, backups[0]);
  const bound = spec.bound(config);
  const engine = inst.members.find((m) => m.host === target)?.engine ?? 'keepalived';
  const agentHandler = engine === 'agent' ? ctx.desired?.get(target)?.handlers.find((h) => h.name === AGENT_HANDLER)?.commands : undefined;
  const serviceManager = ctx.serviceManager?.(target);
  return {
    fault, spec, vip, backups, target, config, bound, engine, what: describe(spec, target, engine),
    ...(agentHandler ? { agentHandler } : {}), ...(serviceManager ? { serviceManager } : {}),
    dev: inst.members.find((m) => m.host === target)?.interface ?? inst.interface,
    downSec: Math.ceil((bound?.ms ?? 4000) / 1000) + 3,
  };
}

class Marks {
  readonly list: Mark[] = [];
  constructor(private readonly log: (line: string) => void) {}
  add(kind: MarkKind, note: string, t = now()): Mark {
    const m = { t, kind, note };
    this.list.push(m);
    this.log(`  ${kind.padEnd(12)} ${note}`);
    return m;
  }
  at(kind: MarkKind): Mark | undefined {
    return this.list.find((m) => m.kind === kind);
  }
}

/** Inject the fault, then wait until the VIP did what the fault demands (or a deadline). */
async function inject(ctx: FaultContext, p: FaultPlan, marks: Marks, problems: string[]): Promise<RestoreInfo> {
  const before = now();
  const f = await ctx.transport.exec(ctx.refs.get(p.target)!, faultScript(p.fault, { dev: p.dev, downSec: p.downSec, engine: p.engine, instance: ctx.instance.name }), { privileged: true, timeoutMs: 15_000, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  const out = f.ok ? parseFaultOutput(f.value.stdout) : { manager: 'direct' as const, error: f.failure.message };
  // The host stamps the fault; link-down stamps it when the link goes (read back by the restore).
  const fault = marks.add('fault', p.what, out.atMs ?? (p.spec.selfRestoring ? now() + 300 : before));
  if (out.error || (f.ok && f.value.code !== 0)) problems.push(`fault ${p.what} failed: ${out.error ?? (f.ok ? f.value.stderr.trim() : '')}`);
  marks.add('fault-done', `${p.fault} injected`);
  if (p.spec.expect === 'failover' && !problems.length) {
    const deadline = fault.t + 2 * (p.bound?.ms ?? 10_000) + 5000;
    const backupRefs = p.backups.map((b) => ctx.refs.get(b)!);
    const moved = await pollUntil(async () => (await holders(ctx.transport, backupRefs, p.vip.address, ctx.signal)).holders.length > 0, deadline, 100, ctx.signal);
    ctx.log(moved ? `  a backup holds ${p.vip.address}` : `  no backup took ${p.vip.address} within ${Math.round(deadline - fault.t)} ms`);
  } else {
    await sleep(4000, ctx.signal);
  }
  await sleep(1500, ctx.signal);
  if (p.spec.selfRestoring) {
    // The host brings the link back itself; a restore before that would find SSH cut anyway.
    const upAt = fault.t + p.downSec * 1000;
    if (upAt > now()) await sleep(upAt - now());
  }
  return out;
}

/** Undo the fault. Never given the root signal: Ctrl-C must not stop a restore. */
async function restore(ctx: FaultContext, p: FaultPlan, info: RestoreInfo, marks: Marks, problems: string[]): Promise<void> {
  const start = now();
  const staleVips = ctx.instance.vips.map((v) => ({ address: v.address, prefix: v.prefix, dev: v.dev }));
  const script = restoreScript(p.fault, info, { staleVips, dev: p.dev, engine: p.engine, instance: ctx.instance.name, ...(p.agentHandler ? { agentHandler: p.agentHandler } : {}), ...(p.serviceManager ? { serviceManager: p.serviceManager } : {}) });
  let r: { ok: boolean; stdout: string; message: string } = { ok: false, stdout: '', message: '' };
  // link-down: the host may need a while before SSH answers again.
  for (let i = 0; i < (p.spec.selfRestoring ? 15 : 3) && !r.ok; i++) {
    if (i) await sleep(1000);
    const x = await ctx.transport.exec(ctx.refs.get(p.target)!, script, { privileged: true, timeoutMs: 15_000, signal: AbortSignal.timeout(20_000) });
    r = x.ok && x.value.code === 0 ? { ok: true, stdout: x.value.stdout, message: '' }
      : { ok: false, stdout: '', message: x.ok ? `exit ${x.value.code}: ${(x.value.stdout + x.value.stderr).trim().split('\n').pop()}` : x.failure.message };
  }
  const back = parseFaultOutput(r.stdout);
  const fault = marks.at('fault');
  if (fault && back.downAtMs !== undefined) fault.t = back.downAtMs;
  if (p.spec.selfRestoring) marks.add('restore', `link of ${p.target} up (scheduled on the host)`, fault ? fault.t + p.downSec * 1000 : start);
  else marks.add('restore', `restore ${p.target}`, back.atMs ?? start);
  if (!r.ok) problems.push(`restore of ${p.target} failed: ${r.message}`);
  marks.add('restore-done', r.ok ? `${p.target} restored${back.started ? ` (VRRP speaker started ${back.started})` : ''}` : `restore of ${p.target} FAILED`);
}

/** Wait until one director holds the VIP: the master again (preempt) or anyone (nopreempt). */
async function settle(ctx: FaultContext, p: FaultPlan): Promise<void> {
  const expected = p.spec.expect === 'failover' && !p.config.preempt ? null : ctx.master;
  const refs = ctx.instance.members.map((m) => ctx.refs.get(m.host)!);
  const settled = await pollUntil(async () => {
    const h = await holders(ctx.transport, refs, p.vip.address);
    return h.unknown.length === 0 && h.holders.length === 1 && (expected === null || h.holders[0] === expected);
  }, now() + 30_000, 200, ctx.signal);
  if (!settled) ctx.log('  placement did not settle within 30 s');
  await sleep(1000, ctx.signal);
}

function record(ctx: FaultContext, p: FaultPlan, marks: Marks, seen: Observed): DrillRecord {
  const macToHost = new Map<string, string>();
  for (const h of Object.values(ctx.observations.hosts)) if (h.reachable) for (const mac of Object.values(h.macs)) macToHost.set(mac, h.host);
  return {
    fault: p.fault, cluster: ctx.cluster.name, instance: ctx.instance.name, vip: p.vip.address, master: ctx.master,
    backups: p.backups, target: p.target, config: p.config,
    marks: [...marks.list].sort((a, b) => a.t - b.t), ownership: seen.ownership, requests: seen.requests,
    garps: parseGarps(seen.capture, p.vip.address).map((g) => ({ ...g, ...(macToHost.has(g.mac) ? { host: macToHost.get(g.mac)! } : {}) })),
    adverts: parseAdverts(seen.capture, ctx.instance.vrid),
    masterAddress: ctx.instance.members.find((m) => m.host === ctx.master)?.address ?? '',
    gaps: seen.gaps,
  };
}

/**
 * One fault: observers on, baseline, inject, wait for the VIP to do what the fault demands,
 * restore (inner finally), wait for the placement to settle, observers off (outer finally: on
 * Ctrl-C too), then the record goes to the pure measures. Problems are values in the outcome.
 */
export async function runFault(ctx: FaultContext, fault: FaultKind): Promise<DrillOutcome> {
  const p = planFault(ctx, fault);
  const marks = new Marks(ctx.log);
  const problems: string[] = [];
  const svc = ctx.cluster.services.find((s) => s.vip === p.vip.address) ?? ctx.cluster.services[0];
  const directors = ctx.instance.members.map((m) => ctx.refs.get(m.host)!).filter(Boolean);
  let observers: Observers | null = null;
  let seen: Observed = { requests: [], capture: '', ownership: [], gaps: [] };
  try {
    observers = await startObservers(ctx.transport, directors, p.vip.address, svc ? { vip: svc.vip, port: svc.port, path: svc.healthCheck.path, realServers: svc.realServers } : null, `${process.pid}-${Date.now().toString(36)}`, ctx.signal);
    problems.push(...observers.problems);
    marks.add('start', `observers on ${directors.map((r) => r.name).join(', ')}${observers.arp ? `, ARP on ${observers.iface}` : ''}`);
    let info: RestoreInfo = { manager: 'direct' };
    try {
      await sleep(1000, ctx.signal);
      info = await inject(ctx, p, marks, problems);
    } finally {
      await restore(ctx, p, info, marks, problems);
    }
    await settle(ctx, p);
  } finally {
    marks.add('end', 'observers stopped');
    if (observers) seen = await stopObservers(ctx.transport, observers);
  }
  const o = outcome(record(ctx, p, marks, seen));
  return problems.length ? { ...o, problems: [...problems, ...o.problems], ok: false } : o;
}
