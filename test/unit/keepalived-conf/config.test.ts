import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, nodeFiles, parseConfig } from '../../../src/keepalived-conf/config.js';
import { lintConfig, killsKeepalived } from '../../../src/keepalived-conf/config-lint.js';
import type { ConfFiles } from '../../../src/keepalived-conf/conf-lexer.js';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/vrrp/configs');
const f = (name: string) => path.join(dir, name);
const codes = (ds: { code: string; where: { line?: number } }[]) => ds.map((d) => `${d.code}@${d.where.line}`);

function memFiles(map: Record<string, string>): ConfFiles {
  return {
    read: (p) => map[p],
    list: (d) => [...new Set(Object.keys(map).filter((k) => path.dirname(k) === d).map((k) => path.basename(k)))],
  };
}

test('tutorial config: tabs, ! comments, # after a value, auth PASS, labels', () => {
  const r = loadConfig(f('tutorial-master.conf'));
  assert.ok(r.config, r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.deepEqual(r.diagnostics, []);
  const i = r.config.instances[0]!;
  assert.equal(i.name, 'VI_1');
  assert.equal(i.initialState, 'MASTER');
  assert.equal(i.interface, 'eth0');
  assert.equal(i.vrid, 51);
  assert.equal(i.priority, 101);
  assert.equal(i.advertIntervalCs, 100);
  assert.equal(i.version, 2);
  assert.equal(i.authPass, '1111');
  assert.deepEqual(i.vips.map((v) => [v.address, v.prefix, v.dev, v.label]), [['198.18.0.100', 24, 'eth0', 'eth0:1'], ['198.18.0.101', 32, undefined, undefined]]);
  assert.deepEqual(i.vips[0]!.where, { file: f('tutorial-master.conf'), line: 35, col: 3 });
  const s = r.config.scripts[0]!;
  assert.deepEqual([s.name, s.script, s.intervalSec, s.timeoutSec, s.weight, s.fall, s.rise], ['chk_nginx', 'killall -0 nginx', 2, 2, -20, 2, 1]);
  assert.equal(r.config.global.routerId, 'LVS_DEVEL');
  // The mail settings are noted, not errors.
  assert.ok(r.notes.some((n) => /notification_email/.test(n.message)));
});

test('unicast + nopreempt runbook style: peers, track weights, quoted notify, garp options', () => {
  const r = loadConfig(f('unicast-nopreempt.conf'));
  assert.ok(r.config, r.diagnostics.map(formatDiagnostic).join('\n'));
  const i = r.config.instances[0]!;
  assert.equal(i.preempt, false);
  // keepalived 2.2.7: "preempt_delay is incompatible with nopreempt mode - resetting" (a config error it runs through).
  assert.equal(i.preemptDelaySec, 0);
  assert.ok(r.diagnostics.some((d) => d.code === 'conf-preempt-delay' && d.severity === 'error' && /incompatible with nopreempt/.test(d.message)));
  assert.equal(i.unicastSrcIp, '198.18.1.12');
  assert.deepEqual(i.unicastPeers, ['198.18.1.11', '198.18.1.13']);
  assert.deepEqual(i.trackScripts.map((t) => [t.name, t.weight]), [['check_haproxy', -30]]);
  assert.deepEqual(i.trackInterfaces.map((t) => [t.name, t.weight]), [['ens192', undefined], ['ens224', -10]]);
  assert.equal(i.notify.master?.cmd, '/etc/keepalived/notify.sh MASTER VIP_WEB');
  assert.equal(i.notify.master?.user, undefined, 'a quoted command with arguments: no user');
  assert.equal(i.notify.fault?.cmd, '/etc/keepalived/notify.sh FAULT VIP_WEB');
  assert.deepEqual([i.garpMasterDelaySec, i.garpMasterRepeat, i.garpMasterRefreshSec], [1, 5, 60]);
  assert.deepEqual(r.config.scripts[0]!.user, 'nobody');
  assert.equal(r.config.global.scriptUser, 'keepalived_script');
  assert.equal(r.config.global.enableScriptSecurity, true);
  assert.deepEqual(r.notes.map((n) => n.where.line), [35, 35, 49], 'brd, scope and smtp_alert noted');
});

test('sync group, VRRPv3 from global_defs, include with a relative glob, Allman braces, virtual_server skipped', () => {
  const r = loadConfig(f('sync-group-v3.conf'));
  assert.ok(r.config, r.diagnostics.map(formatDiagnostic).join('\n'));
  const c = r.config;
  assert.deepEqual(c.instances.map((i) => [i.name, i.version, i.advertIntervalCs, i.vrid, i.garpMasterRepeat, i.garpMasterDelaySec]), [
    ['INT', 3, 50, 11, 2, 2],
    ['EXT', 3, 50, 10, 3, 2],
  ]);
  assert.deepEqual(c.instances[1]!.vipsExcluded.map((v) => v.address), ['198.18.2.2']);
  assert.deepEqual(c.syncGroups, [{ name: 'G1', members: ['EXT', 'INT'], trackingWeight: false, notify: { any: { cmd: '/usr/local/bin/keepalived-notify.sh', where: { file: f('sync-group-v3.conf'), line: 16, col: 2 } } }, where: { file: f('sync-group-v3.conf'), line: 11, col: 1 } }]);
  assert.deepEqual(c.scripts.map((s) => [s.name, s.weight, s.where.file]), [['chk_gw', 0, path.join(dir, 'conf.d/scripts.conf')]]);
  assert.deepEqual(c.files.map((x) => path.relative(dir, x)), ['sync-group-v3.conf', 'conf.d/int.conf', 'conf.d/scripts.conf']);
  assert.deepEqual(r.notes.map((n) => [n.where.line, n.message]), [[37, 'virtual_server skipped: the agent runs VRRP only']]);
});

test('both routers say state MASTER (common in tutorials): accepted, same model', () => {
  const r = loadConfig(f('tutorial-both-master.conf'));
  assert.ok(r.config);
  assert.equal(r.config.instances[0]!.initialState, 'MASTER');
  assert.equal(r.config.instances[0]!.priority, 100);
});

test('broken config: every error with file:line, none stops the others, the password is never echoed', () => {
  const r = loadConfig(f('broken.conf'));
  assert.equal(r.config, undefined);
  assert.deepEqual(codes(r.diagnostics).sort(), [
    'conf-brace@15', 'conf-missing@1', 'conf-missing@1', 'conf-unknown-keyword@13', 'conf-no-vip@1',
    'conf-value@11', 'conf-state@2', 'conf-vrid@3', 'conf-advert-int@5', 'conf-value@7',
  ].sort());
  const text = r.diagnostics.map(formatDiagnostic).join('\n');
  assert.match(text, /broken\.conf:3:5: \(VI_1\): VRID '300' not valid - must be between 1 & 255/);
  assert.match(text, /broken\.conf:2:5: \(VI_1\) unknown state 'MASTR', defaulting to BACKUP/);
  assert.match(text, /broken\.conf:15:1: 'vrrp_instance' block is never closed/);
  assert.doesNotMatch(text, /hunter2/);
});

test('include: relative to the including file, nested, missing match is a warning, self-include is bounded', () => {
  const files = memFiles({
    '/etc/keepalived/keepalived.conf': 'include conf.d/*.conf\ninclude nothing/*.conf\n',
    '/etc/keepalived/conf.d/a.conf': 'include ../sub/b.inc\n',
    '/etc/keepalived/sub/b.inc': 'vrrp_instance X {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n 198.18.9.1\n }\n}\n',
    '/etc/keepalived/conf.d/.hidden.conf': 'garbage {',
  });
  const r = parseConfig('/etc/keepalived/keepalived.conf', files);
  assert.ok(r.config, r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.deepEqual(r.config.instances[0]!.where, { file: '/etc/keepalived/sub/b.inc', line: 1, col: 1 });
  assert.deepEqual(codes(r.diagnostics), ['conf-include-empty@2']);
  const loop = parseConfig('/a.conf', memFiles({ '/a.conf': 'include a.conf\n' }));
  assert.ok(loop.diagnostics.some((d) => d.code === 'conf-include' && /deeper/.test(d.message)));
});

test('cross checks: duplicate VRID on an interface, unknown track_script, one-line blocks, v3 ignores auth', () => {
  const conf = [
    'vrrp_instance A { interface eth0', ' virtual_router_id 5', ' virtual_ipaddress { 198.18.0.1 }', ' track_script { nope }', '}',
    'vrrp_instance B {', ' interface eth0', ' virtual_router_id 5', ' virtual_ipaddress {', '  198.18.0.2', ' }', '}',
    'vrrp_instance C {', ' interface eth0', ' version 3', ' virtual_router_id 6', ' authentication {', '  auth_type PASS', '  auth_pass x', ' }', ' virtual_ipaddress {', '  198.18.0.3', ' }', '}',
  ].join('\n');
  const r = parseConfig('/k.conf', memFiles({ '/k.conf': conf }));
  assert.deepEqual(codes(r.diagnostics).sort(), ['conf-unknown-script@4', 'conf-v3-auth@18', 'conf-vrid-unique@6'].sort());
});

test('a file with no vrrp_instance is an error for the agent', () => {
  const r = parseConfig('/k.conf', memFiles({ '/k.conf': 'global_defs {\n router_id x\n}\nvirtual_server 198.18.0.1 80 {\n}\n' }));
  assert.deepEqual(codes(r.diagnostics), ['conf-no-instance@undefined']);
});

test('scripts that kill keepalived by name are found, in the config and in the script file it runs', () => {
  const r = loadConfig(f('killall.conf'));
  assert.ok(r.config);
  const ws = lintConfig(r.config, nodeFiles);
  assert.deepEqual(ws.map((w) => w.message), [
    "vrrp_script chk_nginx fails over by killing keepalived by name ('systemctl stop keepalived')",
    "vrrp_script chk_file fails over by killing keepalived by name ('killall keepalived')",
    "vrrp_instance VI_1 notify_fault fails over by killing keepalived by name ('pkill keepalived')",
  ]);
  assert.match(ws[0]!.hint!, /weight/);
  assert.deepEqual(lintConfig(loadConfig(f('tutorial-master.conf')).config!, nodeFiles), [], "killall -0 nginx is fine");
  assert.equal(killsKeepalived('killall -0 keepalived'), undefined, 'signal 0 only checks');
  assert.equal(killsKeepalived('pkill keepalived-exporter'), undefined);
  assert.equal(killsKeepalived('killall -9 keepalived'), 'killall -9 keepalived');
  assert.equal(killsKeepalived('pidof nginx || service keepalived stop'), 'service keepalived stop');
  assert.equal(killsKeepalived('systemctl restart nginx'), undefined);
});

test('sync group members: tracking weights become 0 (FAULT) as in keepalived, unless sync_group_tracking_weight', () => {
  const conf = (extra: string) => [
    'vrrp_script chk {', ' script "/bin/true"', ' weight -50', '}',
    'vrrp_sync_group G {', ' group {', '  A', ' }', extra, '}',
    'vrrp_instance A {', ' interface eth0', ' virtual_router_id 5', ' virtual_ipaddress {', '  198.18.0.1', ' }', ' track_script {', '  chk', ' }', '}',
  ].join('\n');
  const r = parseConfig('/k.conf', memFiles({ '/k.conf': conf('') }));
  assert.deepEqual(codes(r.diagnostics), ['conf-sync-weight@18']);
  assert.equal(r.config!.instances[0]!.trackScripts[0]!.weight, 0);
  const kept = parseConfig('/k.conf', memFiles({ '/k.conf': conf(' sync_group_tracking_weight') }));
  assert.deepEqual(kept.diagnostics, []);
  assert.equal(kept.config!.instances[0]!.trackScripts[0]!.weight, undefined, 'the script\'s own -50 applies');
});

test('dual stack: one instance per family, IPv6 is VRRPv3 whatever vrrp_version says, addresses canonical', () => {
  const r = loadConfig(f('dual-stack.conf'));
  assert.ok(r.config, r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.deepEqual(r.diagnostics, []);
  const [v4, v6, v6u] = r.config.instances;
  assert.deepEqual([v4!.family, v4!.version, v4!.authPass], [4, 2, 's3cret']);
  assert.deepEqual([v6!.family, v6!.version, v6!.vrid], [6, 3, 51]);
  assert.deepEqual(v6!.vips.map((v) => [v.address, v.prefix, v.dev]), [['fe80::51:1', 64, undefined], ['2001:db8::100', 64, 'eth0']]);
  assert.deepEqual(v6!.vipsExcluded.map((v) => [v.address, v.prefix]), [['198.18.0.200', 32]], 'excluded VIPs may be of the other family');
  assert.deepEqual([v6u!.family, v6u!.version, v6u!.unicastSrcIp, v6u!.unicastPeers], [6, 3, '2001:db8:1::11', ['2001:db8:1::12', '2001:db8:1::13']]);
  assert.deepEqual(v6u!.vips.map((v) => [v.address, v.prefix]), [['2001:db8:1::100', 128]], 'an IPv6 VIP without a prefix is a /128');
});

test('IPv6 mistakes: mixed families, VRRPv2, zones, prefixes — each with its line and a hint', () => {
  const conf = [
    'vrrp_instance MIX {',        // 1
    '  interface eth0',           // 2
    '  virtual_router_id 1',      // 3
    '  virtual_ipaddress {',      // 4
    '    198.18.0.100',           // 5
    '    2001:db8::100',          // 6
    '  }',                        // 7
    '  native_ipv6',              // 8
    '}',                          // 9
    'vrrp_instance V2 {',         // 10
    '  interface eth0',           // 11
    '  virtual_router_id 2',      // 12
    '  version 2',                // 13
    '  virtual_ipaddress {',      // 14
    '    2001:db8::100/129',      // 15
    '    2001:db8::101/64 label eth0:x', // 16
    '  }',                        // 17
    '  unicast_peer {',           // 18
    '    fe80::2%eth0',           // 19
    '    198.18.0.12',            // 20
    '  }',                        // 21
    '}',                          // 22
  ].join('\n');
  const r = parseConfig('/etc/keepalived/keepalived.conf', memFiles({ '/etc/keepalived/keepalived.conf': conf }));
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  const at = (line: number) => errs.filter((d) => d.where.line === line).map((d) => d.message + ' | ' + (d.hint ?? '')).join('\n');
  assert.match(at(6), /VIP 2001:db8::100 is IPv6 but vrrp_instance MIX is IPv4.*\| one instance speaks one IP version/);
  assert.match(at(8), /already has IPv4 addresses/);
  assert.match(at(13), /VRRPv2 is IPv4 only.*\| use `version 3`/);
  assert.match(at(15), /Invalid address prefix len 129 for address 2001:db8::100\/129 - using 128/);
  assert.match(at(19), /malformed unicast peer address\[fe80::2%eth0\]. Skipping.*\| leave out the %zone/);
  assert.match(at(20), /unicast_peer 198.18.0.12 is IPv4 but vrrp_instance V2 is IPv6/);
  assert.equal(errs.length, 6, errs.map(formatDiagnostic).join('\n'));
  assert.ok(r.notes.some((n) => n.where.line === 16 && /labels are IPv4 only/.test(n.message)));
  assert.ok(r.notes.some((n) => n.where.line === 15 && /link-local first IPv6 VIP/.test(n.message)), 'the first VIP (kept as /128, as keepalived does) is not link-local');
});

test('vrrp_track_process and track_file as keepalived 2.x writes them: parsed, referenced with weight overrides and reverse', () => {
  const r = loadConfig(f('track-process-file.conf'));
  assert.ok(r.config, r.diagnostics.map(formatDiagnostic).join('\n'));
  const [nginx, haproxy] = r.config.processes;
  assert.deepEqual([nginx!.process, nginx!.fullCommand, nginx!.weight, nginx!.quorum, nginx!.forkDelaySec, nginx!.terminateDelaySec], ['nginx', false, -50, 1, 0.5, 0.5]);
  assert.deepEqual([haproxy!.process, haproxy!.params, haproxy!.paramMatch, haproxy!.fullCommand, haproxy!.weight, haproxy!.quorumMax],
    ['/usr/sbin/haproxy', ['-Ws', '-f', '/etc/haproxy/haproxy.cfg'], 'partial', true, 0, 8]);
  const [maint, legacy] = r.config.trackFiles;
  assert.deepEqual([maint!.file, maint!.weight, maint!.init], ['/var/run/keepalived/maintenance', -1, { value: 0, overwrite: false }]);
  assert.deepEqual([legacy!.file, legacy!.weight], ['/var/run/keepalived/legacy', 1], 'track_file weight defaults to 1');
  const i = r.config.instances[0]!;
  assert.deepEqual(i.trackProcesses.map((t) => [t.name, t.weight, t.reverse]), [['track_nginx', undefined, undefined], ['track_haproxy_master', 10, true]]);
  assert.deepEqual(i.trackFiles.map((t) => [t.name, t.weight]), [['maintenance', -100], ['legacy_weight', undefined], ['no_such_file', undefined]]);
  assert.deepEqual(codes(r.diagnostics), ['conf-unknown-script@42'], 'the undefined track_file is a warning');
  assert.ok(r.notes.some((n) => /vrrp_track_file is a deprecated name/.test(n.message)));
});

test('multicast groups: vrrp_mcast_group4/6 globally, mcast_dst_ip per instance; anything not multicast is an error', () => {
  const inst = (name: string, vrid: number, vip: string, extra = '') => `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id ${vrid}\n${extra}  virtual_ipaddress {\n    ${vip}\n  }\n}\n`;
  const instances = inst('A', 1, '198.18.0.100') + inst('B', 2, '198.18.0.101', '  mcast_dst_ip 224.0.0.45\n') + inst('C', 3, '2001:2::100');
  const globals = (g4: string, g6: string) => `global_defs {\n  vrrp_mcast_group4 ${g4}\n  vrrp_mcast_group6 ${g6}\n}\n`;
  const r = parseConfig('/k.conf', memFiles({ '/k.conf': globals('224.0.0.44', 'ff02::44') + instances }));
  assert.ok(r.config, r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.deepEqual(r.config.instances.map((i) => i.mcastGroup), ['224.0.0.44', '224.0.0.45', 'ff02::44']);
  const defaults = parseConfig('/k.conf', memFiles({ '/k.conf': instances }));
  assert.deepEqual(defaults.config!.instances.map((i) => i.mcastGroup), ['224.0.0.18', '224.0.0.45', 'ff02::12']);
  // Line 2: not multicast; line 3: not link-local scope; line 15: B's mcast_dst_ip is no group, and
  // (as in keepalived) its address made B IPv6, so B's IPv4 VIP (line 17) is refused and B has none.
  const bad = parseConfig('/k.conf', memFiles({ '/k.conf': globals('198.18.0.1', 'ff05::12') + instances.replace('224.0.0.45', '2001:2::1') }));
  assert.deepEqual(codes(bad.diagnostics.filter((d) => d.severity === 'error')), ['conf-mcast@2', 'conf-mcast@3', 'conf-value@15', 'conf-value@17', 'conf-missing@12']);
});

test('use_vmac: default name vrrp.VRID or the given one; unicast implies vmac_xmit_base; IPv6 VMAC is refused with a warning', () => {
  const inst = (name: string, vrid: number, lines: string, vip = '198.18.0.100') => `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id ${vrid}\n${lines}  virtual_ipaddress {\n    ${vip}\n  }\n}\n`;
  const conf = inst('A', 51, '  use_vmac\n') + inst('B', 52, '  vmac_xmit_base\n  use_vmac vmac-b\n', '198.18.0.101')
    + inst('C', 53, '  use_vmac\n  unicast_peer {\n    198.18.0.12\n  }\n', '198.18.0.102') + inst('D', 54, '  use_vmac\n', '2001:2::100');
  const r = parseConfig('/k.conf', memFiles({ '/k.conf': conf }));
  assert.ok(r.config, r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.deepEqual(r.config.instances.map((i) => i.vmac && [i.vmac.name, i.vmac.xmitBase]), [['vrrp.51', false], ['vmac-b', true], ['vrrp.53', true], undefined]);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['conf-vmac-unicast', 'conf-unsupported']);
  assert.equal(parseConfig('/k.conf', memFiles({ '/k.conf': inst('E', 55, '  use_vmac this-name-is-far-too-long\n') })).config, undefined, 'an impossible interface name is an error');
});

test('vrrp_strict (in distribution sample configs): accepted, with a note on what keepalived would do differently', () => {
  const r = parseConfig('/k.conf', memFiles({ '/k.conf': 'global_defs {\n  vrrp_strict\n}\nvrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress {\n    198.18.0.100\n  }\n}\n' }));
  assert.ok(r.config);
  const n = r.notes.find((x) => x.where.line === 2)!;
  assert.match(n.message, /vrrp_strict: the agent adds no firewall rules; keepalived would drop traffic to the VIPs/);
});

test('virtual_routes / virtual_rules: lines kept as written for ip, family from the first address, a route without destination refused', async () => {
  const { ipArgs } = await import('../../../src/vrrp/io/routes.js');
  const conf = (v6: boolean) => `vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress {\n    ${v6 ? '2001:2::100' : '198.18.0.100'}\n  }\n  virtual_routes {\n    ${v6 ? '2001:2:99::/64 via fe80::1 dev eth0' : '198.19.99.0/24 via 198.18.0.1 dev eth0 metric 10'}\n    blackhole 198.19.97.0/24\n    dev eth0 table 100\n  }\n  virtual_rules {\n    from 198.18.0.100 table 100\n  }\n}\n`;
  const r = parseConfig('/k.conf', memFiles({ '/k.conf': conf(false) }));
  assert.deepEqual(codes(r.diagnostics), ['conf-value@10'], 'a route line without destination');
  const ok = parseConfig('/k.conf', memFiles({ '/k.conf': conf(true).replace('    dev eth0 table 100\n', '') }));
  assert.ok(ok.config, ok.diagnostics.map(formatDiagnostic).join('\n'));
  const [v6route, blackhole, rule] = ok.config.instances[0]!.routes;
  assert.deepEqual(ipArgs('add', v6route!), ['-6', 'route', 'add', '2001:2:99::/64', 'via', 'fe80::1', 'dev', 'eth0']);
  assert.deepEqual(ipArgs('del', blackhole!), ['route', 'del', 'blackhole', '198.19.97.0/24']);
  assert.deepEqual(ipArgs('add', rule!), ['rule', 'add', 'from', '198.18.0.100', 'table', '100']);
});
