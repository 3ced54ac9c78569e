import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFleet, renderHost } from '../../../src/render/index.js';

import { natCluster, noInventory, topology } from './hand-topology.js';

test('lvs-nat with keepalived: NAT virtual_server, ip_forward sysctl and its handler first; no realserver files', () => {
  const r = renderFleet(noInventory, topology(natCluster('keepalived')));
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  const d1 = r.value.get('d1')!;
  assert.deepEqual(d1.files.map((f) => f.path), ['/usr/local/sbin/hafleet-notify', '/etc/sysctl.d/90-hafleet-forward.conf', '/etc/keepalived/keepalived.conf']);
  assert.match(d1.files[1]!.content, /^net\.ipv4\.ip_forward = 1$/m);
  const ka = d1.files[2]!.content;
  assert.match(ka, /lb_kind NAT/);
  assert.match(ka, /lb_algo wrr/);
  assert.match(ka, /real_server 198\.18\.3\.21 443 \{\n\s+weight 3\n\s+\}/, 'health check NONE: no checker block');
  assert.doesNotMatch(ka, /vrrp_script|track_script|persistence_timeout|sorry_server/);
  assert.deepEqual(d1.handlers.map((h) => h.name), ['apply forwarding sysctl', 'reload keepalived']);
  for (const h of d1.handlers) for (const m of ['systemd', 'sysv', 'direct'] as const) assert.ok(h.commands[m].length > 0, `${h.name} ${m}`);
  assert.match(d1.handlers[1]!.commands.direct, /kill -HUP .*\/run\/keepalived\.pid.*else keepalived/);
  assert.deepEqual(r.value.get('r1')!.files, []);
  assert.deepEqual(r.value.get('r1')!.handlers, []);
});

test('agent engine: a VRRP-only config for the agent, no keepalived.conf, the agent handler', () => {
  const r = renderHost(noInventory, topology(natCluster('agent')), 'd2');
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  const paths = r.value.files.map((f) => f.path);
  assert.ok(paths.includes('/etc/keepalived/hafleet-agent.conf'));
  assert.ok(!paths.includes('/etc/keepalived/keepalived.conf'));
  const conf = r.value.files.find((f) => f.path === '/etc/keepalived/hafleet-agent.conf')!;
  assert.match(conf.content, /vrrp_instance app_81 \{\n\s+state BACKUP/);
  assert.doesNotMatch(conf.content, /virtual_server/);
  assert.deepEqual(conf.secrets, ['natpass1']);
  assert.deepEqual(r.value.handlers.map((h) => h.name), ['apply forwarding sysctl', 'reload hafleet-agent']);
});

test('VRRPv3: no authentication block (RFC 5798 has none); nopreempt rendered, preempt_delay dropped', () => {
  const r = renderHost(noInventory, topology(natCluster('keepalived', { version: 3, advertInt: 0.5, preempt: false, preemptDelaySec: 30 })), 'd1');
  assert.ok(r.ok);
  const ka = r.value.files.find((f) => f.path === '/etc/keepalived/keepalived.conf')!;
  assert.doesNotMatch(ka.content, /authentication|auth_pass|natpass1/);
  assert.deepEqual(ka.secrets, []);
  assert.match(ka.content, /version 3\n/);
  assert.match(ka.content, /advert_int 0\.5\n/);
  assert.match(ka.content, /\n\s+nopreempt\n/);
  assert.doesNotMatch(ka.content, /preempt_delay/, 'keepalived refuses preempt_delay with nopreempt');
  // keepalived ignores both on an instance that starts MASTER: the highest priority starts BACKUP too.
  assert.match(ka.content, /state BACKUP\n/);
  assert.doesNotMatch(ka.content, /state MASTER/);
});

test('a host without roles renders nothing; unknown --limit names are ignored by render', () => {
  const r = renderFleet(noInventory, topology(natCluster('keepalived')), { limit: ['d1', 'ghost'] });
  assert.ok(r.ok);
  assert.deepEqual([...r.value.keys()], ['d1']);
});

test('preempt_delay with preemption: rendered, and the would-be master starts BACKUP', () => {
  const r = renderHost(noInventory, topology(natCluster('keepalived', { preemptDelaySec: 30 })), 'd1');
  assert.ok(r.ok);
  const ka = r.value.files.find((f) => f.path === '/etc/keepalived/keepalived.conf')!.content;
  assert.match(ka, /preempt_delay 30\n/);
  assert.match(ka, /state BACKUP\n/);
  assert.doesNotMatch(ka, /nopreempt/);
});

test('VIP labels: interface:vrid by default, none when longer than 15 characters', () => {
  const long = 'enp0s31f6verylong';
  const c = natCluster('keepalived', {
    vips: [{ address: '198.18.2.100', prefix: 24, dev: 'eth1', where: {} }, { address: '198.18.2.101', prefix: 24, dev: long, devExplicit: true, where: {} }],
  });
  const r = renderHost(noInventory, topology(c), 'd1');
  assert.ok(r.ok);
  const ka = r.value.files.find((f) => f.path === '/etc/keepalived/keepalived.conf')!.content;
  assert.match(ka, /198\.18\.2\.100\/24 dev eth1 label eth1:81\n/);
  assert.match(ka, new RegExp(`198\\.18\\.2\\.101/24 dev ${long}\\n`));
});

test('VIP dev: the director\'s own interface unless the VIP names one', () => {
  const c = natCluster('keepalived', {
    vips: [{ address: '198.18.2.100', prefix: 24, dev: 'eth1', where: {} }, { address: '198.18.2.101', prefix: 24, dev: 'eth3', devExplicit: true, where: {} }],
  });
  c.instances[0]!.members[1]!.interface = 'eth2';
  const r = renderHost(noInventory, topology(c), 'd2');
  assert.ok(r.ok);
  const ka = r.value.files.find((f) => f.path === '/etc/keepalived/keepalived.conf')!.content;
  assert.match(ka, /interface eth2\n/);
  assert.match(ka, /198\.18\.2\.100\/24 dev eth2 label eth2:81\n/);
  assert.match(ka, /198\.18\.2\.101\/24 dev eth3 label eth3:81\n/);
});

test('an explicit MASTER vrrp_state with nopreempt: rendered BACKUP, with a warning', () => {
  const c = natCluster('keepalived', { preempt: false });
  c.instances[0]!.members[0]!.stateExplicit = true;
  const r = renderHost(noInventory, topology(c), 'd1');
  assert.ok(r.ok);
  assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code}`), ['warning vrrp-state-backup']);
  assert.match(r.value.files.find((f) => f.path === '/etc/keepalived/keepalived.conf')!.content, /state BACKUP\n/);
});
