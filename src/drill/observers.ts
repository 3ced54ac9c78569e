import type { RealServer } from '../topology/types.js';
import type { HostRef, Transport } from '../transport/types.js';
import { routeDev, urlOf } from '../verify/index.js';
import type { OwnershipSample, RequestSample } from './types.js';
import { startArpCapture, startHostMonitors, startRequestLoop, stopHostMonitors, type ArpCapture, type HostMonitor, type RequestLoop } from './watch.js';

/** Everything that watches one fault run, started together and always stopped together. */
export interface Observers {
  monitors: HostMonitor[];
  arp: ArpCapture | null;
  iface: string | null;
  requests: RequestLoop | null;
  vip: string;
  /** Monitors that could not start. */
  problems: string[];
}

export interface Observed {
  requests: RequestSample[];
  /** Raw tcpdump output: gratuitous ARPs and VRRP adverts are parsed from it. */
  capture: string;
  ownership: OwnershipSample[];
  gaps: string[];
}

/** `requestTimeoutMs`: the client's patience per request (drill: 1 s; a planned move lets TCP retransmit a SYN). */
export async function startObservers(transport: Transport, directors: HostRef[], vip: string, service: { vip: string; port: number; path: string; realServers: RealServer[] } | null, id: string, signal?: AbortSignal, o: { requestTimeoutMs?: number } = {}): Promise<Observers> {
  const obs: Observers = { monitors: [], arp: null, iface: null, requests: null, vip, problems: [] };
  obs.monitors = await startHostMonitors(transport, directors, id, 300, signal);
  for (const m of obs.monitors) if (m.error) obs.problems.push(`address monitor on ${m.host}: ${m.error}`);
  obs.iface = await routeDev(vip, signal);
  if (obs.iface) {
    obs.arp = startArpCapture(obs.iface);
    await new Promise((res) => setTimeout(res, 300)); // tcpdump needs a moment before it captures
  }
  if (service) obs.requests = startRequestLoop(urlOf(service.vip, service.port, service.path), service.realServers, o.requestTimeoutMs ? { timeoutMs: o.requestTimeoutMs } : {});
  return obs;
}

/** Stops what started, Ctrl-C or not: nothing keeps running here or on the hosts. */
export async function stopObservers(transport: Transport, o: Observers): Promise<Observed> {
  const requests = o.requests ? await o.requests.stop() : [];
  const capture = o.arp ? await o.arp.stop() : '';
  const { samples, gaps } = await stopHostMonitors(transport, o.monitors, o.vip);
  return { requests, capture, ownership: samples, gaps };
}
