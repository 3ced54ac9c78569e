import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FactsRequest, HostFacts } from '../../../src/facts/index.js';
import { StatusRounds } from '../../../src/status/source.js';
import type { GatherFacts } from '../../../src/status/index.js';
import type { HostRef, Transport } from '../../../src/transport/index.js';
import { topology2x2 } from './support.js';

// No service: the rounds' request through each VIP is left out (no packet leaves this test).
const topology = (() => {
  const t = topology2x2();
  return { ...t, clusters: t.clusters.map((c) => ({ ...c, services: [] })) };
})();
const realservers = topology.clusters.flatMap((c) => c.realservers);
const directors = topology.clusters.flatMap((c) => c.directors);
const ref = (name: string) => ({ name, address: '198.18.255.1', port: 22, user: 'root', become: false }) as HostRef;
const hosts = new Map([...directors, ...realservers].map((h) => [h, ref(h)]));
const transport = { close: async () => {} } as unknown as Transport;

function fakeGather(down: Set<string> = new Set()) {
  const calls: { host: string; req: FactsRequest }[] = [];
  const gather: GatherFacts = async (_t, host, req) => {
    calls.push({ host: host.name, req });
    if (down.has(host.name)) return { ok: false, failure: { kind: 'unreachable', host: host.name, message: `host ${host.name}: down` } };
    const facts: HostFacts = { host: host.name, serviceManager: 'direct', processes: {}, files: {}, addresses: [], sysctls: {}, tools: {}, lastDeploy: null, ...(req.probes ? { probes: {} } : {}) };
    return { ok: true, value: facts };
  };
  return { gather, calls };
}

test('a realserver is read for its files only (no speaker probe, notify log or maintenance); a director with all of them', async () => {
  const { gather, calls } = fakeGather();
  await new StatusRounds({ topology, hosts }, { transport, gatherFacts: gather }).round();
  for (const h of realservers) {
    const req = calls.find((c) => c.host === h)!.req;
    assert.equal(req.filesOnly, true, h);
    assert.equal(req.probes, undefined, h);
  }
  for (const h of directors) {
    const req = calls.find((c) => c.host === h)!.req;
    assert.ok(!req.filesOnly, h);
    assert.deepEqual(req.probes?.map((p) => p.name), ['host', 'notify', 'maintenance']);
  }
});

test('directors every round, realservers every Nth round in turn, their last answer standing between reads', async () => {
  const { gather, calls } = fakeGather();
  const rounds = new StatusRounds({ topology, hosts }, { transport, gatherFacts: gather, realserverEveryRounds: 3 });
  const snaps = [];
  for (let k = 0; k < 7; k++) snaps.push(await rounds.round());
  const count = (h: string) => calls.filter((c) => c.host === h).length;
  for (const h of directors) assert.equal(count(h), 7, h);
  // The first round reads everyone; then each realserver once every 3 rounds.
  for (const h of realservers) assert.ok(count(h) >= 2 && count(h) <= 4, `${h}: ${count(h)}`);
  // Nobody shows as unreachable on a round it was not read.
  for (const s of snaps) assert.deepEqual(s.unreachable, []);
});

test('a realserver whose read failed is read again the next round, and shows unreachable until it answers', async () => {
  const down = new Set([realservers[0]!]);
  const { gather, calls } = fakeGather(down);
  const rounds = new StatusRounds({ topology, hosts }, { transport, gatherFacts: gather, realserverEveryRounds: 5 });
  const s1 = await rounds.round();
  assert.deepEqual(s1.unreachable.map((u) => u.host), [realservers[0]]);
  const s2 = await rounds.round();
  assert.deepEqual(s2.unreachable.map((u) => u.host), [realservers[0]]);
  assert.equal(calls.filter((c) => c.host === realservers[0]).length, 2);
  down.clear();
  const s3 = await rounds.round();
  assert.deepEqual(s3.unreachable, []);
});

test('realserverEveryRounds 1: everyone every round', async () => {
  const { gather, calls } = fakeGather();
  const rounds = new StatusRounds({ topology, hosts }, { transport, gatherFacts: gather, realserverEveryRounds: 1 });
  for (let k = 0; k < 3; k++) await rounds.round();
  for (const h of [...directors, ...realservers]) assert.equal(calls.filter((c) => c.host === h).length, 3, h);
});
