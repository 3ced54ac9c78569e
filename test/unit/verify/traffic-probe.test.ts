import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Topology } from '../../../src/topology/types.js';
import { HTTP_CONCURRENCY, probeTraffic } from '../../../src/verify/probe.js';
import { servedBy } from '../../../src/verify/local-probes.js';
import { spreadText } from '../../../src/verify/spread.js';

/**
 * verify's traffic probe against a real HTTP server on loopback that plays a VIP and 60
 * realservers (the body names one in turn, 10 ms per answer): every request is counted, the
 * spread names them all, and never more than HTTP_CONCURRENCY are in flight at once.
 */
test('traffic probe: 4 requests per realserver, bounded concurrency, every answer attributed', async () => {
  let inFlight = 0;
  let most = 0;
  let n = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    const who = `web${(n++ % 60) + 1}`;
    setTimeout(() => {
      inFlight--;
      res.end(req.url === '/health' ? `${who}\n` : 'no\n');
    }, 10);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const realServers = Array.from({ length: 60 }, (_, i) => ({ host: `web${i + 1}`, address: '127.0.0.1', port, backup: false }));
    const topology = { clusters: [{ name: 'web', services: [{ vip: '127.0.0.1', port, healthCheck: { path: '/health', status: 200 }, realServers }] }] } as unknown as Topology;
    const r = await probeTraffic(topology, { transport: null as never, httpTimeoutMs: 5000 });
    assert.equal(r.backends.length, 60);
    assert.ok(r.backends.every((b) => b.status === 200), 'every backend answered');
    const h = r.http[0]!;
    assert.equal(h.sent, 240);
    assert.equal(h.failed, 0);
    assert.equal(h.statuses['200'], 240);
    assert.equal(Object.values(h.servedBy).reduce((a, b) => a + b, 0), 240);
    assert.equal(Object.keys(h.servedBy).length, 60, 'every realserver named');
    assert.ok(most <= HTTP_CONCURRENCY, `at most ${HTTP_CONCURRENCY} in flight (saw ${most})`);
    assert.ok(most > 1, 'requests overlap');
  } finally {
    server.close();
  }
});

test('naming the server of an answer in a 500-realserver pool: header, exact body, embedded body', () => {
  const pool = Array.from({ length: 500 }, (_, i) => ({ host: `web${i + 1}`, address: `198.18.${4 + (i >> 8)}.${(i & 255) + 1}`, port: 80 }));
  assert.equal(servedBy({ 'x-upstream': '198.18.5.244:80' }, '', pool), 'web500');
  assert.equal(servedBy({ 'x-upstream': '198.18.4.9:80, 198.18.4.2:80' }, '', pool), 'web2', 'the first in list order, as before');
  assert.equal(servedBy({}, 'web499\n', pool), 'web499');
  assert.equal(servedBy({}, '<p>served by web50</p>', pool), 'web50', 'web50, not web5');
  assert.equal(servedBy({}, 'nobody', pool), undefined);
});

test('the spread names a few realservers and sums up many', () => {
  assert.equal(spreadText({}), 'none');
  assert.equal(spreadText({ web1: 4, web2: 3 }), 'web1 4, web2 3');
  const many = Object.fromEntries(Array.from({ length: 498 }, (_, i) => [`web${i + 1}`, i === 7 ? 3 : 4]));
  assert.equal(spreadText(many), '498 realservers, 3–4 each');
  assert.equal(spreadText({ ...many, '?': 2 }), '498 realservers, 3–4 each; 2 unattributed');
});
