import { execFile } from 'node:child_process';
import http from 'node:http';
import type { RealServer } from '../topology/types.js';
import { arpingArgs, arpingMacs, ndiscMacs } from './arping-output.js';
import type { ArpObservation } from './types.js';

/**
 * Probes run on the admin box itself (inside the lab's admin namespace in tests): ARP requests
 * for each VIP and HTTP requests through it. Bounded: fixed counts, every wait has a timeout.
 */

function run(cmd: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, ...(signal ? { signal } : {}) }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && code === -1 ? err.message : '')) });
    });
  });
}

let flavour: Promise<'habets' | 'iputils'> | null = null;
function arpingFlavour(): Promise<'habets' | 'iputils'> {
  flavour ??= run('arping', ['--help'], 2000).then((r) => (/Habets/i.test(r.stdout + r.stderr) ? 'habets' : 'iputils'));
  return flavour;
}

/** The local interface a packet to `address` leaves by (`ip route get`). */
export async function routeDev(address: string, signal?: AbortSignal): Promise<string | null> {
  const r = await run('ip', ['-j', 'route', 'get', address], 2000, signal);
  try {
    return (JSON.parse(r.stdout) as { dev?: string }[])[0]?.dev ?? null;
  } catch {
    return null;
  }
}

export async function arpProbe(vip: string, signal?: AbortSignal): Promise<ArpObservation> {
  const iface = await routeDev(vip, signal);
  if (!iface) return { vip, macs: [], error: `no route to ${vip} from the admin box` };
  if (iface === 'lo') return { vip, iface, macs: [], error: `${vip} is local to the admin box` };
  if (vip.includes(':')) {
    // IPv6's ARP is a neighbour solicitation; ndisc6 (Debian ndisc6) sends it and, with -m,
    // reports every answer, so two holders show as two MACs as arping shows them for IPv4.
    const r = await run('ndisc6', ['-m', '-n', '-q', '-r', '2', '-w', '1000', vip, iface], 8000, signal);
    if (r.code === -1 && /ENOENT/.test(r.stderr)) return { vip, iface, macs: [], error: 'ndisc6 is not installed on the admin box (Debian: apt-get install ndisc6)' };
    if (r.code !== 0 && r.code !== 2) return { vip, iface, macs: [], error: `ndisc6 failed (${r.code}): ${r.stderr.trim().split('\n')[0] ?? ''}` };
    return { vip, iface, macs: ndiscMacs(r.stdout) };
  }
  const r = await run('arping', arpingArgs(await arpingFlavour(), iface, vip), 5000, signal);
  // arping exits non-zero when nobody answered: that is an observation, not an error.
  if (r.code !== 0 && r.code !== 1) return { vip, iface, macs: [], error: `arping failed (${r.code}): ${r.stderr.trim().split('\n')[0] ?? ''}` };
  return { vip, iface, macs: arpingMacs(r.stdout) };
}

export interface HttpAnswer {
  status: number | null;
  /** Realserver that served it, when one could be named. */
  servedBy?: string;
  error?: string;
  ms: number;
}

/** Headers that name the upstream in common setups (hafleet's nginx role sets X-Upstream). */
const upstreamHeaders = ['x-upstream', 'x-upstream-addr', 'x-served-by', 'x-realserver', 'x-backend'];

type Named = Pick<RealServer, 'host' | 'address' | 'port'>;

interface NameIndex {
  /** host, address and address:port → the first realserver (in list order) with it. */
  exact: Map<string, number>;
  /** address:port only: a header listing several upstreams (`a:80, b:80`) names one by it. */
  addrPort: Map<string, number>;
  /** host → first index, for a body that is exactly a host name. */
  host: Map<string, number>;
  /** Longest name first, so web10 is not taken for web1; compiled once. */
  byLength: { host: string; re: RegExp }[];
}

/**
 * Built once per realserver list: naming the server of each of 4 × 498 answers by scanning the
 * list (and compiling a RegExp per realserver) was quadratic in a 500-host fleet.
 */
const indexes = new WeakMap<readonly Named[], NameIndex>();

function nameIndex(realServers: readonly Named[]): NameIndex {
  let ix = indexes.get(realServers);
  if (ix) return ix;
  ix = { exact: new Map(), addrPort: new Map(), host: new Map(), byLength: [] };
  realServers.forEach((rs, i) => {
    const ap = `${rs.address}:${rs.port}`;
    for (const k of [rs.host, rs.address, ap]) if (!ix!.exact.has(k)) ix!.exact.set(k, i);
    if (!ix!.addrPort.has(ap)) ix!.addrPort.set(ap, i);
    if (!ix!.host.has(rs.host)) ix!.host.set(rs.host, i);
  });
  ix.byLength = [...realServers].sort((a, b) => b.host.length - a.host.length)
    .map((rs) => ({ host: rs.host, re: new RegExp(`(^|[^A-Za-z0-9_-])${rs.host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_-])`) }));
  indexes.set(realServers, ix);
  return ix;
}

/** Name the realserver from a response: an upstream header (address:port or name), else the body. */
export function servedBy(headers: Record<string, string | string[] | undefined>, body: string, realServers: readonly Named[]): string | undefined {
  const ix = nameIndex(realServers);
  for (const h of upstreamHeaders) {
    const v = headers[h];
    const text = Array.isArray(v) ? v[v.length - 1] : v;
    if (!text) continue;
    // The first realserver in list order that the header names, either way.
    let best = ix.exact.get(text) ?? Infinity;
    for (const tok of text.split(/[\s,]+/)) best = Math.min(best, ix.addrPort.get(tok) ?? Infinity);
    if (best !== Infinity) return realServers[best]!.host;
  }
  const trimmed = body.trim();
  const exact = ix.host.get(trimmed);
  if (exact !== undefined) return realServers[exact]!.host;
  return ix.byLength.find((x) => x.re.test(trimmed))?.host;
}

/** One GET on a fresh connection (no keep-alive: each request is balanced anew). */
export function httpGet(url: string, timeoutMs: number, realServers: readonly Pick<RealServer, 'host' | 'address' | 'port'>[], signal?: AbortSignal): Promise<HttpAnswer> {
  const start = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: Omit<HttpAnswer, 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...a, ms: performance.now() - start });
    };
    const req = http.get(url, { agent: false, headers: { connection: 'close', 'user-agent': 'hafleet-verify' }, ...(signal ? { signal } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 4096) body += c;
      });
      res.on('end', () => {
        const who = servedBy(res.headers, body, realServers);
        finish({ status: res.statusCode ?? null, ...(who ? { servedBy: who } : {}) });
      });
      res.on('error', (e) => finish({ status: res.statusCode ?? null, error: e.message }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: null, error: `timeout after ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (e) => finish({ status: null, error: (e as NodeJS.ErrnoException).code ?? e.message }));
  });
}
