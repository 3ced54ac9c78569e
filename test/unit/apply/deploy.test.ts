import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plan, type FactsByHost } from '../../../src/plan/index.js';
import { deploy, exitCodeFor, recapLines } from '../../../src/apply/index.js';
import type { DesiredState, HostDesired } from '../../../src/render/types.js';
import type { HostFacts } from '../../../src/facts/types.js';
import type { Topology } from '../../../src/topology/types.js';
import { FakeClock, FakeFleet, ref } from './fake-transport.js';

const VIP = '198.18.0.100';
const handlers = [{ name: 'reload keepalived', commands: { systemd: 'systemctl reload keepalived', sysv: 'service keepalived reload', direct: 'kill -HUP $(cat /run/keepalived.pid)' }, order: 10 }];

function want(host: string, content: string): HostDesired {
  return { host, roles: ['director'], files: [{ path: '/etc/keepalived/keepalived.conf', content, mode: '0640', owner: 'root', group: 'root', role: 'director', validate: 'keepalived -t -f {path}', notify: ['reload keepalived'], secrets: [] }], handlers, managedPaths: ['/etc/keepalived'] };
}
function facts(host: string, content: string | null, addresses: string[] = []): HostFacts {
  return {
    host, serviceManager: 'direct', processes: {}, tools: {}, sysctls: {}, lastDeploy: null,
    files: { '/etc/keepalived/keepalived.conf': { path: '/etc/keepalived/keepalived.conf', content, sha256: null, mode: content === null ? null : '0640', owner: 'root', group: 'root' } },
    addresses: addresses.map((a) => ({ dev: 'eth0', address: a, prefix: 24, family: 'inet' as const })),
  };
}
const topology = {
  clusters: [{ name: 'web', directors: ['lb1', 'lb2'], realservers: ['web1', 'web2', 'web3', 'web4'], instances: [{ vips: [{ address: VIP }] }] }],
  roles: new Map(),
} as unknown as Topology;

function fleet(hosts: string[], holder: string | null, changedHosts = hosts) {
  const desired: DesiredState = new Map(hosts.map((h) => [h, want(h, 'new\n')]));
  const f: FactsByHost = new Map(hosts.map((h) => [h, { ok: true as const, value: facts(h, changedHosts.includes(h) ? 'old\n' : 'new\n', h === holder ? [VIP] : []) }]));
  const p = plan(desired, f, { id: 'p1', now: new Date(0) });
  const clock = new FakeClock();
  const t = new FakeFleet(clock);
  if (holder) t.addrs.set(holder, [VIP]);
  return { desired, f, p, clock, t, refs: new Map(hosts.map((h) => [h, ref(h)])) };
}
const all = ['lb1', 'lb2', 'web1', 'web2', 'web3', 'web4'];

test('directors one at a time, the VIP holder last, VIP checked between them and after the last', async () => {
  const { desired, f, p, clock, t, refs } = fleet(all, 'lb1');
  const events: string[] = [];
  const r = await deploy(p, desired, t, { refs, facts: f, topology, clock, onEvent: (e) => e.kind === 'vip-wait' && events.push(`wait after ${e.after}`) });
  const lbs = t.log.filter((l) => l.host.startsWith('lb'));
  assert.deepEqual(lbs.map((l) => l.host), ['lb2', 'lb1']);
  assert.ok(lbs[1]!.at >= lbs[0]!.end, 'never both directors at once');
  assert.deepEqual(events, ['wait after lb2', 'wait after lb1']);
  assert.ok(r.hosts.every((h) => h.status === 'changed'));
  assert.equal(exitCodeFor(r), 0);
  assert.match(recapLines(r)[0]!, /^lb1\s+: ok=1 changed=1 unreachable=0 failed=0 skipped=0$/);
});

test('a VIP that has no single holder after the last director fails the deploy', async () => {
  const { desired, f, p, clock, t, refs } = fleet(all, 'lb1');
  t.afterDeploy = (h) => h === 'lb1' && t.addrs.set('lb1', []); // the holder reloads and nobody takes over
  const r = await deploy(p, desired, t, { refs, facts: f, topology, clock, vipDeadlineMs: 2000 });
  const lb1 = r.hosts.find((h) => h.host === 'lb1')!;
  assert.ok(lb1.status === 'failed' && lb1.step === 'vip', JSON.stringify(lb1));
  assert.match(lb1.message, /did not settle on exactly one director .*nobody/);
  assert.equal(exitCodeFor(r), 1);
});

test('a director that fails leaves the others untouched', async () => {
  const { desired, f, p, clock, t, refs } = fleet(all, 'lb1');
  t.behaviour.set('lb2', 'invalid');
  const r = await deploy(p, desired, t, { refs, facts: f, topology, clock });
  const lb2 = r.hosts.find((h) => h.host === 'lb2')!;
  assert.ok(lb2.status === 'failed' && lb2.step === 'validate');
  assert.match(lb2.message, /\/etc\/keepalived\/keepalived.conf: Line 4\) number 510 outside range/);
  assert.ok(!lb2.message.includes('hafleet-validate'), 'temp paths read as the real file');
  assert.equal(r.hosts.find((h) => h.host === 'lb1')!.status, 'skipped');
  assert.ok(!t.log.some((l) => l.host === 'lb1'));
  assert.equal(exitCodeFor(r), 1);
});

test('VIP that does not settle stops the lane after the deadline', async () => {
  const { desired, f, p, clock, t, refs } = fleet(all, 'lb1');
  t.afterDeploy = (h) => h === 'lb2' && t.addrs.set('lb2', [VIP]); // both hold it: split brain
  const r = await deploy(p, desired, t, { refs, facts: f, topology, clock, vipDeadlineMs: 2000 });
  const lb2 = r.hosts.find((h) => h.host === 'lb2')!;
  assert.ok(lb2.status === 'failed' && lb2.step === 'vip');
  assert.match(lb2.message, /198\.18\.0\.100 on lb1,lb2/);
  assert.equal(r.hosts.find((h) => h.host === 'lb1')!.status, 'skipped');
  assert.ok(clock.now() >= 2000);
});

test('realservers in --serial batches; --max-fail skips the rest', async () => {
  const { desired, f, p, clock, t, refs } = fleet(all, 'lb1');
  t.behaviour.set('web1', 'unreachable');
  t.behaviour.set('web2', 'handler-fails');
  const r = await deploy(p, desired, t, { refs, facts: f, topology, clock, serial: { count: 2 }, maxFail: 1 });
  const st = Object.fromEntries(r.hosts.map((h) => [h.host, h.status]));
  assert.deepEqual(st, { lb1: 'changed', lb2: 'changed', web1: 'unreachable', web2: 'failed', web3: 'skipped', web4: 'skipped' });
  const web2 = r.hosts.find((h) => h.host === 'web2')!;
  assert.ok(web2.status === 'failed' && web2.rolledBack && web2.step === 'handler' && /boom/.test(web2.message));
});

test('only unreachable → exit 4; a host with nothing to do is not contacted', async () => {
  const { desired, f, p, clock, t, refs } = fleet(['web1', 'web2'], null, ['web1']);
  t.behaviour.set('web1', 'unreachable');
  const r = await deploy(p, desired, t, { refs, facts: f, topology, clock });
  assert.equal(exitCodeFor(r), 4);
  assert.ok(!t.log.some((l) => l.host === 'web2') || r.hosts[1]!.status === 'ok');
});

test('--forks bounds the hosts in flight', async () => {
  const hosts = Array.from({ length: 20 }, (_, i) => `h${i}`);
  const { desired, f, p, clock, t, refs } = fleet(hosts, null);
  await deploy(p, desired, t, { refs, facts: f, clock, forks: 4 });
  assert.equal(t.maxInFlight, 4);
  assert.equal(t.log.length, 20);
});

test('a held lock is reported with holder and age, not broken', async () => {
  const { desired, f, p, clock, t, refs } = fleet(['web1'], null);
  t.behaviour.set('web1', 'locked');
  const r = await deploy(p, desired, t, { refs, facts: f, clock });
  const h = r.hosts[0]!;
  assert.ok(h.status === 'failed' && h.step === 'lock');
  assert.match(h.message, /3600s .*alice@ctl.*gone/);
  assert.match(h.hint ?? '', /--break-lock/);
  assert.ok(!t.scripts.get('web1')!.includes("rm -rf '/var/lib/hafleet/lock'\nif"), 'no --break-lock: lock not removed');
});

test('Ctrl-C before start: no host is contacted, all reported skipped', async () => {
  const { desired, f, p, clock, t, refs } = fleet(all, 'lb1');
  const ac = new AbortController();
  ac.abort();
  const r = await deploy(p, desired, t, { refs, facts: f, topology, clock, signal: ac.signal });
  assert.equal(t.log.length, 0);
  assert.ok(r.hosts.every((h) => h.status === 'skipped'));
});

test('an unreachable director does not stop the lane once the VIPs are settled', async () => {
  const { desired, f, p, clock, t, refs } = fleet(all, 'lb1');
  t.behaviour.set('lb2', 'unreachable');
  const r = await deploy(p, desired, t, { refs, facts: f, topology, clock });
  assert.equal(r.hosts.find((h) => h.host === 'lb2')!.status, 'unreachable');
  assert.equal(r.hosts.find((h) => h.host === 'lb1')!.status, 'changed');
  assert.equal(exitCodeFor(r), 4);
});

test('Ctrl-C while a director deploys: it finishes, the next director is skipped as interrupted', async () => {
  const { desired, f, p, clock, t, refs } = fleet(all, 'lb1');
  const ac = new AbortController();
  t.afterDeploy = (h) => h === 'lb2' && ac.abort();
  const r = await deploy(p, desired, t, { refs, facts: f, topology, clock, signal: ac.signal });
  assert.equal(r.hosts.find((h) => h.host === 'lb2')!.status, 'changed');
  const lb1 = r.hosts.find((h) => h.host === 'lb1')!;
  assert.ok(lb1.status === 'skipped' && /interrupted/.test(lb1.reason));
});

test('a director refused at connect (changed host key) is not touched; the others still deploy', async () => {
  const { desired, f, clock, t, refs } = fleet(all, 'lb1');
  f.set('lb2', { ok: false, failure: { kind: 'host-key-changed', host: 'lb2', expected: 'SHA256:a', got: 'SHA256:b', message: 'host key changed', hint: 'check the host' } });
  const p = plan(desired, f, { id: 'p2', now: new Date(0) });
  const r = await deploy(p, desired, t, { refs, facts: f, topology, clock });
  const lb2 = r.hosts.find((h) => h.host === 'lb2')!;
  assert.ok(lb2.status === 'failed' && lb2.step === 'plan');
  assert.ok(!t.log.some((l) => l.host === 'lb2'), 'nothing sent to lb2');
  assert.equal(r.hosts.find((h) => h.host === 'lb1')!.status, 'changed');
  assert.equal(exitCodeFor(r), 1);
});
