import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTopology, secretsOf, type Topology } from '../../../src/topology/index.js';
import type { Vars } from '../../../src/inventory/types.js';
import { fakeInventory, type FakeSpec } from './fake-inventory.js';

const lbs = { lb1: { ansible_host: '198.18.0.11' }, lb2: { ansible_host: '198.18.0.12' }, lb3: { ansible_host: '198.18.0.13' } };
const webs = { web1: { ansible_host: '198.18.0.21' }, web2: { ansible_host: '198.18.0.22', realserver_weight: 3, realserver_backup: true } };

function cluster(over: Vars = {}): Vars {
  const c: Vars = { name: 'web', mode: 'nginx', directors: 'directors', realservers: 'webservers', interface: 'eth0', vrid: 51, vips: ['198.18.0.100/24'], ...over };
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c;
}
function build(over: Vars = {}, more: Partial<FakeSpec> = {}): Topology {
  const r = buildTopology(fakeInventory({ all: { hafleet_clusters: [cluster(over)] }, groups: { directors: lbs, webservers: webs }, ...more }));
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  return r.value;
}
function codes(over: Vars, more: Partial<FakeSpec> = {}): string[] {
  const r = buildTopology(fakeInventory({ all: { hafleet_clusters: [cluster(over)] }, groups: { directors: lbs, webservers: webs }, ...more }));
  assert.equal(r.ok, false);
  return r.diagnostics.map((d) => d.code);
}

test('short form: derived priorities 150/100/90, first director MASTER, defaults filled', () => {
  const t = build();
  const c = t.clusters[0]!;
  const i = c.instances[0]!;
  assert.equal(i.name, 'web_51');
  assert.deepEqual(i.members.map((m) => [m.host, m.priority, m.initialState]), [['lb1', 150, 'MASTER'], ['lb2', 100, 'BACKUP'], ['lb3', 90, 'BACKUP']]);
  assert.deepEqual(i.vips.map((v) => `${v.address}/${v.prefix} ${v.dev}`), ['198.18.0.100/24 eth0']);
  assert.equal(i.version, 2); assert.equal(i.advertInt, 1); assert.equal(i.preempt, true); assert.equal(i.garpMasterDelaySec, 5);
  assert.deepEqual(i.members.map((m) => m.unicastPeers), [[], [], []]);
  assert.equal(c.lbKind, undefined);
  assert.deepEqual(c.trackScripts.map((s) => [s.name, s.weight, s.user]), [['chk_nginx', -60, 'nobody']]);
  assert.deepEqual(i.trackScripts, ['chk_nginx']);
  assert.deepEqual(c.services.map((s) => [s.vip, s.port, s.protocol, s.lbAlgo, s.healthCheck.type, s.healthCheck.path]), [['198.18.0.100', 80, 'TCP', 'rr', 'HTTP_GET', '/']]);
  assert.deepEqual(c.services[0]!.realServers.map((r) => [r.host, r.address, r.port, r.weight, r.backup]), [['web1', '198.18.0.21', 80, 1, false], ['web2', '198.18.0.22', 80, 3, true]]);
  assert.deepEqual([...t.roles.get('lb1')!], ['director']);
  assert.deepEqual([...t.roles.get('web1')!], ['realserver']);
});

test('instances form: each instance has its own master (dual-master)', () => {
  const t = build({ vrid: undefined, vips: undefined, instances: [
    { name: 'web_a', vrid: 51, vips: ['198.18.0.100/24'], master: 'lb1' },
    { name: 'web_b', vrid: 52, vips: ['198.18.0.101/24'], master: 'lb2' },
  ] } as unknown as Vars);
  const [a, b] = t.clusters[0]!.instances;
  assert.deepEqual(a!.members.map((m) => [m.host, m.priority, m.initialState]), [['lb1', 150, 'MASTER'], ['lb2', 100, 'BACKUP'], ['lb3', 90, 'BACKUP']]);
  assert.deepEqual(b!.members.map((m) => [m.host, m.priority, m.initialState]), [['lb2', 150, 'MASTER'], ['lb1', 100, 'BACKUP'], ['lb3', 90, 'BACKUP']]);
  assert.deepEqual(t.clusters[0]!.services.map((s) => s.vip), ['198.18.0.100', '198.18.0.101']);
});

test('explicit priorities win: instance priorities over host vrrp_priority over derived', () => {
  const t = build({ vrid: undefined, vips: undefined, instances: [{ vrid: 51, vips: ['198.18.0.100/24'], priorities: { lb3: 200 } }] } as unknown as Vars,
    { hostVars: { lb2: { vrrp_priority: 120 }, lb3: { vrrp_priority: 50 } } });
  const i = t.clusters[0]!.instances[0]!;
  assert.deepEqual(i.members.map((m) => [m.host, m.priority, m.initialState]), [['lb1', 150, 'BACKUP'], ['lb2', 120, 'BACKUP'], ['lb3', 200, 'MASTER']]);
});

test('nopreempt and preempt_delay: everyone starts BACKUP (keepalived needs it)', () => {
  for (const vrrp of [{ preempt: false }, { preempt_delay: 30 }] as Vars[]) {
    const i = build({ vrrp }).clusters[0]!.instances[0]!;
    assert.deepEqual(i.members.map((m) => m.initialState), ['BACKUP', 'BACKUP', 'BACKUP']);
  }
});

test('unicast: peers are the other directors, src is unicast_src_ip or ansible_host', () => {
  const i = build({ vrrp: { unicast: true } }, { hostVars: { lb2: { unicast_src_ip: '198.18.1.12' } } }).clusters[0]!.instances[0]!;
  assert.deepEqual(i.members.map((m) => [m.unicastSrcIp, m.unicastPeers]), [
    ['198.18.0.11', ['198.18.1.12', '198.18.0.13']],
    ['198.18.1.12', ['198.18.0.11', '198.18.0.13']],
    ['198.18.0.13', ['198.18.0.11', '198.18.1.12']],
  ]);
});

test('VIP prefix defaults to vrrp_prefix; without it the error says what to write', () => {
  const t = build({ vips: ['198.18.0.100'] }, { hostVars: { lb1: { vrrp_prefix: 23 } } });
  assert.equal(t.clusters[0]!.instances[0]!.vips[0]!.prefix, 23);
  const r = buildTopology(fakeInventory({ all: { hafleet_clusters: [cluster({ vips: ['198.18.0.100'] })] }, groups: { directors: lbs, webservers: webs } }));
  assert.equal(r.ok, false);
  const d = r.diagnostics[0]!;
  assert.equal(d.code, 'vip-prefix');
  assert.equal(d.where.key, 'hafleet_clusters[0].vips[0]');
  assert.match(d.hint!, /198\.18\.0\.100\/24/);
});

test('an IPv6 VIP without a prefix is a /64 (an IPv6 LAN), whatever the IPv4 vrrp_prefix says', () => {
  const t = build({ vrrp: { version: 3 }, vips: ['2001:2:0:1::100'] }, { hostVars: { lb1: { vrrp_prefix: 23 } } });
  assert.deepEqual(t.clusters[0]!.instances[0]!.vips.map((v) => [v.address, v.prefix]), [['2001:2:0:1::100', 64]]);
});

test('lvs modes: lb_kind, no nginx track unless asked, engine per host', () => {
  const t = build({ mode: 'lvs-dr', vrrp_engine: 'agent' }, { hostVars: { lb2: { vrrp_engine: 'keepalived' } } });
  const c = t.clusters[0]!;
  assert.equal(c.lbKind, 'DR');
  assert.deepEqual(c.trackScripts, []);
  assert.equal(c.engine, 'agent');
  assert.deepEqual(c.instances[0]!.members.map((m) => m.engine), ['agent', 'keepalived', 'agent']);
  assert.equal(build({ mode: 'lvs-nat', track: { nginx: { weight: -100 } } }).clusters[0]!.trackScripts[0]!.weight, -100);
  assert.equal(build({ track: { nginx: false } }).clusters[0]!.trackScripts.length, 0);
});

test('services: explicit list, per-VIP expansion, realserver_port and realserver_address', () => {
  const c = build({ vips: ['198.18.0.100/24', '198.18.0.101/24'], services: [{ port: 443, realserver_port: 8443, lb_algo: 'wlc', health_check: { type: 'TCP_CHECK' } }, { vip: '198.18.0.101', port: 8080 }] },
    { hostVars: { web1: { realserver_address: '198.18.2.21' } } }).clusters[0]!;
  assert.deepEqual(c.services.map((s) => [s.vip, s.port, s.lbAlgo, s.healthCheck.type]), [
    ['198.18.0.100', 443, 'wlc', 'TCP_CHECK'], ['198.18.0.101', 443, 'wlc', 'TCP_CHECK'], ['198.18.0.101', 8080, 'rr', 'HTTP_GET']]);
  assert.deepEqual(c.services[0]!.realServers.map((r) => `${r.address}:${r.port}`), ['198.18.2.21:8443', '198.18.0.22:8443']);
});

test('errors are values with a position, a code and a hint; all of them, not the first', () => {
  const cs = codes({ directors: 'directorz', realservers: ['web1', 'web9'], vrrp: { version: '2' } });
  assert.deepEqual(cs.sort(), ['wrong-type']);
  const cs2 = codes({ directors: 'directorz', realservers: ['web1', 'web9'] });
  assert.deepEqual(cs2.sort(), ['unknown-group', 'unknown-host']);
  const r = buildTopology(fakeInventory({ all: { hafleet_clusters: [cluster({ directors: 'directorz' })] }, groups: { directors: lbs, webservers: webs } }));
  assert.equal(r.ok ? '' : r.diagnostics[0]!.hint, 'did you mean directors?');
  assert.deepEqual(codes({ instances: [] }), ['instance-form']);
  assert.deepEqual(codes({ vips: ['198.18.0.300/24'] }), ['vip-syntax']);
  assert.deepEqual(codes({ vrid: undefined, vips: undefined, instances: [{ vrid: 1, vips: ['198.18.0.100/24'], master: 'web1' }] } as unknown as Vars), ['master-not-director']);
  assert.deepEqual(codes({ mode: 'nginxx' }), ['wrong-type']);
});

test('secretsOf lists auth_pass values once', () => {
  const t = build({ vrrp: { auth_pass: 's3cret' } });
  assert.deepEqual(secretsOf(t), ['s3cret']);
});

test('1,000 hosts build in milliseconds', () => {
  const directors: Record<string, Vars> = {};
  const realservers: Record<string, Vars> = {};
  for (let i = 0; i < 10; i++) directors[`lb${i}`] = { ansible_host: `198.18.0.${10 + i}` };
  for (let i = 0; i < 990; i++) realservers[`web${i}`] = { ansible_host: `198.19.${i >> 8}.${i & 255}` };
  const inv = fakeInventory({ all: { hafleet_clusters: [cluster()] }, groups: { directors, webservers: realservers } });
  const t0 = performance.now();
  const r = buildTopology(inv);
  const ms = performance.now() - t0;
  assert.ok(r.ok);
  assert.equal(r.value.roles.size, 1000);
  assert.ok(ms < 200, `took ${ms} ms`);
});

test('a cluster that reads differently for different hosts is refused, secrets unspoken', () => {
  const spec = { all: { hafleet_clusters: [cluster({ vrrp: { auth_pass: 's3cret' } })] }, groups: { directors: lbs, webservers: webs } };
  const peer = buildTopology(fakeInventory({ ...spec, hostVars: { lb2: { hafleet_clusters: [cluster({ vrrp: { auth_pass: 'other' } })] } } }));
  assert.equal(peer.ok, false);
  assert.deepEqual(peer.diagnostics.map((d) => [d.code, d.where.host]), [['peers-agree', 'lb2']]);
  assert.ok(!JSON.stringify(peer.diagnostics).includes('other') && !JSON.stringify(peer.diagnostics).includes('s3cret'));
  const rs = buildTopology(fakeInventory({ ...spec, hostVars: { web1: { hafleet_clusters: [cluster({ vips: ['198.18.0.101/24'], vrrp: { auth_pass: 's3cret' } })] } } }));
  assert.deepEqual(rs.ok ? [] : rs.diagnostics.map((d) => [d.code, d.where.host, d.where.key]), [['cluster-differs', 'web1', 'hafleet_clusters[0].vips[0]']]);
});

test('an instance needs VIPs: missing in the short form, empty anywhere', () => {
  assert.deepEqual(codes({ vips: undefined } as unknown as Vars), ['missing-key']);
  assert.deepEqual(codes({ vips: [] }), ['instance-form']);
  assert.deepEqual(codes({ vrid: undefined, vips: undefined, instances: [{ vrid: 51 }] } as unknown as Vars), ['missing-key']);
});

test('values out of range are refused with the lint codes', () => {
  assert.deepEqual(codes({ vrid: 300 }), ['vrid-range']);
  assert.deepEqual(codes({ vrrp: { advert_int: 0.5 } }), ['advert-int']);
  assert.deepEqual(codes({ services: [{ port: 70000 }] }), ['value-range']);
  assert.deepEqual(codes({ track: { nginx: false } }, { hostVars: { lb2: { vrrp_priority: 0 } } }), ['priority-range']);
});
