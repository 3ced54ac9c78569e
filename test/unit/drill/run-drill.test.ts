import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickCluster, pickInstances, skipReason, FAULT_KINDS } from '../../../src/drill/index.js';
import { topology2x2 } from '../verify/fixtures.js';

test('the first cluster with two directors is drilled; a wrong name says which exist', () => {
  const t = topology2x2();
  const c = pickCluster({ topology: t, hosts: new Map() });
  assert.equal(typeof c === 'string' ? c : c.name, 'web');
  assert.equal(pickCluster({ topology: t, hosts: new Map() }, 'api'), 'no cluster named api (clusters: web)');
});

test('every fault runs on an nginx cluster with keepalived and a track script', () => {
  const c = topology2x2().clusters[0]!;
  assert.deepEqual(FAULT_KINDS.map((f) => skipReason(c, f)), FAULT_KINDS.map(() => null));
});

test('faults that cannot mean anything are skipped with the reason', () => {
  const lvs = { ...topology2x2().clusters[0]!, mode: 'lvs-dr' as const };
  assert.match(skipReason(lvs, 'stop-nginx')!, /lvs-dr: no nginx on the directors/);
  const untracked = topology2x2().clusters[0]!;
  untracked.instances[0]!.trackScripts = [];
  assert.match(skipReason(untracked, 'stop-nginx')!, /tracks no script/);
  const agent = topology2x2().clusters[0]!;
  agent.instances[0]!.members.forEach((m) => (m.engine = 'agent'));
  // The VRRP-speaker faults act on the agent there: every fault runs.
  assert.deepEqual(FAULT_KINDS.map((f) => skipReason(agent, f)), FAULT_KINDS.map(() => null));
  const single = topology2x2().clusters[0]!;
  single.instances[0]!.members.pop();
  assert.match(skipReason(single, 'stop-keepalived')!, /one director/);
});

test('every instance of a dual-master cluster is drilled; --instance and --vip pick one, a wrong one says which exist', () => {
  const c = topology2x2().clusters[0]!;
  const second = { ...c.instances[0]!, name: 'web_52', vrid: 52, vips: [{ ...c.instances[0]!.vips[0]!, address: '198.18.0.101' }] };
  const dual = { ...c, instances: [c.instances[0]!, second] };
  const names = (x: ReturnType<typeof pickInstances>) => (typeof x === 'string' ? x : x.map((i) => i.name));
  assert.deepEqual(names(pickInstances(dual, {})), [c.instances[0]!.name, 'web_52']);
  assert.deepEqual(names(pickInstances(dual, { instance: 'web_52' })), ['web_52']);
  assert.deepEqual(names(pickInstances(dual, { vip: '198.18.0.101' })), ['web_52']);
  assert.match(names(pickInstances(dual, { instance: 'nope' })) as string, /has no instance nope \(it has .*web_52\)/);
  assert.match(names(pickInstances(dual, { vip: '198.18.9.9' })) as string, /no instance of cluster web carries VIP 198\.18\.9\.9/);
  assert.equal(skipReason(dual, 'stop-keepalived', second), null);
});
