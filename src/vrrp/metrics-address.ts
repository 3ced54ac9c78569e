/** Where `hafleet agent --metrics` listens: parsed apart from the server so `-t` loads no HTTP. */
import net from 'node:net';

export interface MetricsAddress {
  host: string;
  port: number;
}

/**
 * `PORT`, `ADDR:PORT` or `[V6]:PORT` → where to listen; a string saying what is wrong otherwise.
 * A bare port listens on 127.0.0.1.
 */
export function parseMetricsAddress(text: string): MetricsAddress | string {
  const t = text.trim();
  const m = /^(\d+)$/.exec(t) ?? /^\[([^\]]+)\]:(\d+)$/.exec(t) ?? /^([^:[\]]+):(\d+)$/.exec(t);
  if (!m) return `${JSON.stringify(text)} is not PORT, ADDR:PORT or [ADDR6]:PORT`;
  const [host, portText] = m.length === 2 ? ['127.0.0.1', m[1]!] : [m[1]!, m[2]!];
  const port = Number(portText);
  if (!(port >= 1 && port <= 65535)) return `port ${portText} is not 1–65535`;
  if (net.isIP(host) === 0) return `${JSON.stringify(host)} is not an IP address`;
  return { host, port };
}
