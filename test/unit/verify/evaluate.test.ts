import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, verifyReport, type Finding, type FindingKind, type Observations } from '../../../src/verify/index.js';
import { healthy, host, topology2x2 } from './fixtures.js';

const vip = { dev: 'eth0', address: '198.18.0.100', prefix: 24, family: 'inet' as const };

function run(o: Observations, t = topology2x2()): Finding[] {
  return evaluate(t, o);
}
function failures(fs: Finding[]): Finding[] {
  return fs.filter((f) => !f.ok);
}
function only(fs: Finding[], kind: FindingKind): Finding {
  const hit = fs.filter((f) => f.kind === kind);
  assert.equal(hit.length, 1, `one ${kind} finding, got ${JSON.stringify(fs.map((f) => f.kind))}`);
  return hit[0]!;
}

test('healthy 2+2: every assertion holds, the holder and the spread are named', () => {
  const fs = run(healthy());
  assert.deepEqual(failures(fs), []);
  const v = only(fs, 'vip-ok');
  assert.deepEqual(v.holders, ['lb1']);
  assert.equal(v.state, 'MASTER');
  assert.equal(only(fs, 'arp-ok').ok, true);
  assert.deepEqual(only(fs, 'traffic').distribution, { web1: 4, web2: 4 });
  assert.equal(verifyReport(fs).ok, true);
});

test('split brain: the backup holds the VIP too', () => {
  const o = healthy();
  host(o, 'lb2').addresses.push(vip);
  const fs = run(o);
  const f = only(fs, 'split-brain');
  assert.deepEqual(f.holders, ['lb1', 'lb2']);
  assert.match(f.hint!, /VRID 51/);
  assert.equal(fs.some((x) => x.kind === 'vip-ok'), false);
  assert.equal(only(fs, 'state-address-disagree').host, 'lb2');
  assert.equal(verifyReport(fs).ok, false);
});

test('orphan: nobody holds the VIP, the states say why', () => {
  const o = healthy();
  host(o, 'lb1').addresses = host(o, 'lb1').addresses.filter((a) => a.address !== vip.address);
  host(o, 'lb2').speaker!.instances[0]!.state = 'FAULT';
  const fs = run(o);
  assert.match(only(fs, 'orphan').message, /lb1 MASTER, lb2 FAULT/);
  assert.match(only(fs, 'state-address-disagree').message, /lb1 says MASTER .* lacks 198\.18\.0\.100/);
});

test('wrong interface and wrong prefix are named with the expected values', () => {
  const o = healthy();
  const a = host(o, 'lb1').addresses.find((x) => x.address === vip.address)!;
  a.dev = 'eth1';
  a.prefix = 32;
  const fs = run(o);
  assert.match(only(fs, 'wrong-interface').message, /on lb1 eth1, expected eth0/);
  assert.match(only(fs, 'wrong-prefix').message, /\/32 on lb1, expected \/24/);
});

test('stale VIP: keepalived -9 left the address on the old master while the backup took over', () => {
  const o = healthy();
  const lb1 = host(o, 'lb1');
  lb1.running.keepalived = false;
  lb1.speaker = null;
  host(o, 'lb2').addresses.push(vip);
  host(o, 'lb2').speaker!.instances[0]!.state = 'MASTER';
  const fs = run(o);
  const f = only(fs, 'stale-vip');
  assert.equal(f.host, 'lb1');
  assert.match(f.message, /two hosts answer/);
  assert.match(f.hint!, /ip addr del 198\.18\.0\.100\/24 dev eth0/);
  assert.equal(fs.some((x) => x.kind === 'split-brain'), false, 'a dead speaker is stale, not a split brain');
  assert.equal(only(fs, 'daemon-down').host, 'lb1');
});

test('auth mismatch: both MASTER, one logs an invalid password', () => {
  const o = healthy();
  host(o, 'lb2').addresses.push(vip);
  host(o, 'lb2').speaker!.instances[0]!.state = 'MASTER';
  host(o, 'lb2').authLogLines = ['Wed Nov 25 12:57:19 2026: (web_51) received an invalid passwd!'];
  const fs = run(o);
  const f = only(fs, 'auth-mismatch');
  assert.match(f.message, /lb1 and lb2 are both MASTER/);
  assert.match(f.message, /invalid passwd/);
  assert.equal(fs.some((x) => x.kind === 'split-brain'), false);
});

test('an agent\'s auth line names the sender: verify says which director sends the wrong password', () => {
  const o = healthy();
  const lb1 = topology2x2().clusters[0]!.instances[0]!.members.find((m) => m.host === 'lb1')!.address;
  host(o, 'lb2').addresses.push(vip);
  host(o, 'lb2').speaker!.instances[0]!.state = 'MASTER';
  host(o, 'lb2').authLogLines = [`2026-12-04T15:00:00Z info (web_51) received an invalid passwd! src=${lb1}`];
  const f = only(run(o), 'auth-mismatch');
  assert.match(f.message, new RegExp(`lb2 logs authentication mismatch from lb1 \\(${lb1.replace(/\./g, '\\.')}\\)`));
});

test('auth mismatch from keepalived counters alone, and a warning when only the backup drops adverts', () => {
  const o = healthy();
  host(o, 'lb2').addresses.push(vip);
  host(o, 'lb2').speaker!.instances[0]!.state = 'MASTER';
  host(o, 'lb1').speaker!.instances[0]!.authFailures = 7;
  assert.match(only(run(o), 'auth-mismatch').message, /lb1 dropped 7 advert/);

  const w = healthy();
  host(w, 'lb2').speaker!.instances[0]!.authFailures = 2;
  const f = only(run(w), 'auth-mismatch');
  assert.equal(f.severity, 'warning');
  assert.equal(f.host, 'lb2');
});

test('state and address disagree: the backup says MASTER without the VIP', () => {
  const o = healthy();
  host(o, 'lb2').speaker!.instances[0]!.state = 'MASTER';
  const f = only(run(o), 'state-address-disagree');
  assert.equal(f.host, 'lb2');
  assert.equal(f.state, 'MASTER');
});

test('daemon down: nginx stopped on a director', () => {
  const o = healthy();
  host(o, 'lb2').running.nginx = false;
  const f = only(run(o), 'daemon-down');
  assert.match(f.message, /nginx is not running on director lb2/);
});

test('drift: a changed file shows its diff; a host never deployed is a warning', () => {
  const o = healthy();
  host(o, 'lb1').files[0] = { path: '/etc/keepalived/keepalived.conf', liveSha256: 'zzz', diff: '-priority 150\n+priority 200\n' };
  host(o, 'web1').lastDeploy = null;
  const fs = run(o);
  const drift = fs.filter((f) => f.kind === 'drift');
  assert.equal(drift.length, 2);
  const changed = drift.find((f) => f.host === 'lb1')!;
  assert.equal(changed.severity, 'error');
  assert.match(changed.diff!, /\+priority 200/);
  assert.equal(drift.find((f) => f.host === 'web1')!.severity, 'warning');
});

test('drift: a host the inventory renders nothing for needs no deploy record', () => {
  const o = healthy();
  host(o, 'web1').lastDeploy = null;
  host(o, 'web1').wantedFiles = 0;
  assert.equal(run(o).filter((f) => f.kind === 'drift').length, 0);
});

test('track script failing is named with its host', () => {
  const o = healthy();
  host(o, 'lb1').speaker!.scripts = [{ name: 'chk_nginx', ok: false }];
  const f = only(run(o), 'track-failing');
  assert.equal(f.host, 'lb1');
  assert.match(f.message, /chk_nginx/);
});

test('lvs-dr realservers: VIP on lo as /32 and live ARP sysctls', () => {
  const t = topology2x2();
  t.clusters[0]!.mode = 'lvs-dr';
  const o = healthy();
  host(o, 'web1').addresses.push({ dev: 'lo', address: vip.address, prefix: 32, family: 'inet' });
  host(o, 'web1').sysctls = { 'net.ipv4.conf.all.arp_ignore': '1', 'net.ipv4.conf.all.arp_announce': '2' };
  host(o, 'web2').addresses.push({ dev: 'lo', address: vip.address, prefix: 24, family: 'inet' });
  host(o, 'web2').sysctls = { 'net.ipv4.conf.all.arp_ignore': '0', 'net.ipv4.conf.all.arp_announce': '2' };
  const fs = run(o, t);
  assert.match(only(fs, 'realserver-vip-missing').message, /web2 lo as \/24, expected \/32/);
  const s = only(fs, 'arp-sysctl');
  assert.equal(s.host, 'web2');
  assert.match(s.message, /arp_ignore is 0/);
  assert.equal(fs.some((f) => f.kind === 'daemon-down'), false, 'lvs modes need no nginx on directors');
});

test('ARP answered by a realserver, and by the wrong director', () => {
  const o = healthy();
  o.arp[0]!.macs = ['02:00:00:00:00:11', '02:00:00:00:00:21'];
  assert.match(only(run(o), 'arp-answered-by-realserver').message, /realserver web1/);
  const w = healthy();
  w.arp[0]!.macs = ['02:00:00:00:00:12'];
  assert.match(only(run(w), 'arp-wrong-holder').message, /answered by lb2, expected lb1/);
});

test('traffic: a healthy realserver that gets nothing, and failed requests', () => {
  const o = healthy();
  o.http[0] = { vip: '198.18.0.100', port: 80, sent: 8, servedBy: { web1: 6 }, statuses: { '200': 6 }, failed: 2, firstError: 'timeout after 2000 ms' };
  const f = only(run(o), 'traffic');
  assert.equal(f.ok, false);
  assert.match(f.message, /2 of 8 requests failed \(first: timeout/);
  assert.match(f.message, /healthy web2 got none of 8/);
});

test('error page: every realserver down and the VIP answers 503', () => {
  const o = healthy();
  o.backends = o.backends.map((b) => ({ ...b, status: null, error: 'connect ECONNREFUSED' }));
  o.http[0] = { vip: '198.18.0.100', port: 80, sent: 8, servedBy: { '?': 8 }, statuses: { '503': 8 }, failed: 0 };
  const fs = run(o);
  assert.equal(only(fs, 'error-page').ok, true);
  assert.equal(fs.filter((f) => f.kind === 'backend-down').length, 2);
  o.http[0] = { vip: '198.18.0.100', port: 80, sent: 8, servedBy: {}, statuses: {}, failed: 8, firstError: 'ECONNREFUSED' };
  assert.equal(only(run(o), 'error-page').ok, false);
});

test('an unreachable host is a finding; the other hosts are still judged', () => {
  const o = healthy();
  o.hosts.lb2 = { host: 'lb2', reachable: false, message: 'connect ETIMEDOUT 198.18.0.12:22' };
  const fs = run(o);
  assert.match(only(fs, 'host-unreachable').message, /ETIMEDOUT/);
  assert.deepEqual(only(fs, 'vip-ok').holders, ['lb1']);
});

test('--limit: a director left out is not judged, and no orphan is claimed without it', () => {
  const o = healthy();
  delete o.hosts.lb1;
  const fs = run(o);
  assert.deepEqual(failures(fs), []);
  assert.equal(fs.some((f) => f.kind === 'vip-ok'), false, 'the holder was not observed');
});

test('one director holding the VIP twice is named', () => {
  const o = healthy();
  host(o, 'lb1').addresses.push({ dev: 'eth1', address: '198.18.0.100', prefix: 24, family: 'inet' });
  const fs = run(o);
  assert.match(only(fs, 'duplicate-vip').message, /lb1 holds 198\.18\.0\.100 2 times \(eth0, eth1\)/);
  assert.equal(fs.some((f) => f.kind === 'vip-ok'), false);
});

test('maintenance: a drained realserver getting no traffic, or down, is not a fault; the host is listed', () => {
  const o = healthy();
  host(o, 'web2').maintenance = true;
  o.http[0] = { vip: '198.18.0.100', port: 80, sent: 8, servedBy: { web1: 8 }, statuses: { '200': 8 }, failed: 0 };
  const b = o.backends.find((x) => x.host === 'web2')!;
  b.status = null; b.error = 'connection refused';
  const fs = run(o);
  assert.equal(only(fs, 'traffic').ok, true, JSON.stringify(only(fs, 'traffic')));
  const down = only(fs, 'backend-down');
  assert.equal(down.severity, 'warning');
  assert.match(down.message, /in maintenance/);
  assert.match(only(fs, 'maintenance').message, /web2 is in maintenance/);
  assert.equal(verifyReport(fs).ok, true);
  // The same without the flag: web2 is missed.
  host(o, 'web2').maintenance = false;
  assert.equal(verifyReport(run(o)).ok, false);
});

test('maintenance: a director in maintenance with its speaker stopped is a warning, not a failure', () => {
  const o = healthy();
  host(o, 'lb2').maintenance = true;
  host(o, 'lb2').running.nginx = false;
  const fs = run(o);
  const f = only(fs, 'daemon-down');
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /\(in maintenance\)/);
  assert.equal(verifyReport(fs).ok, true);
});
