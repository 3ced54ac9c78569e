import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentReport, arpingMacs, authLogLines, keepalivedReport, ndiscMacs, parseHostProbe } from '../../../src/verify/index.js';
import { fixtureText } from './fixtures.js';

test('keepalived data dump: instance state, priority, failing track script (real 2.2.7 output)', () => {
  const r = keepalivedReport(fixtureText('keepalived/master-script-bad.data'), null)!;
  assert.deepEqual(r.instances, [{ name: 'web_51', vrid: 51, state: 'MASTER', effectivePriority: 90, basePriority: 150, authFailures: 0 }]);
  assert.deepEqual(r.scripts, [{ name: 'chk_x', ok: false }]);
});

test('keepalived JSON dump adds the auth counters and never the password', () => {
  const r = keepalivedReport(fixtureText('keepalived/master-script-bad.data'), fixtureText('keepalived/master-auth-failures.json'))!;
  assert.equal(r.instances[0]!.authFailures, 3);
  assert.equal(JSON.stringify(r).includes('auth_data'), false);
  const j = keepalivedReport(null, fixtureText('keepalived/master-auth-failures.json'))!;
  assert.equal(j.instances[0]!.state, 'MASTER');
  assert.equal(keepalivedReport('garbage', 'not json'), null);
});

test('arping output of both flavours', () => {
  const habets = 'ARPING 198.18.0.100\n60 bytes from 02:aa:bb:cc:dd:01 (198.18.0.100): index=0 time=1.1 usec\n60 bytes from 02:AA:BB:CC:DD:02 (198.18.0.100): index=1 time=1.2 usec\n60 bytes from 02:aa:bb:cc:dd:01 (198.18.0.100): index=2 time=1.0 usec\n\n--- 198.18.0.100 statistics ---\n';
  assert.deepEqual(arpingMacs(habets), ['02:aa:bb:cc:dd:01', '02:aa:bb:cc:dd:02']);
  const iputils = 'ARPING 198.18.0.100 from 198.18.0.2 eth0\nUnicast reply from 198.18.0.100 [02:AA:BB:CC:DD:03]  0.740ms\nSent 2 probes (1 broadcast(s))\n';
  assert.deepEqual(arpingMacs(iputils), ['02:aa:bb:cc:dd:03']);
  assert.deepEqual(arpingMacs('Timeout\nTimeout\n'), []);
});

test('auth log lines count only since the speaker last started', () => {
  const lines = [
    'Nov 25 12:00:01 lb1 Keepalived_vrrp[9]: (web_51) received an invalid passwd!',
    'Wed Nov 25 12:57:15 2026: Starting Keepalived v2.2.7 (01/16,2022)',
    'Wed Nov 25 12:57:20 2026: (web_51) received an invalid passwd!',
    'Wed Nov 25 12:57:21 2026: (web_51) Entering MASTER STATE',
  ];
  assert.deepEqual(authLogLines(lines), ['Wed Nov 25 12:57:20 2026: (web_51) received an invalid passwd!']);
  assert.deepEqual(authLogLines(lines.slice(1, 2)), []);
});

test('host probe output: addresses, MACs, daemons in our namespace, speaker, sysctls', () => {
  const out = [
    '@@hafleet:addr@@',
    JSON.stringify([
      { ifname: 'lo', address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
      { ifname: 'eth0', address: '02:AA:00:00:00:11', addr_info: [{ family: 'inet', local: '198.18.0.11', prefixlen: 24, label: 'eth0' }, { family: 'inet', local: '198.18.0.100', prefixlen: 24, label: 'eth0' }] },
    ]),
    '@@hafleet:procs@@', 'keepalived 120', 'keepalived 121', 'nginx 130',
    '@@hafleet:kdata@@', fixtureText('keepalived/master-script-bad.data'),
    '@@hafleet:kjson@@',
    '@@hafleet:klog@@', 'Wed Nov 25 12:57:15 2026: Starting Keepalived v2.2.7', 'x: (web_51) received an invalid passwd!',
    '@@hafleet:sysctl@@', 'net.ipv4.conf.all.arp_ignore 1', 'net.ipv4.conf.all.arp_announce 2',
    '@@hafleet:end@@',
  ].join('\n');
  const p = parseHostProbe(out);
  assert.deepEqual(p.addresses.map((a) => `${a.dev} ${a.address}/${a.prefix}`), ['lo 127.0.0.1/8', 'eth0 198.18.0.11/24', 'eth0 198.18.0.100/24']);
  assert.equal(p.macs.eth0, '02:aa:00:00:00:11');
  assert.deepEqual(p.running, { keepalived: true, nginx: true, 'hafleet-agent': false });
  assert.equal(p.speaker?.instances[0]?.state, 'MASTER');
  assert.equal(p.authLogLines.length, 1);
  assert.equal(p.sysctls['net.ipv4.conf.all.arp_announce'], '2');
});

test('agent status file, array or map form', () => {
  const a = agentReport(JSON.stringify({ instances: [{ name: 'web_51', vrid: 51, state: 'master', priority: 150 }] }))!;
  assert.deepEqual(a.instances, [{ name: 'web_51', vrid: 51, state: 'MASTER', effectivePriority: 150, authFailures: 0 }]);
  const m = agentReport(JSON.stringify({ web_52: { vrid: 52, state: 'Backup' } }))!;
  assert.equal(m.instances[0]!.state, 'BACKUP');
  assert.equal(agentReport('{'), null);
  // The agent's own document (src/vrrp/status.ts): auth drops are counted by reason.
  const doc = { pid: 9, instances: [{ name: 'web_1', vrid: 1, state: 'BACKUP', priority: 100, counters: { advertsReceived: 3, drops: { 'auth-mismatch': 4, 'bad-ttl': 1 } } }] };
  assert.equal(agentReport(JSON.stringify(doc))!.instances[0]!.authFailures, 4);
});

test('ndisc6 answers: -q prints one MAC per answer; the verbose form names it; duplicates once, lower case', () => {
  assert.deepEqual(ndiscMacs('02:AA:BB:CC:DD:01\n02:aa:bb:cc:dd:02\n02:aa:bb:cc:dd:01\n'), ['02:aa:bb:cc:dd:01', '02:aa:bb:cc:dd:02']);
  const verbose = 'Soliciting 2001:2:0:1::100 (2001:2:0:1::100) on eth0...\nTarget link-layer address: 02:AA:BB:CC:DD:03\n from fe80::1\n';
  assert.deepEqual(ndiscMacs(verbose), ['02:aa:bb:cc:dd:03']);
  assert.deepEqual(ndiscMacs('Timed out.\nNo response.\n'), []);
});
