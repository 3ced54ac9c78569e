import { canonicalIp } from '../vrrp/packet.js';

/**
 * The syntax of global_defs `hafleet_metrics_address`: `PORT`, `ADDR:PORT` or `[ADDR6]:PORT`, a
 * bare port on 127.0.0.1 — the grammar and words of `hafleet agent --metrics`
 * (src/vrrp/metrics-address.ts), which the agent applies to whichever wins. Pure (the reader
 * loads no node:net), so the file's line gets the diagnostic before the agent starts.
 */
export function checkMetricsAddress(text: string): { host: string; port: number } | string {
  const t = text.trim();
  const m = /^(\d+)$/.exec(t) ?? /^\[([^\]]+)\]:(\d+)$/.exec(t) ?? /^([^:[\]]+):(\d+)$/.exec(t);
  if (!m) return `${JSON.stringify(text)} is not PORT, ADDR:PORT or [ADDR6]:PORT`;
  const [host, portText] = m.length === 2 ? ['127.0.0.1', m[1]!] : [m[1]!, m[2]!];
  const port = Number(portText);
  if (!(port >= 1 && port <= 65535)) return `port ${portText} is not 1–65535`;
  if (canonicalIp(host) === undefined) return `${JSON.stringify(host)} is not an IP address`;
  return { host, port };
}
