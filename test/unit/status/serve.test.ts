import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { serveStatus, type StatusServer } from '../../../src/status/serve.js';
import { FakeSource, snapshot } from './serve-fixture.js';

const TOKEN = 'f00dfeed'.repeat(4);

async function start(source: FakeSource, o: { token?: string; port?: number; refreshMs?: number } = {}): Promise<{ server: StatusServer; stop: () => Promise<void> }> {
  const ac = new AbortController();
  const r = await serveStatus(source, { addr: '127.0.0.1', port: o.port ?? 0, token: o.token, signal: ac.signal, refreshMs: o.refreshMs });
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  return { server: r.value, stop: async () => { ac.abort(); await r.value.closed; } };
}

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function get(url: string, o: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads an event stream until `until` holds for the events seen; returns them and closes. */
function readEvents(url: string, until: (events: { event: string; data: string }[]) => boolean, onEvent?: (n: number) => void): Promise<{ event: string; data: string }[]> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/event-stream/);
      let buf = '';
      const events: { event: string; data: string }[] = [];
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(frame)?.[1];
          const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (ev) events.push({ event: ev, data });
          if (ev) onEvent?.(events.length);
        }
        if (until(events)) {
          req.destroy();
          resolve(events);
        }
      });
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.end();
  });
}

test('page, status.json and metrics from the current snapshot; GET only; unknown paths 404', async () => {
  const { server, stop } = await start(new FakeSource(snapshot()));
  try {
    const page = await get(server.url);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html; charset=utf-8/);
    assert.match(String(page.headers['content-security-policy']), /^default-src 'none'; script-src 'sha256-/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.match(page.body, /data-vip="198\.18\.0\.100" data-holder="lb1"/);
    const json = await get(`${server.url}status.json`);
    assert.equal(json.status, 200);
    assert.equal(JSON.parse(json.body).vips[0].holder, 'lb1');
    const metrics = await get(`${server.url}metrics`);
    assert.equal(metrics.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(metrics.body, /^hafleet_vip_holder\{cluster="web",instance="VI_1",vip="198\.18\.0\.100",host="lb1"\} 1$/m);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
      const r = await get(server.url, { method });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'GET');
    }
    assert.equal((await get(`${server.url}admin`)).status, 404);
    assert.equal((await get(server.url, { headers: { host: 'evil.example:9180' } })).status, 421, 'a DNS-rebound name is refused without a token');
    assert.equal((await get(server.url, { headers: { host: 'localhost:9180' } })).status, 200);
  } finally {
    await stop();
  }
});

test('with a token every path needs it: Bearer header or ?token=, else 401', async () => {
  const { server, stop } = await start(new FakeSource(snapshot()), { token: TOKEN });
  try {
    for (const path of ['', 'status.json', 'metrics', 'events', 'nothing']) {
      const r = await get(`${server.url}${path}`);
      assert.equal(r.status, 401, path);
      assert.match(String(r.headers['www-authenticate']), /^Bearer/);
      assert.equal(r.body.includes('198.18'), false);
      assert.equal((await get(`${server.url}${path}?token=${TOKEN.slice(0, -1)}`)).status, 401, `${path} with a wrong token`);
    }
    assert.equal((await get(`${server.url}metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
    const page = await get(`${server.url}?token=${TOKEN}`);
    assert.equal(page.status, 200);
    assert.match(page.body, /new EventSource\(url\)/);
    const ev = await readEvents(`${server.url}events?token=${TOKEN}`, (es) => es.length >= 1);
    assert.equal(ev[0]!.event, 'snapshot');
  } finally {
    await stop();
  }
});

test('a non-loopback address without a token is refused before binding; a taken port is a clear error', async () => {
  const ac = new AbortController();
  const r = await serveStatus(new FakeSource(), { addr: '0.0.0.0', port: 0, signal: ac.signal });
  assert.equal(r.ok, false);
  assert.equal(r.diagnostics[0]!.code, 'serve-token-required');
  const taken = createServer();
  await new Promise<void>((res) => taken.listen(0, '127.0.0.1', res));
  const port = (taken.address() as { port: number }).port;
  try {
    const busy = await serveStatus(new FakeSource(), { addr: '127.0.0.1', port, signal: ac.signal });
    assert.equal(busy.ok, false);
    assert.equal(busy.diagnostics[0]!.code, 'serve-port-in-use');
    assert.equal(busy.diagnostics[0]!.message, `cannot listen on 127.0.0.1:${port}: the port is in use`);
    assert.match(busy.diagnostics[0]!.hint!, /choose another port/);
  } finally {
    taken.close();
  }
});

test('/events: the current snapshot first, then one per change, a tick when nothing changed', async () => {
  const source = new FakeSource(snapshot());
  const { server, stop } = await start(source);
  try {
    // The next snapshot goes in once the previous one came out (a source answers `next` after it was asked).
    const events = await readEvents(`${server.url}events`, (es) => es.length >= 3, (n) => {
      if (n === 1) source.push(snapshot({ at: '2026-12-04T10:00:02.000Z' }));
      if (n === 2) source.push(snapshot({ holder: 'lb2', at: '2026-12-04T10:00:04.000Z' }));
    });
    assert.deepEqual(events.map((e) => e.event), ['snapshot', 'tick', 'snapshot']);
    const first = JSON.parse(events[0]!.data);
    assert.equal(first.snapshot.vips[0].holder, 'lb1');
    assert.match(first.html, /data-holder="lb1"/);
    assert.equal(JSON.parse(events[1]!.data).at, '2026-12-04 10:00:02Z');
    const last = JSON.parse(events[2]!.data);
    assert.match(last.html, /data-vip="198\.18\.0\.100" data-holder="lb2"/);
    assert.equal(last.snapshot.vips[0].holder, 'lb2');
    const m = await get(`${server.url}metrics`);
    assert.match(m.body, /^hafleet_vip_holder\{cluster="web",instance="VI_1",vip="198\.18\.0\.100",host="lb2"\} 1$/m);
    assert.match(m.body, /^hafleet_status_snapshots_total 3$/m);
  } finally {
    await stop();
  }
});

test('200 concurrent scrapes get the same, correct body', async (t) => {
  const { server, stop } = await start(new FakeSource(snapshot({ holder: 'lb2' })));
  try {
    const t0 = performance.now();
    const replies = await Promise.all(Array.from({ length: 200 }, () => get(`${server.url}metrics`)));
    t.diagnostic(`200 parallel scrapes in ${(performance.now() - t0).toFixed(1)} ms`);
    assert.ok(replies.every((r) => r.status === 200));
    const bodies = new Set(replies.map((r) => r.body));
    assert.equal(bodies.size, 1);
    assert.match(replies[0]!.body, /host="lb2"\} 1$/m);
    assert.match(replies[0]!.body, /^hafleet_split_brain\{cluster="web"\} 0$/m);
  } finally {
    await stop();
  }
});

test('stopping ends open pages\' streams and frees the port', async () => {
  const source = new FakeSource(snapshot());
  const { server, stop } = await start(source);
  const ended = new Promise<void>((resolve) => {
    request(`${server.url}events`, { agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.once('data', () => void stop());
    }).end();
  });
  await ended;
  const again = await start(source, { port: server.port });
  await again.stop();
});

test('a request target URL() cannot read gets 400, and the server goes on', async () => {
  const { connect } = await import('node:net');
  const { server, stop } = await start(new FakeSource(snapshot()));
  try {
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = connect(server.port, '127.0.0.1', () => sock.write('GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
      let got = '';
      sock.on('data', (d) => (got += d));
      sock.on('end', () => resolve(got));
      sock.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 (400)/);
    assert.equal((await get(`${server.url}metrics`)).status, 200);
  } finally {
    await stop();
  }
});

test('a page that stops reading is dropped once 1 MiB is buffered for it, not kept growing', async () => {
  const { connect } = await import('node:net');
  const source = new FakeSource(snapshot());
  const { server, stop } = await start(source);
  try {
    const sock = connect(server.port, '127.0.0.1', () => sock.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    let closed = false;
    sock.on('close', () => (closed = true));
    sock.on('error', () => undefined);
    await new Promise((r) => sock.once('data', r));
    sock.pause(); // reads nothing more: the kernel buffers fill, then the server's
    const clients = async () => Number(/^hafleet_status_page_clients (\d+)$/m.exec((await get(`${server.url}metrics`)).body)![1]);
    assert.equal(await clients(), 1);
    for (let k = 0; k < 400 && !closed && (await clients()) === 1; k++) {
      const s = snapshot({ at: new Date(Date.parse('2026-12-04T10:00:00Z') + k * 1000).toISOString(), holder: k % 2 ? 'lb2' : 'lb1' });
      s.drift = [{ host: 'lb1', paths: [`/padding/${'x'.repeat(20_000)}/${k}`] }];
      source.push(s);
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(await clients(), 0);
    sock.destroy();
  } finally {
    await stop();
  }
});
