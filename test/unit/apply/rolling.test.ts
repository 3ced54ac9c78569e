import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollingOrder, parseSerial } from '../../../src/apply/index.js';
import { batchSize } from '../../../src/apply/rolling.js';
import type { Topology } from '../../../src/topology/types.js';

const topo = {
  clusters: [
    { name: 'a', mode: 'nginx', directors: ['a1', 'a2', 'a3'], realservers: ['r1', 'r2', 'r3', 'r4', 'r5'], services: [{ vip: '198.18.0.100', port: 80 }, { vip: '198.18.0.101', port: 80 }, { vip: '198.18.0.101', port: 8080 }],
      trackScripts: [{ name: 'chk_nginx', intervalSec: 2, fall: 3, rise: 2, timeoutSec: 1 }, { name: 'unused', intervalSec: 60, fall: 9, rise: 9, timeoutSec: 9 }],
      instances: [{ name: 'a_1', trackScripts: ['chk_nginx'], members: [{ host: 'a1', priority: 150 }, { host: 'a2', priority: 100 }], vips: [{ address: '198.18.0.100' }] }, { name: 'a_2', trackScripts: [], members: [], vips: [{ address: '198.18.0.101' }] }] },
    { name: 'b', mode: 'lvs-dr', directors: ['b1', 'b2'], realservers: ['r1'], services: [{ vip: '198.18.0.200', port: 80 }], trackScripts: [], instances: [{ name: 'b_1', trackScripts: [], members: [], vips: [{ address: '198.18.0.200' }] }] },
  ],
  roles: new Map(),
} as unknown as Topology;
const addr = (a: string) => [{ dev: 'eth0', address: a, prefix: 24, family: 'inet' as const }];

test('holders last, others in cluster order; each cluster its own lane', () => {
  const o = rollingOrder(['a1', 'a2', 'a3', 'b1', 'b2', 'r1', 'x'], topo, new Map([['a1', addr('198.18.0.100')], ['a2', addr('198.18.0.101')]]));
  assert.deepEqual(o.lanes.map((l) => [l.cluster, l.hosts, l.served]), [['a', ['a3', 'a1', 'a2'], true], ['b', ['b1', 'b2'], false]]);
  assert.deepEqual(o.free, ['x']);
  assert.deepEqual(o.batches, [['r1']]);
});

test('serial batches by count and by percentage', () => {
  const hosts = ['r1', 'r2', 'r3', 'r4', 'r5'];
  assert.deepEqual(rollingOrder(hosts, topo, new Map(), { count: 2 }).batches, [['r1', 'r2'], ['r3', 'r4'], ['r5']]);
  assert.deepEqual(rollingOrder(hosts, topo, new Map(), { percent: 40 }).batches, [['r1', 'r2'], ['r3', 'r4'], ['r5']]);
  assert.equal(batchSize(undefined, 5), 5);
  assert.equal(batchSize({ percent: 1 }, 5), 1);
});

test('--serial parsing', () => {
  assert.deepEqual(parseSerial('3'), { count: 3 });
  assert.deepEqual(parseSerial('25%'), { percent: 25 });
  assert.equal(parseSerial('0'), null);
  assert.equal(parseSerial('x'), null);
});

test('a lane knows what its directors must prove: nginx ports with a Host, priorities, how long a broken track script takes', () => {
  const o = rollingOrder(['a1', 'a2', 'b1'], topo, new Map());
  const [a, b] = o.lanes;
  assert.deepEqual(a!.ports, [{ port: 80, host: '198.18.0.100' }, { port: 8080, host: '198.18.0.101' }]);
  assert.deepEqual(a!.instances, [{ name: 'a_1', priorities: { a1: 150, a2: 100 } }, { name: 'a_2', priorities: {} }]);
  // interval × (fall + 1) + timeout of the scripts an instance tracks; an unused script does not count.
  assert.equal(a!.trackWindowMs, (2 * 4 + 1) * 1000);
  assert.deepEqual(b!.ports, [], 'LVS: no nginx to ask');
  assert.equal(b!.trackWindowMs, 0);
});

test('first deploy (no VIP held anywhere): the intended holder, highest priority, goes first; ties keep cluster order', () => {
  const low = { ...topo, clusters: [{ ...topo.clusters[0]!, instances: [{ ...topo.clusters[0]!.instances[0]!, members: [{ host: 'a1', priority: 100 }, { host: 'a2', priority: 150 }, { host: 'a3', priority: 100 }] }] }] } as unknown as Topology;
  const o = rollingOrder(['a1', 'a2', 'a3'], low, new Map());
  assert.deepEqual(o.lanes.map((l) => [l.hosts, l.served]), [[['a2', 'a1', 'a3'], false]]);
  // Once a VIP is held, the holder goes last whatever its priority.
  const held = rollingOrder(['a1', 'a2', 'a3'], low, new Map([['a2', addr('198.18.0.100')]]));
  assert.deepEqual(held.lanes[0]!.hosts, ['a1', 'a3', 'a2']);
});

test('a VIP on lo is not held (host-addresses\' one notion, as the lock-time look): the order stays the priority order', () => {
  const onLo = new Map([['a2', [{ dev: 'lo', address: '198.18.0.100', prefix: 32, family: 'inet' as const }]]]);
  const o = rollingOrder(['a1', 'a2'], topo, onLo);
  assert.deepEqual(o.lanes.map((l) => [l.hosts, l.served]), [[['a1', 'a2'], false]]);
  const onEth = rollingOrder(['a1', 'a2'], topo, new Map([['a1', addr('198.18.0.100')]]));
  assert.deepEqual(onEth.lanes.map((l) => [l.hosts, l.served]), [[['a2', 'a1'], true]]);
});
