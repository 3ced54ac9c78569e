import type { TransportFailure } from '../../../src/transport/types.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plan, type FactsByHost } from '../../../src/plan/index.js';
import { deploy, describeCluster, exitCodeFor, recapLines, type LockOutcome } from '../../../src/apply/index.js';
import { type LaneOps } from '../../../src/apply/lane.js';
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
  clusters: [{
    name: 'web', mode: 'nginx', directors: ['lb1', 'lb2'], realservers: ['web1', 'web2', 'web3', 'web4'], services: [{ vip: VIP, port: 80 }], trackScripts: [],
    instances: [{ name: 'web_51', trackScripts: [], members: [{ host: 'lb1', priority: 150 }, { host: 'lb2', priority: 100 }], vips: [{ address: VIP }] }],
  }],
  roles: new Map(),
} as unknown as Topology;

/**
 * The lane's I/O steps as a log: lock/release, proof, rollback. The real ones run remote scripts
 * (integration tests); here only the order and the decisions are under test.
 */
function fakeOps(t: FakeFleet) {
  const calls: string[] = [];
  const proveFails = new Set<string>();
  let refuse: Extract<LockOutcome, { ok: false }> | null = null;
  const ops: Partial<LaneOps> = {
    lock: async (lane) => {
      calls.push(`lock ${lane.cluster} on ${lane.directors.join(',')}`);
      if (refuse) return refuse;
      return { ok: true, warnings: [], unlocked: [], release: async () => (calls.push(`release ${lane.cluster}`), []) };
    },
    baseline: async (host) => {
      calls.push(`baseline ${host}`);
      return new Map([[80, 200]]);
    },
    prove: async (host, _lane, before, o) => {
      calls.push(`${o?.untilHealthy ? 'healthy' : 'prove'} ${host}${before ? ` (before ${[...before.values()].join(',')})` : ''}`);
      return proveFails.has(host) ? `${host} does not serve with the new config: nginx answers 503 on port 80` : null;
    },
    rollback: async (host) => {
      calls.push(`rollback ${host}`);
      t.log.push({ host, cmd: 'rollback', at: t.clock.now(), end: t.clock.now() });
      return null;
    },
  };
  return { ops, calls, proveFails, refuseWith: (r: Extract<LockOutcome, { ok: false }>) => (refuse = r) };
}

function fleet(hosts: string[], holder: string | null, changedHosts = hosts) {
  const desired: DesiredState = new Map(hosts.map((h) => [h, want(h, 'new\n')]));
  const f: FactsByHost = new Map(hosts.map((h) => [h, { ok: true as const, value: facts(h, changedHosts.includes(h) ? 'old\n' : 'new\n', h === holder ? [VIP] : []) }]));
  const p = plan(desired, f, { id: 'p1', now: new Date(0) });
  const clock = new FakeClock();
  const t = new FakeFleet(clock);
  if (holder) t.addrs.set(holder, [VIP]);
  const fo = fakeOps(t);
  return { desired, f, p, clock, t, refs: new Map(hosts.map((h) => [h, ref(h)])), ops: fo.ops, fo };
}
const all = ['lb1', 'lb2', 'web1', 'web2', 'web3', 'web4'];

test('directors one at a time, the VIP holder last, VIP checked between them and after the last', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(all, 'lb1');
  const events: string[] = [];
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock, onEvent: (e) => e.kind === 'vip-wait' && events.push(`wait after ${e.after}`) });
  const lbs = t.log.filter((l) => l.host.startsWith('lb'));
  assert.deepEqual(lbs.map((l) => l.host), ['lb2', 'lb1']);
  assert.ok(lbs[1]!.at >= lbs[0]!.end, 'never both directors at once');
  assert.deepEqual(events, ['wait after lb2', 'wait after lb1']);
  assert.ok(r.hosts.every((h) => h.status === 'changed'));
  assert.equal(exitCodeFor(r), 0);
  assert.match(recapLines(r)[0]!, /^lb1\s+: ok=1 changed=1 unreachable=0 failed=0 skipped=0$/);
});

test('a VIP that has no single holder after the last director fails the deploy', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(all, 'lb1');
  t.afterDeploy = (h) => h === 'lb1' && t.addrs.set('lb1', []); // the holder reloads and nobody takes over
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock, vipDeadlineMs: 2000 });
  const lb1 = r.hosts.find((h) => h.host === 'lb1')!;
  assert.ok(lb1.status === 'failed' && lb1.step === 'vip', JSON.stringify(lb1));
  assert.match(lb1.message, /did not settle on exactly one director .*nobody/);
  assert.equal(exitCodeFor(r), 1);
});

test('a director that fails leaves the others untouched', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(all, 'lb1');
  t.behaviour.set('lb2', 'invalid');
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  const lb2 = r.hosts.find((h) => h.host === 'lb2')!;
  assert.ok(lb2.status === 'failed' && lb2.step === 'validate');
  assert.match(lb2.message, /\/etc\/keepalived\/keepalived.conf: Line 4\) number 510 outside range/);
  assert.ok(!lb2.message.includes('hafleet-validate'), 'temp paths read as the real file');
  assert.equal(r.hosts.find((h) => h.host === 'lb1')!.status, 'skipped');
  assert.ok(!t.log.some((l) => l.host === 'lb1'));
  assert.equal(exitCodeFor(r), 1);
});

test('VIP that does not settle stops the lane after the deadline', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(all, 'lb1');
  t.afterDeploy = (h) => h === 'lb2' && t.addrs.set('lb2', [VIP]); // both hold it: split brain
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock, vipDeadlineMs: 2000 });
  const lb2 = r.hosts.find((h) => h.host === 'lb2')!;
  assert.ok(lb2.status === 'failed' && lb2.step === 'vip');
  assert.match(lb2.message, /198\.18\.0\.100 on lb1,lb2/);
  assert.equal(r.hosts.find((h) => h.host === 'lb1')!.status, 'skipped');
  assert.ok(clock.now() >= 2000);
});

test('realservers in --serial batches; --max-fail skips the rest', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(all, 'lb1');
  t.behaviour.set('web1', 'unreachable');
  t.behaviour.set('web2', 'handler-fails');
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock, serial: { count: 2 }, maxFail: 1 });
  const st = Object.fromEntries(r.hosts.map((h) => [h.host, h.status]));
  assert.deepEqual(st, { lb1: 'changed', lb2: 'changed', web1: 'unreachable', web2: 'failed', web3: 'skipped', web4: 'skipped' });
  const web2 = r.hosts.find((h) => h.host === 'web2')!;
  assert.ok(web2.status === 'failed' && web2.rolledBack && web2.step === 'handler' && /boom/.test(web2.message));
});

test('only unreachable → exit 4; a host with nothing to do is not contacted', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(['web1', 'web2'], null, ['web1']);
  t.behaviour.set('web1', 'unreachable');
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  assert.equal(exitCodeFor(r), 4);
  assert.ok(!t.log.some((l) => l.host === 'web2') || r.hosts[1]!.status === 'ok');
});

test('--forks bounds the hosts in flight', async () => {
  const hosts = Array.from({ length: 20 }, (_, i) => `h${i}`);
  const { desired, f, p, clock, t, refs, ops } = fleet(hosts, null);
  await deploy(p, desired, t, { refs, ops, facts: f, clock, forks: 4 });
  assert.equal(t.maxInFlight, 4);
  assert.equal(t.log.length, 20);
});

test('a held lock is reported with holder and age, not broken', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(['web1'], null);
  t.behaviour.set('web1', 'locked');
  const r = await deploy(p, desired, t, { refs, ops, facts: f, clock });
  const h = r.hosts[0]!;
  assert.ok(h.status === 'failed' && h.step === 'lock');
  assert.match(h.message, /3600s .*alice@ctl.*gone/);
  assert.match(h.hint ?? '', /--break-lock/);
  assert.ok(!t.scripts.get('web1')!.includes("rm -rf '/var/lib/hafleet/lock'\nif"), 'no --break-lock: lock not removed');
});

test('Ctrl-C before start: no host is contacted, all reported skipped', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(all, 'lb1');
  const ac = new AbortController();
  ac.abort();
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock, signal: ac.signal });
  assert.equal(t.log.length, 0);
  assert.ok(r.hosts.every((h) => h.status === 'skipped'));
});

test('an unreachable director does not stop the lane once the VIPs are settled', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(all, 'lb1');
  t.behaviour.set('lb2', 'unreachable');
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  assert.equal(r.hosts.find((h) => h.host === 'lb2')!.status, 'unreachable');
  assert.equal(r.hosts.find((h) => h.host === 'lb1')!.status, 'changed');
  assert.equal(exitCodeFor(r), 4);
});

test('Ctrl-C while a director deploys: it finishes, the next director is skipped as interrupted', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(all, 'lb1');
  const ac = new AbortController();
  t.afterDeploy = (h) => h === 'lb2' && ac.abort();
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock, signal: ac.signal });
  assert.equal(r.hosts.find((h) => h.host === 'lb2')!.status, 'changed');
  const lb1 = r.hosts.find((h) => h.host === 'lb1')!;
  assert.ok(lb1.status === 'skipped' && /interrupted/.test(lb1.reason));
});

test('a director refused at connect (changed host key) is not touched; the others still deploy', async () => {
  const { desired, f, clock, t, refs, ops } = fleet(all, 'lb1');
  const refused: TransportFailure = { kind: 'host-key-changed', host: 'lb2', expected: 'SHA256:a', got: 'SHA256:b', message: 'host key changed', hint: 'check the host' };
  f.set('lb2', { ok: false, failure: refused });
  const p = plan(desired, f, { id: 'p2', now: new Date(0) });
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  const lb2 = r.hosts.find((h) => h.host === 'lb2')!;
  assert.ok(lb2.status === 'failed' && lb2.step === 'plan');
  assert.ok(!t.log.some((l) => l.host === 'lb2'), 'nothing sent to lb2');
  assert.equal(r.hosts.find((h) => h.host === 'lb1')!.status, 'changed');
  assert.equal(exitCodeFor(r), 1);
});

test('the cluster lock is taken on every director before the first one starts, and released after the last', async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(all, 'lb1');
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  assert.equal(exitCodeFor(r), 0);
  assert.deepEqual(fo.calls, ['lock web on lb1,lb2', 'baseline lb2', 'prove lb2 (before 200)', 'baseline lb1', 'prove lb1 (before 200)', 'release web']);
  assert.deepEqual(r.clusters, [], 'a lane that simply deployed says nothing more');
});

test('a cluster locked by another deploy: no director is contacted, each reports who holds it', async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(all, 'lb1');
  fo.refuseWith({ ok: false, host: 'lb1', lockedBy: 'by alice@ctl, since 2026-12-04T10:00:00Z, deploy p0', message: 'cluster web is locked on lb1 by another deploy (by alice@ctl, since 2026-12-04T10:00:00Z, deploy p0; held for 12s, its process is alive)', hint: 'wait for that deploy to finish, then run again' });
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  assert.ok(!t.log.some((l) => l.host.startsWith('lb')), 'no director touched');
  for (const h of ['lb1', 'lb2']) {
    const x = r.hosts.find((y) => y.host === h)!;
    assert.ok(x.status === 'failed' && x.step === 'lock' && /alice@ctl/.test(x.message) && /wait/.test(x.hint ?? ''), JSON.stringify(x));
  }
  assert.equal(r.clusters[0]!.outcome, 'locked');
  assert.match(r.clusters[0]!.lockedBy ?? '', /deploy p0/);
  assert.equal(r.hosts.find((h) => h.host === 'web1')!.status, 'changed', 'realservers are not under the cluster lock');
  assert.equal(exitCodeFor(r), 1);
});

test('a non-holder that does not prove it serves is put back and the holder is never touched', async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(all, 'lb1');
  fo.proveFails.add('lb2');
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  const lb2 = r.hosts.find((h) => h.host === 'lb2')!;
  assert.ok(lb2.status === 'failed' && lb2.step === 'serve' && lb2.rolledBack && /503 on port 80/.test(lb2.message), JSON.stringify(lb2));
  assert.equal(r.hosts.find((h) => h.host === 'lb1')!.status, 'skipped');
  assert.deepEqual(t.log.filter((l) => l.host.startsWith('lb')).map((l) => `${l.host} ${l.cmd}`), ['lb2 setsid -w bash -s', 'lb2 rollback']);
  assert.deepEqual(fo.calls.slice(-4), ['prove lb2 (before 200)', 'rollback lb2', 'healthy lb1', 'release web'], 'after the rollback: one holder, and it serves');
  const c = r.clusters[0]!;
  assert.equal(c.outcome, 'rolled-back');
  assert.deepEqual(c.rolledBack, ['lb2']);
  assert.deepEqual([c.settled, c.holders], [true, { [VIP]: 'lb1' }]);
  assert.equal(exitCodeFor(r), 1);
});

test('the holder failing its handler: the peer that already runs the new config is put back too', async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(all, 'lb1');
  t.behaviour.set('lb1', 'handler-fails'); // its own script restored lb1
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  const lb1 = r.hosts.find((h) => h.host === 'lb1')!;
  const lb2 = r.hosts.find((h) => h.host === 'lb2')!;
  assert.ok(lb1.status === 'failed' && lb1.step === 'handler' && lb1.rolledBack);
  assert.ok(lb2.status === 'failed' && lb2.step === 'cluster' && lb2.rolledBack && /put back on its previous files with its cluster: director lb1/.test(lb2.message), JSON.stringify(lb2));
  assert.deepEqual(fo.calls.filter((c) => c.startsWith('rollback')), ['rollback lb2']);
  assert.deepEqual(r.clusters[0]!.rolledBack, ['lb2']);
  assert.match(recapLines(r).join('\n'), /lb2\s+: ok=0 changed=0 unreachable=0 failed=1/);
});

test('the holder failing its proof: every changed director goes back, newest first', async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(all, 'lb1');
  fo.proveFails.add('lb1');
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  assert.deepEqual(fo.calls.filter((c) => c.startsWith('rollback')), ['rollback lb1', 'rollback lb2']);
  assert.deepEqual(r.clusters[0]!.rolledBack, ['lb1', 'lb2']);
  const lb1 = r.hosts.find((h) => h.host === 'lb1')!;
  assert.ok(lb1.status === 'failed' && lb1.step === 'serve' && lb1.rolledBack);
  assert.ok(fo.calls.indexOf('release web') > fo.calls.indexOf('rollback lb2'), 'the lock is held until the cluster is back');
});

test('a first deploy (no VIP served yet) proves nothing: there is no service to protect', async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(all, null);
  t.afterDeploy = (h) => h === 'lb1' && t.addrs.set('lb1', [VIP]);
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  assert.equal(exitCodeFor(r), 0);
  assert.deepEqual(fo.calls, ['lock web on lb1,lb2', 'release web']);
});

test('a first deploy: its directors deploy at once (bounded by --forks); a lane that serves never does', async () => {
  const first = fleet(all, null);
  first.t.afterDeploy = (h) => h === 'lb1' && first.t.addrs.set('lb1', [VIP]);
  const r = await deploy(first.p, first.desired, first.t, { refs: first.refs, ops: first.ops, facts: first.f, topology, clock: first.clock });
  assert.equal(exitCodeFor(r), 0);
  const lbs = first.t.log.filter((l) => l.host.startsWith('lb'));
  assert.deepEqual(lbs.map((l) => l.host).sort(), ['lb1', 'lb2']);
  assert.ok(lbs.every((l) => l.at === lbs[0]!.at), `both started together: ${JSON.stringify(lbs)}`);
  const one = fleet(all, null);
  one.t.afterDeploy = (h) => h === 'lb1' && one.t.addrs.set('lb1', [VIP]);
  assert.equal(exitCodeFor(await deploy(one.p, one.desired, one.t, { refs: one.refs, ops: one.ops, facts: one.f, topology, clock: one.clock, forks: 1 })), 0);
  const [a, b] = one.t.log.filter((l) => l.host.startsWith('lb'));
  assert.ok(b!.at >= a!.end, '--forks 1: one after the other');
});

test('a director that cannot be asked under the lock may hold a VIP: its peers deploy one after the other, never at once', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(all, null);
  // lb2 answers its deploy script but not `ip -j addr` (the plan's facts said it held nothing).
  const exec = t.exec.bind(t);
  t.exec = async (h, cmd, o) => (cmd === 'ip -j addr show' && h.name === 'lb2' ? { ok: true, value: { code: 1, stdout: '', stderr: 'ip: not found' } } : exec(h, cmd, o));
  await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  const [a, b] = t.log.filter((l) => l.host.startsWith('lb'));
  assert.ok(a && b && b.at >= a.end, `one after the other: ${JSON.stringify(t.log.filter((l) => l.host.startsWith('lb')))}`);
});

test('a first deploy where the intended holder fails: its peer ran beside it, and goes back', async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(all, null);
  t.behaviour.set('lb1', 'invalid');
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  assert.equal(exitCodeFor(r), 1);
  const lb1 = r.hosts.find((h) => h.host === 'lb1')!;
  const lb2 = r.hosts.find((h) => h.host === 'lb2')!;
  assert.ok(lb1.status === 'failed' && lb1.step === 'validate', JSON.stringify(lb1));
  assert.ok(lb2.status === 'failed' && lb2.step === 'cluster' && lb2.rolledBack, JSON.stringify(lb2));
  assert.match(lb2.message, /put back on its previous files with its cluster: director lb1 of cluster web did not deploy/);
  assert.deepEqual(fo.calls, ['lock web on lb1,lb2', 'rollback lb2', 'release web']);
  assert.equal(r.clusters[0]!.outcome, 'rolled-back');
  assert.deepEqual(r.clusters[0]!.rolledBack, ['lb2']);
});

test('a first deploy where both change and the peer fails its handler: the intended holder goes back too', async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(all, null);
  t.behaviour.set('lb2', 'handler-fails');
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  assert.equal(exitCodeFor(r), 1);
  assert.deepEqual(fo.calls.filter((c) => c.startsWith('rollback')), ['rollback lb1']);
  const lb1 = r.hosts.find((h) => h.host === 'lb1')!;
  assert.ok(lb1.status === 'failed' && lb1.step === 'cluster' && lb1.rolledBack, JSON.stringify(lb1));
  assert.match(lb1.message, /director lb2 of cluster web did not deploy/);
  assert.equal(r.hosts.find((h) => h.host === 'lb2')!.status, 'failed');
});

test('Ctrl-C after a director: the lane stops without a rollback and the lock is released', async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(all, 'lb1');
  const ac = new AbortController();
  t.afterDeploy = (h) => h === 'lb2' && ac.abort();
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock, signal: ac.signal });
  assert.equal(r.hosts.find((h) => h.host === 'lb2')!.status, 'changed');
  assert.ok(!fo.calls.some((c) => c.startsWith('rollback')));
  assert.equal(fo.calls[fo.calls.length - 1], 'release web');
});

test('a rollback that fails is said, host by host, and the host stays failed without rolledBack', async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(all, 'lb1');
  fo.proveFails.add('lb1');
  const r = await deploy(p, desired, t, { refs, ops: { ...ops, rollback: async (h) => (h === 'lb2' ? 'restore /etc/keepalived/keepalived.conf' : null) }, facts: f, topology, clock });
  const lb2 = r.hosts.find((h) => h.host === 'lb2')!;
  assert.ok(lb2.status === 'failed' && !lb2.rolledBack && /still on the new files: restore/.test(lb2.message));
  assert.deepEqual(r.clusters[0]!.rollbackFailed, [{ host: 'lb2', message: 'restore /etc/keepalived/keepalived.conf' }]);
  assert.deepEqual(r.clusters[0]!.rolledBack, ['lb1']);
  void fo;
});

test('the order is decided again under the lock: the VIP moved since the plan, the new holder goes last', async () => {
  const { desired, f, p, clock, t, refs, ops } = fleet(all, 'lb1');
  t.addrs.set('lb1', []);
  t.addrs.set('lb2', [VIP]); // a failover between plan and deploy
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  assert.deepEqual(t.log.filter((l) => l.host.startsWith('lb')).map((l) => l.host), ['lb1', 'lb2']);
  // `plan` showed lb2 → lb1 from its facts: the deploy says it went the other way, and why.
  assert.deepEqual(r.clusters.map((c) => [c.outcome, c.warnings]), [['deployed', ['order re-decided under the lock, the VIP holder last: lb1 → lb2 (the plan showed lb2 → lb1)']]]);
  assert.equal(exitCodeFor(r), 0, 'a re-decided order is news, not a failure');
});

test('--limit lb1 while lb2 (left out, no facts) holds the VIP: the lane serves, so lb1 must prove it, and the lock covers lb2', async () => {
  const { desired, f, clock, t, refs, ops, fo } = fleet(['lb1', 'web1'], null);
  const p = plan(desired, f, { id: 'p3', now: new Date(0) });
  t.addrs.set('lb2', [VIP]);
  const r = await deploy(p, desired, t, { refs, clusterRefs: new Map([...refs, ['lb2', ref('lb2')]]), ops, facts: f, topology, clock });
  assert.equal(exitCodeFor(r), 0);
  assert.deepEqual(fo.calls, ['lock web on lb1,lb2', 'baseline lb1', 'prove lb1 (before 200)', 'release web']);
});

test('the text output says how a cluster ended: rolled back (who, where the VIPs are), locked (by whom), warnings', async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(all, 'lb1');
  fo.proveFails.add('lb2');
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  assert.deepEqual(describeCluster(r.clusters[0]!), [
    `cluster web: rolled back after: director lb2 of cluster web did not prove it serves. lb2 put back on its previous files. VIPs on ${VIP}→lb1, serving.`,
  ]);
  assert.deepEqual(describeCluster({ cluster: 'web', outcome: 'locked', reason: 'cluster web is locked on lb1 by another deploy (by bob@adm)', rolledBack: [], rollbackFailed: [], warnings: [] }), ['cluster web: not deployed: cluster web is locked on lb1 by another deploy (by bob@adm)']);
  assert.deepEqual(describeCluster({ cluster: 'web', outcome: 'deployed', rolledBack: [], rollbackFailed: [], warnings: ['lb2: not locked (down); going on because of --force'] }), ['cluster web: warning: lb2: not locked (down); going on because of --force']);
});

test('--force past an unreachable director: it is not asked where the VIPs are (it would look like nobody holds them)', async () => {
  const { desired, f, clock, t, refs, ops } = fleet(['lb1', 'web1'], null);
  const p = plan(desired, f, { id: 'p4', now: new Date(0) });
  t.behaviour.set('lb2', 'unreachable');
  t.addrs.set('lb2', [VIP]);
  const forced: Partial<LaneOps> = { ...ops, lock: async () => ({ ok: true, warnings: ['lb2: not locked (connection lost); going on because of --force'], unlocked: ['lb2'], release: async () => [] }) };
  const r = await deploy(p, desired, t, { refs, clusterRefs: new Map([...refs, ['lb2', ref('lb2')]]), ops: forced, facts: f, topology, clock, force: true, vipDeadlineMs: 2000 });
  assert.equal(exitCodeFor(r), 0, JSON.stringify(r.hosts));
  assert.equal(r.hosts.find((h) => h.host === 'lb1')!.status, 'changed');
  assert.deepEqual(r.clusters[0]!.warnings, ['lb2: not locked (connection lost); going on because of --force']);
});

test('after an nginx-only change that proved itself, one settled look of every director ends the wait; after a speaker reload, two', async () => {
  const nginxOnly = (h: HostDesired): HostDesired => ({
    ...h,
    files: h.files.map((f) => ({ ...f, path: '/etc/nginx/conf.d/web.conf', validate: 'nginx-tree', notify: ['reload nginx'] })),
    handlers: [{ name: 'reload nginx', commands: { systemd: 'systemctl reload nginx', sysv: 'service nginx reload', direct: 'nginx -s reload' }, order: 20 }],
    managedPaths: ['/etc/nginx/conf.d'],
  });
  const looksPerWait = async (nginx: boolean, proveFails = false) => {
    const { desired, f, clock, t, refs, ops, fo } = fleet(['lb1', 'lb2'], 'lb1');
    if (proveFails) fo.proveFails.add('lb2');
    const d: DesiredState = nginx ? new Map([...desired].map(([h, w]) => [h, nginxOnly(w)])) : desired;
    const facts: FactsByHost = nginx ? new Map([...f].map(([h, x]) => [h, x.ok ? { ok: true as const, value: { ...x.value, files: { '/etc/nginx/conf.d/web.conf': { ...x.value.files['/etc/keepalived/keepalived.conf']!, path: '/etc/nginx/conf.d/web.conf' } } } } : x])) : f;
    const p = plan(d, facts, { id: 'p1', now: new Date(0) });
    const looks: number[] = [];
    const exec = t.exec.bind(t);
    t.exec = async (h, cmd, o) => {
      if (cmd === 'ip -j addr show' && looks.length && h.name === 'lb1') looks[looks.length - 1]!++;
      return exec(h, cmd, o);
    };
    const r = await deploy(p, d, t, { refs, ops, facts, topology, clock, onEvent: (e) => e.kind === 'vip-wait' && looks.push(0) });
    return { looks, r };
  };
  const nginx = await looksPerWait(true);
  assert.equal(exitCodeFor(nginx.r), 0);
  assert.deepEqual(nginx.looks, [1, 1], 'one look after lb2, one after lb1');
  const speaker = await looksPerWait(false);
  assert.equal(exitCodeFor(speaker.r), 0);
  assert.deepEqual(speaker.looks, [2, 2], 'keepalived reloaded: two looks in a row each time');
  // A proof that failed is no reason for a short settle: the rollback's wait takes two looks.
  const failed = await looksPerWait(true, true);
  assert.equal(exitCodeFor(failed.r), 1);
  assert.deepEqual(failed.looks, [2]);
});

test("a director's baseline comes from its own deploy script, seen before its first rename: no look of its own", async () => {
  const { desired, f, p, clock, t, refs, ops, fo } = fleet(['lb1', 'lb2'], 'lb1');
  delete ops.baseline;
  const exec = t.exec.bind(t);
  const scripts: string[] = [];
  t.exec = async (h, cmd, o) => {
    const r = await exec(h, cmd, o);
    if (cmd !== 'setsid -w bash -s' || !r.ok) return r;
    scripts.push(String(o?.stdin));
    // lb2's realservers already failed before (502); lb1's look ends before the install step.
    const look = h.name === 'lb2' ? '@@hafleet step look 1\n@@hafleet nginx-worker 41 live\n@@hafleet http 80 502\n' : '@@hafleet step look 1\n@@hafleet http 80 200\n';
    return { ok: true, value: { ...r.value, stdout: look + r.value.stdout.replace(h.name === 'lb1' ? '@@hafleet step install\n' : '', '') } };
  };
  const r = await deploy(p, desired, t, { refs, ops, facts: f, topology, clock });
  assert.equal(exitCodeFor(r), 0);
  assert.ok(scripts.every((s) => /step look[^]*http 80 \$\(curl[^]*step install/.test(s)), 'each director looks before its change');
  assert.deepEqual(fo.calls, ['lock web on lb1,lb2', 'prove lb2 (before 502)', 'prove lb1', 'release web'], 'lb1 never reached its install: no baseline');
  assert.ok(!t.log.some((l) => l.cmd === 'bash -s'), 'no separate baseline look');
});
