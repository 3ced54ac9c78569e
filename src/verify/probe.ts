import { mapLimit } from '../async/index.js';
import type { FactsRequest, HostFacts } from '../facts/types.js';
import type { DesiredState } from '../render/types.js';
import type { Topology } from '../topology/types.js';
import type { HostRef, Outcome, Transport } from '../transport/types.js';
import { fileChange } from '../plan/index.js';
import { hostProbeScript, parseHostProbe, type HostProbe } from './host-probe.js';
import { arpProbe, httpGet } from './local-probes.js';
import type { BackendObservation, HostObservation, HttpObservation, ManagedFileObservation, Observations } from './types.js';

/** facts' gatherFacts, passed in so verify does not reach into facts' inner files. */
export type GatherFacts = (transport: Transport, host: HostRef, request: FactsRequest, signal?: AbortSignal, o?: { timeoutMs?: number }) => Promise<Outcome<HostFacts>>;

export interface VerifyTarget {
  topology: Topology;
  hosts: Map<string, HostRef>;
  /** What the inventory renders: the drift diff is shown against it. */
  desired?: DesiredState;
}

export interface ProbeOptions {
  transport: Transport;
  gatherFacts?: GatherFacts;
  signal?: AbortSignal;
  forks?: number;
  /** Requests through each VIP:port; default 4 per realserver, at least 8. */
  requestsPerService?: number;
  httpTimeoutMs?: number;
}

export function urlOf(address: string, port: number, path = '/'): string {
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}${path}`;
}

/** The name of verify's speaker probe among the facts script's sections. */
export const HOST_PROBE = 'host';

/**
 * A host in one round trip: the facts script with verify's probe as one of its sections (issue 19:
 * verify was two commands per host). Without facts' gatherer (a caller that only wants the
 * speaker) the probe runs alone.
 */
async function readHost(ref: HostRef, paths: string[], o: ProbeOptions): Promise<Outcome<{ probe: string; facts: HostFacts | null }>> {
  const signal = o.signal ? { signal: o.signal } : {};
  if (!o.gatherFacts) {
    const r = await o.transport.exec(ref, hostProbeScript(), { privileged: true, timeoutMs: 30_000, ...signal });
    return r.ok ? { ok: true, value: { probe: r.value.stdout, facts: null } } : r;
  }
  const r = await o.gatherFacts(o.transport, ref, { paths, managedDirs: [], sysctls: [], probes: [{ name: HOST_PROBE, script: hostProbeScript() }] }, o.signal, { timeoutMs: 30_000 });
  return r.ok ? { ok: true, value: { probe: r.value.probes?.[HOST_PROBE] ?? '', facts: r.value } } : r;
}

async function probeHost(target: VerifyTarget, ref: HostRef, o: ProbeOptions): Promise<HostObservation> {
  const wanted = target.desired?.get(ref.name)?.files ?? [];
  const read = await readHost(ref, wanted.map((f) => f.path), o);
  if (!read.ok) return { host: ref.name, reachable: false, message: read.failure.message };
  return hostObservation(target, ref.name, parseHostProbe(read.value.probe), read.value.facts);
}

/** What one host's answer says, in verify's words: the probe's parse beside the facts (drift, sysctls). */
export function hostObservation(target: Pick<VerifyTarget, 'desired'>, host: string, p: HostProbe, f: HostFacts | null): HostObservation {
  const wanted = target.desired?.get(host)?.files ?? [];
  const files: ManagedFileObservation[] = [];
  for (const rec of f?.lastDeploy?.files ?? []) {
    const have = f?.files[rec.path];
    if (!have) continue;
    const want = wanted.find((w) => w.path === rec.path);
    // plan's fileChange masks secrets on both sides before diffing.
    const change = want && have.sha256 !== rec.sha256 ? fileChange(want, have) : null;
    files.push({ path: rec.path, liveSha256: have.sha256, ...(change && change.kind !== 'unchanged' ? { diff: change.diff } : {}) });
  }
  return {
    host, reachable: true, addresses: p.addresses, macs: p.macs, running: p.running, speaker: p.speaker,
    authLogLines: p.authLogLines, sysctls: { ...p.sysctls, ...(f?.sysctls ?? {}) }, files,
    lastDeploy: f ? f.lastDeploy : null,
    ...(f?.maintenance ? { maintenance: true } : {}),
    ...(target.desired ? { wantedFiles: wanted.length } : {}),
  };
}

/**
 * HTTP requests in flight at once from the controller. A few, as a browser opens: enough that
 * 4 × 498 requests through a VIP take seconds instead of a minute one after another, few enough
 * that the controller never floods the holder's nginx (or its own 2 s timeouts) and a timeout
 * stays a finding about the fleet.
 */
export const HTTP_CONCURRENCY = 8;

/** Backends once each, then `sent` requests through each VIP:port, HTTP_CONCURRENCY at a time. */
export async function probeTraffic(topology: Topology, o: ProbeOptions): Promise<{ backends: BackendObservation[]; http: HttpObservation[] }> {
  const timeoutMs = o.httpTimeoutMs ?? 2000;
  const http: HttpObservation[] = [];
  const seen = new Set<string>();
  const direct: { host: string; url: string; realServers: Topology['clusters'][number]['services'][number]['realServers'] }[] = [];
  for (const c of topology.clusters) {
    for (const svc of c.services) {
      for (const rs of svc.realServers) {
        if (seen.has(rs.host)) continue;
        seen.add(rs.host);
        direct.push({ host: rs.host, url: urlOf(rs.address, rs.port, svc.healthCheck.path), realServers: svc.realServers });
      }
    }
  }
  const backends = await mapLimit(direct, HTTP_CONCURRENCY, async (d): Promise<BackendObservation> => {
    const a = await httpGet(d.url, timeoutMs, d.realServers, o.signal);
    return { host: d.host, url: d.url, status: a.status, ...(a.error ? { error: a.error } : {}) };
  });
  for (const c of topology.clusters) {
    for (const svc of c.services) {
      const sent = o.requestsPerService ?? Math.max(8, 4 * svc.realServers.length);
      const h: HttpObservation = { vip: svc.vip, port: svc.port, sent, servedBy: {}, statuses: {}, failed: 0 };
      const url = urlOf(svc.vip, svc.port, svc.healthCheck.path);
      const answers = await mapLimit(Array.from({ length: sent }, (_, i) => i), HTTP_CONCURRENCY, async () =>
        (o.signal?.aborted ? null : httpGet(url, timeoutMs, svc.realServers, o.signal)));
      // In request order, so the first error named is the first one sent.
      for (const a of answers) {
        if (a === null) continue;
        if (a.status === null) {
          h.failed++;
          h.firstError ??= a.error ?? 'no answer';
          continue;
        }
        h.statuses[String(a.status)] = (h.statuses[String(a.status)] ?? 0) + 1;
        const who = a.servedBy ?? '?';
        h.servedBy[who] = (h.servedBy[who] ?? 0) + 1;
      }
      http.push(h);
    }
  }
  return { backends, http };
}

/** Every probe verify needs: hosts over SSH in parallel (bounded), then ARP and HTTP locally. */
export async function probe(target: VerifyTarget, o: ProbeOptions): Promise<Observations> {
  // --limit: only the hosts the fleet kept; evaluate judges what it has.
  const names = [...target.topology.roles.keys()].filter((n) => target.hosts.has(n));
  const observed = await mapLimit(names, o.forks ?? 10, async (name) => {
    const ref = target.hosts.get(name);
    return probeHost(target, ref!, o);
  });
  const hosts: Record<string, HostObservation> = {};
  for (const h of observed) hosts[h.host] = h;
  // ARP for IPv4 VIPs, a neighbour solicitation for IPv6 ones (arpProbe picks).
  const vips = [...new Set(target.topology.clusters.flatMap((c) => c.instances.flatMap((i) => i.vips.map((v) => v.address))))];
  const arp = [];
  for (const v of vips) arp.push(await arpProbe(v, o.signal));
  return { hosts, arp, ...(await probeTraffic(target.topology, o)) };
}
