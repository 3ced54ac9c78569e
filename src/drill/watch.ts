import { spawn } from 'node:child_process';
import type { RealServer } from '../topology/types.js';
import type { HostRef, Transport } from '../transport/types.js';
import { httpGet } from '../verify/index.js';
import { parseMonitorLog } from './monitor-log.js';
import { shq } from './shell.js';
import type { OwnershipSample, RequestSample } from './types.js';

/**
 * The drill's observers. On each director an address monitor (`ip -ts monitor address`, event
 * driven: no polling cost, kernel-stamped) writes to a file on the host itself, detached, so it
 * keeps recording while the host's link is down and SSH to it is cut; the file is read back at
 * the end. On the admin box: a bounded HTTP client loop through the VIP and a tcpdump for
 * gratuitous ARPs.
 */

export function monitorStartScript(file: string, maxSec: number): string {
  const f = shq(file);
  return `export TZ=UTC
setsid sh -c '{ echo "snap $(date +%s%N)"; ip -o addr show; echo endsnap; exec timeout ${Math.ceil(maxSec)} ip -ts -o monitor address; }' </dev/null >${f} 2>&1 &
echo "pid $!"`;
}

export function monitorStopScript(file: string, pid: number | null): string {
  return `${pid ? `kill ${pid} 2>/dev/null; ` : ''}sleep 0.05; cat ${shq(file)} && rm -f ${shq(file)}`;
}

export interface HostMonitor {
  host: string;
  ref: HostRef;
  file: string;
  pid: number | null;
  error?: string;
}

export async function startHostMonitors(transport: Transport, refs: HostRef[], id: string, maxSec: number, signal?: AbortSignal): Promise<HostMonitor[]> {
  return Promise.all(refs.map(async (ref): Promise<HostMonitor> => {
    const file = `/tmp/hafleet-drill-${id}.mon`;
    const r = await transport.exec(ref, monitorStartScript(file, maxSec), { privileged: true, timeoutMs: 10_000, ...(signal ? { signal } : {}) });
    if (!r.ok) return { host: ref.name, ref, file, pid: null, error: r.failure.message };
    const pid = Number(/pid (\d+)/.exec(r.value.stdout)?.[1]);
    return { host: ref.name, ref, file, pid: Number.isFinite(pid) ? pid : null };
  }));
}

/** Stop each monitor and read its file back; a host that cannot be read is a gap, not a failure. */
export async function stopHostMonitors(transport: Transport, monitors: HostMonitor[], vip: string): Promise<{ samples: OwnershipSample[]; gaps: string[] }> {
  const samples: OwnershipSample[] = [];
  const gaps: string[] = [];
  await Promise.all(monitors.map(async (m) => {
    // Retried: after link-down the host may need a moment before SSH answers again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await transport.exec(m.ref, monitorStopScript(m.file, m.pid), { privileged: true, timeoutMs: 8000, signal: AbortSignal.timeout(10_000) });
      if (r.ok && r.value.code === 0) {
        samples.push(...parseMonitorLog(r.value.stdout, m.host, vip));
        return;
      }
      await new Promise((res) => setTimeout(res, 1000));
    }
    gaps.push(m.host);
  }));
  return { samples, gaps };
}

export interface RequestLoop {
  stop(): Promise<RequestSample[]>;
}

/**
 * Requests through the VIP one after the other, `intervalMs` apart, each on a fresh connection;
 * a failed one is retried once at once. Bounded by `maxRequests`.
 */
export function startRequestLoop(url: string, realServers: readonly RealServer[], o: { intervalMs?: number; timeoutMs?: number; maxRequests?: number } = {}): RequestLoop {
  const samples: RequestSample[] = [];
  const interval = o.intervalMs ?? 50;
  const timeout = o.timeoutMs ?? 1000;
  const max = o.maxRequests ?? 5000;
  let stopped = false;
  const loop = (async () => {
    while (!stopped && samples.length < max) {
      const t = performance.timeOrigin + performance.now();
      const a = await httpGet(url, timeout, realServers);
      const ok = a.status !== null && a.status < 500;
      let okAfterRetry = false;
      if (!ok && !stopped) {
        const b = await httpGet(url, timeout, realServers);
        okAfterRetry = b.status !== null && b.status < 500;
      }
      samples.push({ t, ok, okAfterRetry, ms: Math.round(a.ms), ...(a.status !== null ? { status: a.status } : {}), ...(a.servedBy ? { servedBy: a.servedBy } : {}), ...(a.error ? { error: a.error } : {}) });
      await new Promise((res) => setTimeout(res, interval));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

export interface ArpCapture {
  stop(): Promise<string>;
}

/** tcpdump of ARP and VRRP on the admin side's interface toward the VIP; parsed at the end. */
export function startArpCapture(iface: string): ArpCapture {
  const child = spawn('tcpdump', ['-l', '-n', '-e', '-tt', '-i', iface, 'arp or ip proto 112'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c: string) => {
    if (out.length < 4_000_000) out += c;
  });
  const closed = new Promise<void>((res) => {
    child.on('close', () => res());
    child.on('error', () => res());
  });
  return {
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([closed, new Promise((res) => setTimeout(res, 2000))]);
      return out;
    },
  };
}
