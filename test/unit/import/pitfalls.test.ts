/** One test per pitfall: reported with its code and host:file:line, never fixed in the model. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildImport } from '../../../src/import/index.js';
import { HOSTS, pair, snap } from './snap.js';

const K = '/etc/keepalived/keepalived.conf';

function run(a: string, b: string, extra: Record<string, string> = {}, lo: string[] = []) {
  return buildImport([snap('lb1', { [K]: a, ...extra }, { loScripts: lo }), snap('lb2', { [K]: b, ...extra }, { loScripts: lo })], HOSTS);
}
const codes = (r: ReturnType<typeof run>) => r.diagnostics.map((d) => d.code);
const yaml = (r: ReturnType<typeof run>) => JSON.stringify(r.clusters);

test('a clean pair reports nothing', () => {
  const r = run(...pair());
  assert.deepEqual(r.diagnostics, []);
});

test('nopreempt with state MASTER: reported, and the state kept', () => {
  const r = run(...pair({ body: '    nopreempt' }));
  const d = r.diagnostics.find((x) => x.code === 'pitfall-nopreempt-master');
  assert.ok(d);
  assert.equal(d.where.host, 'lb1');
  assert.equal(d.where.file, K);
  assert.equal(d.where.line, 2);
  // keepalived clears nopreempt on lb1 only: one preempt per cluster cannot say it, so import
  // refuses to guess (exit 1 unless --allow-partial) and names the director.
  assert.ok(r.diagnostics.some((x) => x.code === 'pitfall-keepalived-config-error' && /clearing/.test(x.message)));
  const c = r.diagnostics.find((x) => x.code === 'import-cannot-keep');
  assert.ok(c && c.severity === 'error' && c.where.host === 'lb1');
  // Both BACKUP with nopreempt (the right way): one cluster, preempt false, nothing to refuse.
  const ok = run(...pair({ body: '    nopreempt', state: ['BACKUP', 'BACKUP'] }));
  assert.deepEqual(ok.diagnostics, []);
  assert.equal(ok.clusters.length, 1);
  assert.match(yaml(ok), /"preempt"[^}]*"value":false/);
});

test('auth_pass over 8 characters: reported; the inventory holds the 8 keepalived uses', () => {
  const r = run(...pair({ body: '    authentication {\n        auth_type PASS\n        auth_pass 123456789abc\n    }' }));
  const d = r.diagnostics.find((x) => x.code === 'pitfall-auth-pass-length');
  assert.ok(d);
  assert.equal(d.where.line, 13);
  assert.ok(!d.message.includes('12345678'), 'the secret is not in the message');
  assert.match(yaml(r), /"value":"12345678"/);
  assert.doesNotMatch(yaml(r), /123456789abc/);
});

test('a VRID claimed with different VIPs: an error naming both hosts', () => {
  const [a] = pair({ vip: '198.18.0.100/24' });
  const [, b] = pair({ vip: '198.18.0.101/24' });
  const r = run(a, b);
  const d = r.diagnostics.find((x) => x.code === 'import-vrid-conflict');
  assert.ok(d);
  assert.equal(d.severity, 'error');
  assert.match(d.message, /lb1:.*lb2:/);
});

test('equal priorities: reported', () => {
  const r = run(...pair({ prio: [100, 100] }));
  const d = r.diagnostics.find((x) => x.code === 'pitfall-equal-priority');
  assert.ok(d);
  assert.match(d.message, /lb1 and lb2 both have priority 100/);
});

test('a track script that finds a process by name (killall -0): reported', () => {
  const top = 'vrrp_script chk {\n    script "/usr/bin/killall -0 haproxy"\n    interval 2\n    weight -60\n}';
  const r = run(...pair({ top, body: '    track_script {\n        chk\n    }' }));
  assert.ok(codes(r).includes('pitfall-by-process-name'));
  // The script is kept as it is, under its own name, with no user line (keepalived's default script user, as today).
  assert.match(yaml(r), /killall -0 haproxy/);
  assert.match(yaml(r), /\["name",\{"kind":"scalar","value":"chk"/);
  assert.match(yaml(r), /"user",\{"kind":"scalar","value":false/);
  // global_defs as found: router_id (none here: false); scripts ran without script security and
  // without script_user: the inventory says so and names no script_user (keepalived's default stays).
  const vars = JSON.stringify(r.hostVars.get('lb1'));
  assert.match(vars, /"keepalived_script_security",\{"kind":"scalar","value":false/);
  assert.doesNotMatch(vars, /vrrp_script_user/);
  assert.match(vars, /"vrrp_router_id",\{"kind":"scalar","value":/);
});

test('failover by killing a process by name in a notify script: reported', () => {
  const r = run(...pair({ body: '    notify_backup /etc/keepalived/to-backup.sh' }), { '/etc/keepalived/to-backup.sh': '#!/bin/sh\npkill -9 nginx\n' });
  const d = r.diagnostics.find((x) => x.code === 'pitfall-by-process-name');
  assert.ok(d);
  assert.match(d.message, /notify/);
});

test('a track script that can never fail: reported', () => {
  const top = 'vrrp_script chk {\n    script /etc/keepalived/chk.sh\n    interval 2\n    weight -60\n}';
  const r = run(...pair({ top, body: '    track_script {\n        chk\n    }' }), { '/etc/keepalived/chk.sh': '#!/bin/sh\ncurl -s http://127.0.0.1/ >/dev/null\nexit 0\n' });
  assert.ok(codes(r).includes('pitfall-track-never-fails'));
  const t = run(...pair({ top: top.replace('/etc/keepalived/chk.sh', '/bin/true'), body: '    track_script {\n        chk\n    }' }));
  assert.ok(codes(t).includes('pitfall-track-never-fails'));
});

test('scripts without enable_script_security: reported; with it: not', () => {
  const r = run(...pair({ body: '    notify /etc/keepalived/n.sh' }));
  assert.ok(codes(r).includes('pitfall-no-script-security'));
  const s = run(...pair({ top: 'global_defs {\n    enable_script_security\n    script_user root\n}', body: '    notify /etc/keepalived/n.sh' }));
  assert.ok(!codes(s).includes('pitfall-no-script-security'));
  assert.doesNotMatch(JSON.stringify(s.hostVars.get('lb1')), /keepalived_script_security/);
});

test('a MISC_CHECK script alone (LVS) without enable_script_security: reported and kept as it runs', () => {
  const top = 'virtual_server 198.18.0.100 80 {\n    lb_kind DR\n    protocol TCP\n    real_server 198.18.0.21 80 {\n        MISC_CHECK {\n            misc_path /etc/keepalived/rs.sh\n        }\n    }\n}';
  const r = run(...pair({ top }), { '/etc/keepalived/rs.sh': '#!/bin/sh\nexit 1\n' });
  assert.ok(codes(r).includes('pitfall-no-script-security'), codes(r).join(' '));
  assert.match(JSON.stringify(r.hostVars.get('lb1')), /"keepalived_script_security",\{"kind":"scalar","value":false/);
});

test('the VIP on lo of a director: reported with the script', () => {
  const r = run(...pair(), { '/etc/init.d/lvs-rs': 'ip addr add 198.18.0.100/32 dev lo\n' }, ['/etc/init.d/lvs-rs']);
  const d = r.diagnostics.find((x) => x.code === 'pitfall-director-vip-on-lo');
  assert.ok(d);
  assert.equal(d.where.file, '/etc/init.d/lvs-rs');
});

test('a value keepalived ignores or reinterprets: reported in its words', () => {
  const r = run(...pair({ body: '    preempt_delay 5000' }));
  assert.ok(r.diagnostics.some((d) => d.code === 'pitfall-keepalived-config-error' && /reempt_delay/.test(d.message)), JSON.stringify(r.diagnostics));
});

test('an lvs-dr realserver whose ARP sysctls do not suppress ARP for its lo VIP: reported; suppressed: not', () => {
  const rs = (ignore: string, announce: string) => {
    const s = snap('web1', { '/etc/init.d/realserver': 'ip addr add 198.18.0.110/32 dev lo label lo:0\n' }, { loScripts: ['/etc/init.d/realserver'], speakers: [] });
    s.sysctls.set('net.ipv4.conf.all.arp_ignore', ignore);
    s.sysctls.set('net.ipv4.conf.all.arp_announce', announce);
    return buildImport([s], HOSTS).diagnostics.map((d) => d.code);
  };
  assert.ok(rs('0', '0').includes('pitfall-realserver-arp'));
  assert.ok(rs('1', '0').includes('pitfall-realserver-arp'));
  assert.deepEqual(rs('1', '2'), []);
});

test('smtp_alert: kept per instance as the cluster\'s vrrp.smtp_alert; directors of one instance disagreeing: cannot be kept', () => {
  const all = run(...pair({ body: '    smtp_alert' }));
  assert.deepEqual(all.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.match(yaml(all), /\["smtp_alert",\{"kind":"scalar","value":true,"from":"lb1:\/etc\/keepalived\/keepalived.conf:\d+"/);
  assert.doesNotMatch(JSON.stringify(all.hostVars.get('lb1') ?? []), /smtp_alert_vrrp/);
  assert.doesNotMatch(yaml(run(...pair())), /smtp_alert/);
  // `smtp_alert false` is no mail.
  assert.doesNotMatch(yaml(run(...pair({ body: '    smtp_alert false' }))), /smtp_alert/);
  const [a] = pair({ body: '    smtp_alert' });
  const [, b] = pair();
  const some = buildImport([snap('lb1', { [K]: a }), snap('lb2', { [K]: b })], HOSTS);
  const errs = some.diagnostics.filter((d) => d.code === 'import-cannot-keep' && /smtp_alert/.test(d.message));
  assert.deepEqual(errs.map((d) => d.where.host).sort(), ['lb1', 'lb2']);
});

test('keepalived.conf on a host where no VRRP speaker runs: said, and imported as configured', () => {
  const [a, b] = pair();
  const r = buildImport([snap('lb1', { [K]: a }, { speakers: [] }), snap('lb2', { [K]: b })], HOSTS);
  assert.ok(r.diagnostics.some((d) => d.code === 'import-speaker-none' && d.where.host === 'lb1'));
  assert.equal(r.clusters.length, 1);
});

test('a VIP without a label stays without (label: false), so the first deploy does not re-add it', () => {
  const r = run(...pair({ vip: '198.18.0.100/24' }));
  assert.deepEqual(r.diagnostics.filter((x) => x.code === 'import-vip-label'), []);
  assert.match(yaml(r), /\["address",\{"kind":"scalar","value":"198.18.0.100\/24"\}\],\["label",\{"kind":"scalar","value":false/);
});

test('an instance the model cannot say is kept verbatim; a host left with no modelled instance cannot be kept', () => {
  const body = '    track_interface {\n        eth1\n    }';
  const r = run(...pair({ body }));
  assert.ok(r.diagnostics.some((d) => d.code === 'import-passthrough' && /track_interface/.test(d.message)));
  const extra = r.hostVars.get('lb1')?.find(([k]) => k === 'extra_keepalived')?.[1];
  assert.match(JSON.stringify(extra), /vrrp_instance VI_1 \{[^]*track_interface/);
  assert.ok(r.diagnostics.some((d) => d.code === 'import-cannot-keep' && d.where.host === 'lb1'));
  // Beside a modelled instance the passthrough renders: nothing refused.
  const [a1, b1] = pair({ body });
  const [a2, b2] = pair({ name: 'VI_2', vrid: 52, vip: '198.18.0.101/24 dev eth0 label eth0:2' });
  const ok = run(a1 + a2, b1 + b2);
  assert.deepEqual(ok.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(ok.clusters.length, 1);
});

test("hafleet's own track_files (maintenance, switchover) are the template's: not kept verbatim; another track_file is", () => {
  const top = 'track_file hafleet_maintenance {\n    file /var/lib/hafleet/maintenance\n    weight 1\n}\ntrack_file other {\n    file /tmp/x\n}';
  const own = run(...pair({ top, body: '    track_file {\n        hafleet_maintenance\n    }' }));
  // Only the unused `track_file other` block is kept verbatim; the instance and hafleet's own are modelled.
  assert.deepEqual(own.diagnostics.filter((d) => d.code.startsWith('import-')).map((d) => d.message), [
    'track_file other kept verbatim in extra_keepalived: track_file is not in the inventory model',
    'track_file other kept verbatim in extra_keepalived: track_file is not in the inventory model',
  ]);
  assert.equal(own.clusters.length, 1);
  const other = run(...pair({ top, body: '    track_file {\n        other\n    }' }));
  assert.ok(other.diagnostics.some((d) => d.code === 'import-passthrough' && /VI_1/.test(d.message)));
});
