import { systemClock } from '../async/index.js';
import type { Cluster, VrrpInstance } from '../topology/types.js';
import type { HostRef, Transport } from '../transport/types.js';
import { routeDev, urlOf, type Observations } from '../verify/index.js';
import { protocolBound } from './bound.js';
import { parseAdverts, parseGarps } from './monitor-log.js';
import { drillConfig, holders, pollUntil } from './placement.js';
import { faultScript, parseFaultOutput, restoreScript, type RestoreInfo } from './remote-scripts.js';
import { outcome } from './timeline.js';
import { faultMovesVip, type DrillOutcome, type DrillRecord, type FaultKind, type Mark, type MarkKind, type OwnershipSample, type RequestSample } from './types.js';
import { startArpCapture, startHostMonitors, startRequestLoop, stopHostMonitors, type ArpCapture, type HostMonitor, type RequestLoop } from './watch.js';

export interface FaultContext {
  transport: Transport;
  refs: Map<string, HostRef>;
  cluster: Cluster;
  instance: VrrpInstance;
  /** Current VIP holder, from the verify that preceded this fault. */
  master: string;
  /** What verify saw: MACs for naming gratuitous ARP senders, realservers that answered. */
  observations: Observations;
  signal?: AbortSignal;
  log: (line: string) => void;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number, signal?: AbortSignal) => systemClock.sleep(ms, signal);

async function execRetry(ctx: FaultContext, ref: HostRef, script: string, attempts: number): Promise<{ ok: boolean; stdout: string; message: string }> {
  let message = '';
  for (let i = 0; i < attempts; i++) {
    // Restores get their own timeout, never the root signal: Ctrl-C must not stop a restore.
    const r = await ctx.transport.exec(ref, script, { privileged: true, timeoutMs: 15_000, signal: AbortSignal.timeout(20_000) });
    if (r.ok && r.value.code === 0) return { ok: true, stdout: r.value.stdout, message: '' };
    message = r.ok ? `exit ${r.value.code}: ${(r.value.stdout + r.value.stderr).trim().split('\n').pop()}` : r.failure.message;
    await sleep(1000);
  }
  return { ok: false, stdout: '', message };
}

/**
 * One fault: observers on, baseline, inject, wait for the VIP to do what the fault demands,
 * restore (always: finally), wait for the placement to settle, observers off, then the record
 * goes to the pure measures. Problems are values in the outcome; only bugs throw.
 */
export async function runFault(ctx: FaultContext, fault: FaultKind): Promise<DrillOutcome> {
  const { cluster, instance: inst } = ctx;
  const vip = inst.vips[0]!;
  const backups = inst.members.filter((m) => m.host !== ctx.master).sort((a, b) => b.priority - a.priority).map((m) => m.host);
  const svc = cluster.services.find((s) => s.vip === vip.address) ?? cluster.services[0];
  const servedBefore = Object.keys(ctx.observations.http.find((h) => h.vip === vip.address)?.servedBy ?? {});
  const target = fault === 'realserver-down' ? (svc?.realServers.find((r) => servedBefore.includes(r.host)) ?? svc?.realServers[0])?.host ?? cluster.realservers[0]! : ctx.master;
  const config = drillConfig(cluster, inst, ctx.master, backups[0]);
  const bound = protocolBound(fault, config);
  const directorRefs = inst.members.map((m) => ctx.refs.get(m.host)!).filter(Boolean);
  const targetRef = ctx.refs.get(target)!;
  const marks: Mark[] = [];
  const mark = (kind: MarkKind, note: string, t = now()) => {
    marks.push({ t, kind, note });
    ctx.log(`  ${kind.padEnd(12)} ${note}`);
  };
  const problems: string[] = [];
  const id = `${process.pid}-${Date.now().toString(36)}`;
  const downSec = Math.ceil((bound?.ms ?? 4000) / 1000) + 3;

  // Observers are stopped in the outer finally whatever happens (Ctrl-C included): nothing may
  // keep running on the hosts or here. The restore is the inner finally.
  let monitors: HostMonitor[] = [];
  let arp: ArpCapture | null = null;
  let requests: RequestLoop | null = null;
  let observed: { reqs: RequestSample[]; arpText: string; samples: OwnershipSample[]; gaps: string[] } = { reqs: [], arpText: '', samples: [], gaps: [] };
  try {
    monitors = await startHostMonitors(ctx.transport, directorRefs, id, 300, ctx.signal);
    for (const m of monitors) if (m.error) problems.push(`address monitor on ${m.host}: ${m.error}`);
    const iface = await routeDev(vip.address);
    arp = iface ? startArpCapture(iface) : null;
    await sleep(300); // tcpdump needs a moment before it captures
    requests = svc ? startRequestLoop(urlOf(svc.vip, svc.port, svc.healthCheck.path), svc.realServers) : null;
    mark('start', `observers on ${directorRefs.map((r) => r.name).join(', ')}${arp ? `, ARP on ${iface}` : ''}`);
    let info: RestoreInfo = { manager: 'direct' };
    try {
      await sleep(1000, ctx.signal);
      const before = now();
      const f = await ctx.transport.exec(targetRef, faultScript(fault, { dev: inst.members.find((m) => m.host === target)?.interface ?? inst.interface, downSec }), { privileged: true, timeoutMs: 15_000, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      const out = f.ok ? parseFaultOutput(f.value.stdout) : { manager: 'direct' as const, error: f.failure.message };
      info = out;
      // link-down: the host stamps the moment the link goes (read back by the restore); until then, about now + 0.3 s.
      mark('fault', `${fault} on ${target}`, out.atMs ?? (fault === 'link-down' ? now() + 300 : before));
      if (out.error || (f.ok && f.value.code !== 0)) problems.push(`fault ${fault} on ${target} failed: ${out.error ?? (f.ok ? f.value.stderr.trim() : "")}`);
      mark('fault-done', `${fault} injected`);
      const faultAt = marks.find((m) => m.kind === 'fault')!.t;
      if (faultMovesVip(fault) && !problems.length) {
        const deadline = faultAt + 2 * (bound?.ms ?? 10_000) + 5000;
        const moved = await pollUntil(async () => (await holders(ctx.transport, backups.map((b) => ctx.refs.get(b)!), vip.address, ctx.signal)).holders.length > 0, deadline, 100, ctx.signal);
        ctx.log(moved ? `  a backup holds ${vip.address}` : `  no backup took ${vip.address} within ${Math.round(deadline - faultAt)} ms`);
      } else {
        await sleep(4000, ctx.signal);
      }
      await sleep(1500, ctx.signal);
      if (fault === 'link-down') {
        // The host brings the link back itself; an earlier restore would find SSH cut anyway.
        const upAt = faultAt + downSec * 1000;
        if (upAt > now()) await sleep(upAt - now());
      }
    } finally {
      const restoreAt = fault === 'link-down' ? Math.max(now(), (marks.find((m) => m.kind === 'fault')?.t ?? now()) + downSec * 1000) : now();
      const staleVips = inst.vips.map((v) => ({ address: v.address, prefix: v.prefix, dev: v.dev }));
      const r = await execRetry(ctx, targetRef, restoreScript(fault, info, { staleVips, dev: inst.members.find((m) => m.host === target)?.interface ?? inst.interface }), fault === 'link-down' ? 15 : 3);
      const back = parseFaultOutput(r.stdout);
      const at = back.atMs;
      const faultMark = marks.find((m) => m.kind === 'fault');
      if (faultMark && back.downAtMs) faultMark.t = back.downAtMs;
      const linkUpAt = back.downAtMs !== undefined ? back.downAtMs + downSec * 1000 : restoreAt;
      mark('restore', fault === 'link-down' ? `link of ${target} up (scheduled on the host)` : `restore ${target}`, fault === 'link-down' ? linkUpAt : at ?? restoreAt);
      if (!r.ok) problems.push(`restore of ${target} failed: ${r.message}`);
      mark('restore-done', r.ok ? `${target} restored` : `restore of ${target} FAILED`);
    }
    const expected = faultMovesVip(fault) && !config.preempt ? null : ctx.master;
    const refs = inst.members.map((m) => ctx.refs.get(m.host)!);
    const settled = await pollUntil(async () => {
      const h = await holders(ctx.transport, refs, vip.address);
      return h.unknown.length === 0 && h.holders.length === 1 && (expected === null || h.holders[0] === expected);
    }, now() + 30_000, 200, ctx.signal);
    if (!settled) ctx.log(`  placement did not settle within 30 s`);
    await sleep(1000, ctx.signal);
  } finally {
    mark('end', 'observers stopped');
    const reqs = requests ? await requests.stop() : [];
    const arpText = arp ? await arp.stop() : '';
    observed = { reqs, arpText, ...(await stopHostMonitors(ctx.transport, monitors, vip.address)) };
  }
  const { reqs, arpText, samples, gaps } = observed;
  const macToHost = new Map<string, string>();
  for (const h of Object.values(ctx.observations.hosts)) if (h.reachable) for (const mac of Object.values(h.macs)) macToHost.set(mac, h.host);
  const record: DrillRecord = {
    fault, cluster: cluster.name, instance: inst.name, vip: vip.address, master: ctx.master, backups, target, config,
    marks: marks.sort((a, b) => a.t - b.t), ownership: samples, requests: reqs,
    garps: parseGarps(arpText, vip.address).map((g) => ({ ...g, ...(macToHost.has(g.mac) ? { host: macToHost.get(g.mac)! } : {}) })),
    adverts: parseAdverts(arpText, inst.vrid),
    masterAddress: inst.members.find((m) => m.host === ctx.master)?.address ?? '',
    gaps,
  };
  const o = outcome(record);
  return problems.length ? { ...o, problems: [...problems, ...o.problems], ok: false } : o;
}
