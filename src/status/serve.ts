import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { error, type Result } from '../diagnostics/index.js';
import { METRICS_CONTENT_TYPE, metricsText } from './metrics.js';
import { PAGE_CSP, pageHtml, viewHtml } from './page.js';
import { emptyHistory, recordSnapshot, type StatusHistory } from './serve-history.js';
import { checkServeAccess, isLoopback, tokenMatches } from './serve-options.js';
import { SSE_KEEPALIVE, sseFrame, sseRetry } from './serve-sse.js';
import type { StatusSnapshot, StatusSource } from './types.js';

/**
 * `hafleet status --serve`: the page, its live feed (`/events`), `/status.json` and `/metrics`,
 * all answered from the last snapshot the source gave (never an SSH round per request), with
 * node:http alone. Read-only: GET, nothing else.
 */

export interface ServeStatusOptions {
  addr: string;
  port: number;
  /** Required for a non-loopback address; then every request must carry it. */
  token?: string;
  /** Aborting stops the server: open pages are told the stream ended, sockets close. */
  signal: AbortSignal;
  title?: string;
  /** Heartbeat comment on idle /events streams. */
  keepAliveMs?: number;
  /** An unchanged fleet is re-sent this often anyway, so the page's timeline advances. */
  refreshMs?: number;
  /** At most this many open /events streams (a page each); more get 503. */
  maxClients?: number;
  now?: () => number;
}

export interface StatusServer {
  /** `http://ADDR:PORT/` as bound (the real port when 0 was asked). */
  url: string;
  port: number;
  /** Resolves when the server has stopped (after the signal aborted). */
  closed: Promise<void>;
}

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
const NOT_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'";
const MAX_BUFFERED_BYTES = 1 << 20;

const snapshotKey = (s: StatusSnapshot) => JSON.stringify({ ...s, at: undefined });

/** Starts serving; a bad address, a missing token or a taken port is a diagnostic, not a throw. */
export async function serveStatus(source: StatusSource, o: ServeStatusOptions): Promise<Result<StatusServer>> {
  const access = checkServeAccess({ addr: o.addr, port: o.port }, o.token);
  if (access.length) return { ok: false, diagnostics: access };
  const now = o.now ?? Date.now;
  const keepAliveMs = o.keepAliveMs ?? 15_000;
  const refreshMs = o.refreshMs ?? 30_000;
  const maxClients = o.maxClients ?? 100;

  let snapshot: StatusSnapshot | undefined;
  let history: StatusHistory = emptyHistory();
  let lastArrival: number | undefined;
  let roundSeconds: number | undefined;
  let snapshots = 0;
  let lastKey = '';
  let lastSent = 0;
  // Rendered once per change and handed to every request: 200 scrapes between two rounds get the same bytes.
  let metricsBody: string | undefined;
  let jsonBody: string | undefined;
  // The page's fragment is rendered only when a page is open (or opens): no browser, no HTML.
  let lastEvent: string | undefined;
  const clients = new Set<ServerResponse>();

  const eventFor = (s: StatusSnapshot | undefined, t: number) =>
    sseFrame('snapshot', JSON.stringify({ at: s ? s.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—', html: viewHtml(s, history, t), snapshot: s ?? null }));
  const broadcast = (frame: string) => {
    for (const c of clients) {
      // A page that stopped reading (a suspended laptop) would have every round buffered here:
      // past 1 MiB it is dropped, and its EventSource reconnects to the current snapshot.
      if (c.writableLength > MAX_BUFFERED_BYTES) {
        clients.delete(c);
        c.destroy();
      } else {
        c.write(frame);
      }
    }
  };

  const take = (s: StatusSnapshot) => {
    const t = now();
    if (lastArrival !== undefined) roundSeconds = (t - lastArrival) / 1000;
    lastArrival = t;
    snapshots++;
    snapshot = s;
    history = recordSnapshot(history, s, t);
    metricsBody = undefined;
    jsonBody = undefined;
    const key = snapshotKey(s);
    if (key !== lastKey || t - lastSent >= refreshMs) {
      lastKey = key;
      lastSent = t;
      lastEvent = undefined;
      if (clients.size) {
        lastEvent = eventFor(s, t);
        broadcast(lastEvent);
      }
    } else {
      broadcast(sseFrame('tick', JSON.stringify({ at: s.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z') })));
    }
  };

  const first = source.current();
  if (first) take(first);

  const send = (res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...COMMON_HEADERS, 'content-security-policy': NOT_PAGE_CSP, 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET') return send(res, 405, 'text/plain; charset=utf-8', 'read-only: GET only\n', { allow: 'GET' });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://status.invalid');
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'bad request target\n');
    }
    if (o.token !== undefined) {
      if (!tokenMatches(o.token, req.headers.authorization, url.searchParams.get('token'))) {
        return send(res, 401, 'text/plain; charset=utf-8', 'token required: Authorization: Bearer TOKEN, or ?token=TOKEN\n', { 'www-authenticate': 'Bearer realm="hafleet status"' });
      }
    } else if (!trustedHost(req.headers.host)) {
      // Without a token, only an address or localhost in Host: a rebound DNS name in a browser
      // would otherwise let any web page read the fleet through the operator's loopback.
      return send(res, 421, 'text/plain; charset=utf-8', 'use the address (http://127.0.0.1:PORT/), not a name\n');
    }
    switch (url.pathname) {
      case '/':
        return send(res, 200, 'text/html; charset=utf-8', pageHtml(snapshot, history, now(), o.title), { 'content-security-policy': PAGE_CSP });
      case '/status.json':
        jsonBody ??= `${JSON.stringify(snapshot ?? null, null, 2)}\n`;
        return send(res, snapshot ? 200 : 503, 'application/json; charset=utf-8', jsonBody);
      case '/metrics':
        metricsBody ??= metricsText(snapshot, { roundSeconds, snapshots, pageClients: clients.size });
        return send(res, 200, METRICS_CONTENT_TYPE, metricsBody);
      case '/events':
        if (clients.size >= maxClients) return send(res, 503, 'text/plain; charset=utf-8', `too many open pages (${maxClients})\n`, { 'retry-after': '10' });
        res.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'x-accel-buffering': 'no', connection: 'keep-alive' });
        res.write(sseRetry(2000));
        lastEvent ??= eventFor(snapshot, now());
        res.write(lastEvent);
        clients.add(res);
        metricsBody = undefined;
        res.on('close', () => {
          clients.delete(res);
          metricsBody = undefined;
        });
        return;
      default:
        return send(res, 404, 'text/plain; charset=utf-8', 'not found: /, /events, /status.json, /metrics\n');
    }
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      // A bug in a view must not take the fleet's page and metrics down with it: this request fails, the server stays.
      process.emitWarning(`status --serve: internal error on ${req.url}: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error (please report)\n');
      else res.destroy();
    }
  });
  const listening = await new Promise<Error | null>((resolve) => {
    server.once('error', resolve);
    server.listen({ host: o.addr, port: o.port, exclusive: true }, () => {
      server.off('error', resolve);
      resolve(null);
    });
  });
  if (listening) {
    const code = (listening as NodeJS.ErrnoException).code;
    const where = `${o.addr.includes(':') ? `[${o.addr}]` : o.addr}:${o.port}`;
    const hint = code === 'EADDRINUSE' ? `another program listens there (ss -ltnp 'sport = :${o.port}'); choose another port: --serve ${o.addr}:PORT`
      : code === 'EADDRNOTAVAIL' ? 'that address is not on this machine' : code === 'EACCES' ? 'ports below 1024 need privileges' : undefined;
    return { ok: false, diagnostics: [error(code === 'EADDRINUSE' ? 'serve-port-in-use' : 'serve-listen', `cannot listen on ${where}: ${code === 'EADDRINUSE' ? 'the port is in use' : listening.message}`, { key: '--serve' }, hint)] };
  }
  const port = (server.address() as { port: number }).port;

  const heartbeat = setInterval(() => broadcast(SSE_KEEPALIVE), keepAliveMs);
  heartbeat.unref();

  const loop = (async () => {
    while (!o.signal.aborted) {
      try {
        take(await source.next(o.signal));
      } catch {
        if (o.signal.aborted) break;
        // The source failed one round: keep serving the last snapshot and ask again.
        await new Promise((r) => setTimeout(r, 1000).unref());
      }
    }
  })();

  const closed = new Promise<void>((resolve) => {
    const stop = () => {
      clearInterval(heartbeat);
      for (const c of clients) c.end();
      clients.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    };
    if (o.signal.aborted) stop();
    else o.signal.addEventListener('abort', stop, { once: true });
  });
  // The loop ends at the abort (or at the source's next answer, dropped): never awaited by `closed`,
  // so a source slow to honour the signal cannot hold the CLI open.
  void loop;

  const host = o.addr.includes(':') ? `[${o.addr}]` : o.addr;
  return { ok: true, value: { url: `http://${host}:${port}/`, port, closed }, diagnostics: [] };
}

/** A Host header naming an IP literal or localhost (any port), or none at all (HTTP/1.0). */
function trustedHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  const name = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return isIP(name) !== 0 || name.toLowerCase() === 'localhost' || isLoopback(name);
}
