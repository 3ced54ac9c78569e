/**
 * `hafleet agent --metrics ADDR:PORT`: GET /metrics answers the agent's metrics (metrics.ts),
 * rendered at each scrape from the live state. Read-only, no other path; loopback unless an
 * address is given (the metrics carry no secret, so another address needs no token here).
 */
import http from 'node:http';
import type net from 'node:net';
import type { MetricsAddress } from './metrics-address.js';

/** Listen; resolves once bound (rejects with the bind error: a port in use says so). */
export function serveMetrics(at: MetricsAddress, render: () => string): Promise<{ address: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('hafleet agent: only /metrics here\n');
      return;
    }
    let body: string;
    try {
      body = render();
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot render metrics: ${(e as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : body);
  });
  // A scraper that opens a connection and says nothing must not hold a socket for ever.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      const a = server.address() as net.AddressInfo;
      resolve({
        address: a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`,
        close: () => new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    });
  });
}
