import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { firstElectionShortcut, instancePackets, ipv4Literal, ifname } from '../../../src/apply/first-election.js';
import { SEND_COMMAND, SEND_SCRIPT, sendInput } from '../../../src/apply/first-election-send.js';
import { deploy, exitCodeFor, type DeployEvent } from '../../../src/apply/index.js';
import type { LaneOps } from '../../../src/apply/lane.js';
import { plan, type FactsByHost } from '../../../src/plan/index.js';
import type { DesiredState, HostDesired } from '../../../src/render/types.js';
import type { HostFacts } from '../../../src/facts/types.js';
import type { ExecOptions, ExecOutput, HostRef, Outcome } from '../../../src/transport/types.js';
import type { Topology } from '../../../src/topology/types.js';
import { FakeClock, FakeFleet, ref } from './fake-transport.js';
import type { DirectorLane } from '../../../src/apply/rolling.js';
import type { HostResult } from '../../../src/apply/types.js';
import { decodeVrrp } from '../../../src/vrrp/packet.js';
import type { Cluster, VrrpInstance, VrrpMember } from '../../../src/topology/types.js';
import { electionHastenedLine, plainProgress } from '../../../src/cli/views/deploy-progress.js';

const VIP = '198.18.0.100';

function member(host: string, priority: number, address: string, o: Partial<VrrpMember> = {}): VrrpMember {
  return { host, priority, initialState: priority >= 150 ? 'MASTER' : 'BACKUP', interface: 'eth0', address, unicastPeers: [], engine: 'keepalived', ...o };
}

function instance(o: Partial<VrrpInstance> = {}): VrrpInstance {
  return {
    name: 'web_2', cluster: 'web', vrid: 2, version: 2, advertInt: 1, interface: 'eth0',
    vips: [{ address: VIP, prefix: 24, dev: 'eth0', where: {} }], authPass: 's3cr3t!x',
    preempt: true, preemptDelaySec: 0, unicast: false, garpMasterDelaySec: 5, garpMasterRepeat: 5, garpMasterRefreshSec: 0, smtpAlert: false,
    members: [member('lb1', 150, '198.18.0.11'), member('lb2', 100, '198.18.0.12')], trackScripts: [], where: {},
    ...o,
  };
}

function cluster(instances: VrrpInstance[]): Cluster {
  return { name: 'web', mode: 'nginx', engine: 'keepalived', directors: ['lb1', 'lb2'], realservers: [], instances, services: [], trackScripts: [], where: {} } as unknown as Cluster;
}

function lane(served = false, quietBefore = true): DirectorLane {
  return { cluster: 'web', hosts: ['lb1', 'lb2'], directors: ['lb1', 'lb2'], vips: [VIP], served, quietBefore, ports: [], instances: [], trackWindowMs: 0, scripts: [], speakerCycleMs: 0 };
}

const restarted = (h: string): HostResult => ({ host: h, status: 'changed', changed: ['/etc/keepalived/keepalived.conf'], handlers: ['reload nginx', 'reload keepalived'] });
const both = new Map([['lb1', restarted('lb1')], ['lb2', restarted('lb2')]]);

test('VRRPv2 multicast: priority 0 from the lowest director, its own address, the VIP list, advert_int and the PASS data, a valid checksum', () => {
  const p = instancePackets(instance());
  assert.ok('sender' in p);
  assert.equal(p.sender, 'lb2');
  assert.equal(p.packets.length, 1);
  const k = p.packets[0]!;
  assert.deepEqual({ dev: k.dev, src: k.src, dst: k.dst }, { dev: 'eth0', src: '198.18.0.12', dst: '224.0.0.18' });
  // What keepalived's vrrp_check_packet looks at, read back by the agent's decoder (checksum included).
  const d = decodeVrrp(k.bytes, { src: k.src, dst: k.dst, ttl: 255 }, { authPass: 's3cr3t!x' });
  assert.ok(d.ok, JSON.stringify(d));
  assert.deepEqual(d.advert, { version: 2, vrid: 2, priority: 0, advertIntervalCs: 100, addresses: [VIP] });
  assert.equal(k.bytes[4], 1, 'auth type PASS');
  assert.equal(Buffer.from(k.bytes.subarray(12, 20)).toString(), 's3cr3t!x');
  const wrong = decodeVrrp(k.bytes, { src: k.src, dst: k.dst, ttl: 255 }, { authPass: 'other' });
  assert.ok(!wrong.ok && wrong.reason === 'auth-mismatch');
  // A flipped bit fails the v2 checksum.
  const bad = Uint8Array.from(k.bytes);
  bad[8]! ^= 1;
  assert.ok(!decodeVrrp(bad, { src: k.src, dst: k.dst, ttl: 255 }, { authPass: 's3cr3t!x' }).ok);
});

test('VRRPv3 unicast: one advert per peer from unicast_src_ip, the checksum over each destination, no auth data', () => {
  const inst = instance({
    version: 3, advertInt: 0.5, unicast: true,
    members: [member('lb1', 200, '198.18.0.11', { unicastPeers: ['198.18.0.12', '198.18.0.13'] }), member('lb2', 120, '198.18.0.12'), member('lb3', 90, '198.18.0.13', { unicastSrcIp: '198.18.1.13', unicastPeers: ['198.18.0.11', '198.18.0.12'] })],
  });
  const p = instancePackets(inst);
  assert.ok('sender' in p);
  assert.equal(p.sender, 'lb3');
  assert.deepEqual(p.packets.map((k) => `${k.src}>${k.dst}`), ['198.18.1.13>198.18.0.11', '198.18.1.13>198.18.0.12']);
  for (const k of p.packets) {
    assert.equal(k.bytes.length, 12, 'v3: header and one address, no auth');
    const d = decodeVrrp(k.bytes, { src: k.src, dst: k.dst, ttl: 255 });
    assert.ok(d.ok, JSON.stringify(d));
    assert.deepEqual(d.advert, { version: 3, vrid: 2, priority: 0, advertIntervalCs: 50, addresses: [VIP] });
    // The pseudo-header is in the sum: the same bytes do not check against another destination.
    assert.ok(!decodeVrrp(k.bytes, { src: k.src, dst: '198.18.0.99', ttl: 255 }).ok);
  }
  assert.notDeepEqual(p.packets[0]!.bytes, p.packets[1]!.bytes);
});

test('instances it leaves to their timer, each with why', () => {
  const why = (o: Partial<VrrpInstance>) => {
    const p = instancePackets(instance(o));
    return 'why' in p ? p.why : 'sends';
  };
  assert.match(why({ vips: [{ address: '2001:2::100', prefix: 64, dev: 'eth0', where: {} }] }), /IPv6/);
  assert.match(why({ members: [member('lb1', 150, '198.18.0.11'), member('lb2', 150, '198.18.0.12')] }), /share the top priority 150/);
  assert.match(why({ members: [member('lb1', 255, '198.18.0.11'), member('lb2', 100, '198.18.0.12')] }), /owns the address/);
  assert.match(why({ members: [member('lb1', 150, '198.18.0.11')] }), /fewer than two/);
  assert.match(why({ members: [member('lb1', 150, 'lb1.example.com'), member('lb2', 100, 'lb2.example.com')] }), /not a dotted quad/);
  assert.match(why({ members: [member('lb1', 150, '198.18.0.11'), member('lb2', 100, '198.18.0.12', { interface: 'eth0;reboot' })] }), /not an interface name/);
  assert.match(why({ advertInt: 1.5 }), /does not fit VRRPv2/);
  assert.match(why({ unicast: true }), /unicast peers/);
  assert.match(why({ members: [member('lb1', 150, '198.18.0.11'), member('lb2', 100, '198.18.0.12', { engine: 'bird' as never })] }), /engine bird on lb2/);
  assert.equal(why({ members: [member('lb1', 150, '198.18.0.11', { engine: 'agent' }), member('lb2', 100, '198.18.0.12', { engine: 'agent' })] }), 'sends', "the agent's machine honours priority 0 as keepalived does");
});

test('when: only a cluster that served nothing, every director deployed with its speaker (re)started', () => {
  const c = cluster([instance()]);
  assert.deepEqual(firstElectionShortcut(c, lane(true), both), { take: false, why: 'a VIP was held when the deploy started' });
  // A speaker that ran before may serve a VIP the inventory no longer names (a changed VIP).
  assert.deepEqual(firstElectionShortcut(c, lane(false, false), both), { take: false, why: 'a VRRP speaker ran on a director before the deploy' });
  const ok = firstElectionShortcut(c, lane(), both);
  assert.ok(ok.take);
  assert.deepEqual(ok.senders.map((s) => [s.host, s.instances]), [['lb2', ['web_2']]]);
  const nginxOnly = new Map(both).set('lb2', { host: 'lb2', status: 'changed', changed: ['/etc/nginx/conf.d/x.conf'], handlers: ['reload nginx'] });
  assert.deepEqual(firstElectionShortcut(c, lane(), nginxOnly), { take: false, why: 'director lb2 did not (re)start its VRRP speaker in this deploy' });
  const left = new Map([['lb1', restarted('lb1')]]);
  assert.equal((firstElectionShortcut(c, lane(), left) as { why: string }).why, 'director lb2 did not (re)start its VRRP speaker in this deploy');
  const failed = new Map(both).set('lb1', { host: 'lb1', status: 'failed', step: 'handler', message: 'x', rolledBack: true });
  assert.ok(!firstElectionShortcut(c, lane(), failed).take);
  assert.deepEqual(firstElectionShortcut(undefined, lane(), both), { take: false, why: 'no topology for the cluster' });
  // Two instances with different senders: one exec per sender; an IPv6 one is skipped and said.
  const two = cluster([
    instance(),
    instance({ name: 'web_3', vrid: 3, vips: [{ address: '198.18.0.101', prefix: 24, dev: 'eth0', where: {} }], members: [member('lb1', 100, '198.18.0.11'), member('lb2', 150, '198.18.0.12')] }),
    instance({ name: 'web_4', vrid: 4, vips: [{ address: '2001:2::100', prefix: 64, dev: 'eth0', where: {} }] }),
  ]);
  const r = firstElectionShortcut(two, lane(), both);
  assert.ok(r.take);
  assert.deepEqual(r.senders.map((s) => [s.host, s.instances]), [['lb2', ['web_2']], ['lb1', ['web_3']]]);
  assert.deepEqual(r.skipped, ['web_4: IPv6 (or no) virtual addresses']);
  const none = firstElectionShortcut(cluster([two.instances[2]!]), lane(), both);
  assert.deepEqual(none, { take: false, why: 'web_4: IPv6 (or no) virtual addresses' });
});

test('the type checks every value passes before it reaches the remote sender', () => {
  assert.equal(ipv4Literal('198.18.0.1'), '198.18.0.1');
  for (const bad of ['198.18.0.01', '198.18.0', 'lb1', '198.18.0.1 ', '::1', 7, undefined]) assert.equal(ipv4Literal(bad), undefined, String(bad));
  assert.equal(ifname('eth0.100'), 'eth0.100');
  for (const bad of ['', 'a-very-long-interface', 'eth0 x', "eth0'", 'eth0;id', '..', '$(id)']) assert.equal(ifname(bad), undefined, bad);
});

test('the sender: the script alone on the command line, the packets (auth_pass inside) on stdin, checked again there', () => {
  const p = instancePackets(instance());
  assert.ok('sender' in p);
  const input = sendInput(p.packets);
  assert.match(input, /^eth0 198\.18\.0\.12 224\.0\.0\.18 [0-9a-f]{40}\n$/);
  const secretHex = Buffer.from('s3cr3t!x').toString('hex');
  assert.ok(input.includes(secretHex));
  assert.ok(!SEND_COMMAND.includes(secretHex) && !SEND_COMMAND.includes('s3cr3t'), 'no packet byte in argv');
  assert.throws(() => sendInput([{ ...p.packets[0]!, dev: 'eth0 x' }]), /bug/);
  assert.throws(() => sendInput([{ ...p.packets[0]!, dst: '224.0.0.018' }]), /bug/);
});

test('the perl script compiles, and a line it refuses is not echoed back (it may hold auth_pass)', () => {
  const c = spawnSync('perl', ['-c', '-e', SEND_SCRIPT], { encoding: 'utf8' });
  assert.equal(c.status, 0, c.stderr);
  const secret = `eth0 198.18.0.12 224.0.0.18 ${Buffer.from('s3cr3t!x').toString('hex')} extra`;
  const r = spawnSync('perl', ['-e', SEND_SCRIPT], { input: `${secret}\n`, encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /line 1: not 'dev src dst hex'/);
  assert.ok(!r.stderr.includes('7333') && !r.stdout.includes('7333'), r.stderr);
});

/** The fake fleet, plus the sender: records what each director was asked to send. */
class SendingFleet extends FakeFleet {
  readonly sent: { host: string; at: number; stdin: string }[] = [];
  answer: (host: string, lines: number) => ExecOutput = (_h, n) => ({ code: 0, stdout: `sent ${n}\n`, stderr: '' });
  override async exec(host: HostRef, cmd: string, o: ExecOptions = {}): Promise<Outcome<ExecOutput>> {
    if (cmd !== SEND_COMMAND) return super.exec(host, cmd, o);
    const stdin = String(o.stdin);
    this.sent.push({ host: host.name, at: this.clock.now(), stdin });
    assert.equal(o.privileged, true, 'a raw socket needs root');
    return { ok: true, value: this.answer(host.name, stdin.trim().split('\n').length) };
  }
}

function deployed(holderAtStart: string | null, speakerBefore?: string) {
  const handlers = [{ name: 'reload keepalived', commands: { systemd: 'x', sysv: 'x', direct: 'x' }, order: 10 }];
  const hosts = ['lb1', 'lb2'];
  const desired: DesiredState = new Map(hosts.map((h) => [h, { host: h, roles: ['director'], files: [{ path: '/etc/keepalived/keepalived.conf', content: 'new\n', mode: '0640', owner: 'root', group: 'root', role: 'director', validate: 'keepalived -t -f {path}', notify: ['reload keepalived'], secrets: [] }], handlers, managedPaths: ['/etc/keepalived'] } as HostDesired]));
  const facts: FactsByHost = new Map(hosts.map((h) => [h, { ok: true as const, value: {
    host: h, serviceManager: 'direct', processes: h === speakerBefore ? { keepalived: [42] } : {}, tools: {}, sysctls: {}, lastDeploy: null,
    files: { '/etc/keepalived/keepalived.conf': { path: '/etc/keepalived/keepalived.conf', content: 'old\n', sha256: null, mode: '0640', owner: 'root', group: 'root' } },
    addresses: h === holderAtStart ? [{ dev: 'eth0', address: VIP, prefix: 24, family: 'inet' as const }] : [],
  } as HostFacts }]));
  const p = plan(desired, facts, { id: 'p1', now: new Date(0) });
  const clock = new FakeClock();
  const t = new SendingFleet(clock);
  if (holderAtStart) t.addrs.set(holderAtStart, [VIP]);
  const topology = { clusters: [cluster([instance()])], roles: new Map() } as unknown as Topology;
  const waits: number[] = [];
  const hastened: DeployEvent[] = [];
  const ops: Partial<LaneOps> = {
    lock: async () => ({ ok: true, warnings: [], unlocked: [], release: async () => [] }),
    baseline: async () => new Map([[80, 200]]),
    prove: async () => null,
    rollback: async () => null,
  };
  const run = () => deploy(p, desired, t, { refs: new Map(hosts.map((h) => [h, ref(h)])), ops, facts, topology, clock, onEvent: (e) => { if (e.kind === 'vip-wait') waits.push(clock.now()); if (e.kind === 'election-hastened') hastened.push(e); } });
  return { t, run, waits, hastened };
}

test('a first deploy: once both directors run the new config, lb2 sends priority 0 for lb1, then the wait', async () => {
  const { t, run, waits, hastened } = deployed(null);
  // keepalived on lb1 elects itself after the advert (its Skew_Time), not before.
  const exec = t.exec.bind(t);
  t.exec = async (h, cmd, o) => {
    const r = await exec(h, cmd, o);
    if (cmd === SEND_COMMAND) t.addrs.set('lb1', [VIP]);
    return r;
  };
  const r = await run();
  assert.equal(exitCodeFor(r), 0);
  assert.deepEqual(t.sent.map((s) => s.host), ['lb2']);
  assert.match(t.sent[0]!.stdin, /^eth0 198\.18\.0\.12 224\.0\.0\.18 [0-9a-f]+\n$/);
  const lastDeploy = Math.max(...t.log.filter((l) => l.host.startsWith('lb')).map((l) => l.end));
  assert.ok(t.sent[0]!.at >= lastDeploy, 'after every director deployed');
  assert.ok(waits.length === 1 && waits[0]! >= t.sent[0]!.at, 'before the wait for one holder');
  assert.deepEqual(r.clusters, [], 'no warning');
  assert.deepEqual(hastened, [{ kind: 'election-hastened', cluster: 'web', senders: ['lb2'], instances: ['web_2'] }], 'said once, when it was sent');
});

test('never once a VIP is held: not when the cluster served at the start, nor when the election already happened', async () => {
  const served = deployed('lb1');
  assert.equal(exitCodeFor(await served.run()), 0);
  assert.deepEqual(served.t.sent, []);
  assert.deepEqual(served.hastened, []);
  const elected = deployed(null);
  elected.t.afterDeploy = (h) => h === 'lb1' && elected.t.addrs.set('lb1', [VIP]);
  assert.equal(exitCodeFor(await elected.run()), 0);
  assert.deepEqual(elected.t.sent, []);
});

test('a VIP changed in the inventory: keepalived ran on a director (the old VIP may be served there), so no advert and one director at a time', async () => {
  const { t, run, hastened } = deployed(null, 'lb1');
  // keepalived elects on its own timer: the holder shows its (new) VIP once it is deployed.
  t.afterDeploy = (h) => h === 'lb1' && t.addrs.set('lb1', [VIP]);
  assert.equal(exitCodeFor(await run()), 0);
  assert.deepEqual(t.sent, [], 'no priority-0 advert to a master of the old config');
  assert.deepEqual(hastened, []);
  const scripts = t.log.filter((l) => l.host.startsWith('lb') && /setsid/.test(l.cmd));
  assert.equal(scripts.length, 2);
  assert.ok(scripts[1]!.at >= scripts[0]!.end, `one after the other: ${JSON.stringify(scripts.map((l) => [l.host, l.at, l.end]))}`);
});

test('a send that fails is a warning, and the deploy waits for the speaker as before', async () => {
  const { t, run, hastened } = deployed(null);
  t.answer = () => ({ code: 2, stdout: '', stderr: 'bind to 198.18.0.12: Cannot assign requested address\n' });
  let looks = 0;
  const exec = t.exec.bind(t);
  t.exec = async (h, cmd, o) => {
    // keepalived's own Master_Down_Interval: lb1 elects itself a few looks later.
    if (cmd === 'ip -j addr show' && h.name === 'lb1' && t.sent.length && ++looks === 5) t.addrs.set('lb1', [VIP]);
    return exec(h, cmd, o);
  };
  const r = await run();
  assert.equal(exitCodeFor(r), 0);
  assert.equal(r.clusters[0]!.outcome, 'deployed');
  assert.deepEqual(hastened, [], 'nothing sent: not said to be hastened');
  assert.deepEqual(r.clusters[0]!.warnings, ["first election not hastened, waited for the speaker's own timer instead: priority-0 advert from lb2 (web_2): perl on lb2 exited 2: bind to 198.18.0.12: Cannot assign requested address"]);
});

test('a holder whose speaker was still starting missed the advert: sent once more a Skew_Time later, never a third time', async () => {
  const { t, run } = deployed(null);
  let looks = 0;
  const exec = t.exec.bind(t);
  t.exec = async (h, cmd, o) => {
    // Neither advert lands (say both came too early); keepalived's own timer elects lb1 later.
    if (cmd === 'ip -j addr show' && h.name === 'lb1' && t.sent.length === 2 && ++looks === 10) t.addrs.set('lb1', [VIP]);
    return exec(h, cmd, o);
  };
  const r = await run();
  assert.equal(exitCodeFor(r), 0);
  assert.deepEqual(r.clusters, []);
  assert.deepEqual(t.sent.map((s) => s.host), ['lb2', 'lb2']);
  // lb1's Skew_Time at priority 150 in v2: (256 − 150)/256 s ≈ 414 ms, then one poll's margin.
  assert.ok(t.sent[1]!.at - t.sent[0]!.at >= 414 + 300, `${t.sent[1]!.at - t.sent[0]!.at} ms`);
  assert.equal(t.sent[0]!.stdin, t.sent[1]!.stdin);
});

test('the plain progress prints the hastened election as one line', () => {
  const lines: string[] = [];
  plainProgress((l) => lines.push(l)).onEvent({ kind: 'election-hastened', cluster: 'web', senders: ['lb2'], instances: ['web_2'] });
  assert.deepEqual(lines, ['cluster web: first election hastened: priority-0 advert from lb2 (web_2)']);
  assert.equal(electionHastenedLine({ kind: 'election-hastened', cluster: 'db', senders: ['lb2', 'lb3'], instances: ['db_1', 'db_2'] }), 'cluster db: first election hastened: priority-0 adverts from lb2, lb3 (db_1, db_2)');
});

test('after the advert the wait looks when the holder is due (its Skew_Time), not before, and ends without sleeping out the second send', async () => {
  const { t, run, waits } = deployed(null);
  const looks: number[] = [];
  const exec = t.exec.bind(t);
  t.exec = async (h, cmd, o) => {
    const sent = t.sent[0]?.at;
    if (cmd === 'ip -j addr show' && h.name === 'lb1' && sent !== undefined) {
      looks.push(t.clock.now() - sent);
      // keepalived on lb1: MASTER a Skew_Time after the priority-0 advert, (256 − 150)/256 s.
      if (t.clock.now() - sent >= 414) t.addrs.set('lb1', [VIP]);
    }
    return exec(h, cmd, o);
  };
  const r = await run();
  assert.equal(exitCodeFor(r), 0);
  assert.deepEqual(t.sent.map((s) => s.host), ['lb2'], 'elected: no second send');
  assert.equal(waits.length, 1);
  // The first look at Skew_Time + 15 ms sees lb1; the second, a poll (100 ms) later, confirms.
  assert.deepEqual(looks.map(Math.round), [429, 529]);
  // The second send's wait (Skew_Time + 300 ms) ended with the settle instead of being slept out.
  assert.ok(t.clock.now() - t.sent[0]!.at < 414 + 300, `${t.clock.now() - t.sent[0]!.at} ms`);
});
