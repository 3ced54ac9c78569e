/** Rule edges the fixtures do not show: what must NOT be reported, and boundaries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Vars } from '../../../src/inventory/index.js';
import { lintInventory } from '../../../src/lint/index.js';
import { fakeInventory, type FakeSpec } from '../topology/fake-inventory.js';

const lbs = { lb1: { ansible_host: '198.18.0.11' }, lb2: { ansible_host: '198.18.0.12' } };
const webs = { web1: { ansible_host: '198.18.0.21' }, web2: { ansible_host: '198.18.0.22' } };

function cluster(over: Vars = {}): Vars {
  const c: Vars = { name: 'web', mode: 'nginx', directors: 'directors', realservers: 'webservers', interface: 'eth0', vrid: 51, vips: ['198.18.0.100/24'], ...over };
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c;
}
function codes(clusters: Vars[], more: Partial<FakeSpec> = {}): string[] {
  const inv = fakeInventory({ all: { hafleet_clusters: clusters }, groups: { directors: lbs, webservers: webs }, ...more });
  return lintInventory(inv).map((d) => d.code);
}

test('a plain nginx cluster and a dual-master one are clean', () => {
  assert.deepEqual(codes([cluster()]), []);
  assert.deepEqual(codes([cluster({ vrid: undefined, vips: undefined, instances: [
    { name: 'a', vrid: 51, vips: ['198.18.0.100/24'], master: 'lb1' }, { name: 'b', vrid: 52, vips: ['198.18.0.101/24'], master: 'lb2' }] } as unknown as Vars)]), []);
});

test('vrid-unique: same VRID in the same subnet clashes across clusters; other subnets or interfaces do not', () => {
  const more = { groups: { directors: lbs, webservers: webs, lbs2: { lb3: { ansible_host: '198.18.0.13' }, lb4: { ansible_host: '198.18.0.14' } },
    lbs3: { lb5: { ansible_host: '198.18.1.15' }, lb6: { ansible_host: '198.18.1.16' } } } };
  assert.deepEqual(codes([cluster(), cluster({ name: 'api', directors: 'lbs2', vips: ['198.18.0.101/24'] })], more), ['vrid-unique']);
  assert.deepEqual(codes([cluster(), cluster({ name: 'api', directors: 'lbs3', vips: ['198.18.1.101/24'] })], more), []);
  assert.deepEqual(codes([cluster(), cluster({ name: 'api', interface: 'eth1', vips: ['198.18.0.101/24'] })]), []);
});

test('priority 255 is fine for the address owner only', () => {
  const owner = { groups: { directors: { lb1: { ansible_host: '198.18.0.100', vrrp_priority: 255 }, lb2: { ansible_host: '198.18.0.12' } }, webservers: webs } };
  const noTrack = cluster({ track: { nginx: false } });
  assert.deepEqual(codes([noTrack], owner), []);
  assert.deepEqual(codes([noTrack], { hostVars: { lb1: { vrrp_priority: 255 } } }), ['priority-range']);
  assert.deepEqual(codes([noTrack], { hostVars: { lb1: { vrrp_priority: 0 } } }), ['priority-range']);
});

test('track-weight boundary: 150 − 50 = 100 is not below 100; −51 is', () => {
  assert.deepEqual(codes([cluster({ track: { nginx: { weight: -50 } } })]), ['track-weight']);
  assert.deepEqual(codes([cluster({ track: { nginx: { weight: -51 } } })]), []);
});

test('advert-int: v3 allows 0.01 steps up to 40.95; v2 whole seconds', () => {
  const v = (vrrp: Vars) => codes([cluster({ vrrp })]);
  assert.deepEqual(v({ version: 3, advert_int: 0.01 }), []);
  assert.deepEqual(v({ version: 3, advert_int: 40.95 }), []);
  assert.deepEqual(v({ version: 3, advert_int: 0.015 }), ['advert-int']);
  assert.deepEqual(v({ version: 3, advert_int: 41 }), ['advert-int']);
  assert.deepEqual(v({ version: 2, advert_int: 3 }), []);
  assert.deepEqual(v({ version: 2, advert_int: 256 }), ['advert-int']);
});

test('the same cluster repeated in host_vars is not a difference', () => {
  assert.deepEqual(codes([cluster()], { hostVars: { lb2: { hafleet_clusters: [cluster()] } } }), []);
});

test('a build error in one cluster does not hide the findings of another', () => {
  const cs = codes([cluster({ directors: 'nope' }), cluster({ name: 'api', vrid: 52, vips: ['198.18.0.101/24'], vrrp: { auth_pass: '123456789' } })]);
  assert.deepEqual(cs.sort(), ['auth-pass-length', 'unknown-group']);
});

test('lint of 1,000 hosts finds nothing in a clean fleet (time reported, not asserted: no timed tests)', (t) => {
  const directors: Record<string, Vars> = {};
  const realservers: Record<string, Vars> = {};
  for (let i = 0; i < 10; i++) directors[`lb${i}`] = { ansible_host: `198.18.0.${10 + i}` };
  for (let i = 0; i < 990; i++) realservers[`web${i}`] = { ansible_host: `198.19.${i >> 8}.${i & 255}` };
  const clusters = Array.from({ length: 10 }, (_, k) => cluster({ name: `c${k}`, vrid: 51 + k, vips: [`198.18.0.${100 + k}/24`] }));
  const inv = fakeInventory({ all: { hafleet_clusters: clusters }, groups: { directors, webservers: realservers } });
  const t0 = performance.now();
  const ds = lintInventory(inv);
  const ms = performance.now() - t0;
  // Realservers in 198.19/16 are fine for nginx mode: nothing to report.
  assert.deepEqual(ds.map((d) => d.code), []);
  t.diagnostic(`lint of 1,000 hosts: ${ms.toFixed(0)} ms`);
});

test('vrid-unique: an IPv4 and an IPv6 instance may share a VRID (different virtual MACs)', () => {
  assert.deepEqual(codes([cluster(), cluster({ name: 'web6', vips: ['::ffff:198.18.0.100/120'] })]).filter((c) => c === 'vrid-unique'), []);
});

test('script-security-off: a warning on a keepalived director, an error on an agent director, nothing by default', () => {
  assert.deepEqual(codes([cluster()], { hostVars: { lb1: { keepalived_script_security: true } } }), []);
  const inv = fakeInventory({ all: { hafleet_clusters: [cluster()] }, groups: { directors: lbs, webservers: webs }, hostVars: { lb1: { keepalived_script_security: false } } });
  const ds = lintInventory(inv).filter((d) => d.code === 'script-security-off');
  assert.deepEqual(ds.map((d) => [d.severity, d.where.host]), [['warning', 'lb1']]);
  assert.match(ds[0]!.hint ?? '', /root-owned/);
  const agent = lintInventory(fakeInventory({ all: { hafleet_clusters: [cluster({ vrrp_engine: 'agent' })] }, groups: { directors: lbs, webservers: webs }, hostVars: { lb1: { keepalived_script_security: false } } }))
    .filter((d) => d.code === 'script-security-off');
  assert.deepEqual(agent.map((d) => d.severity), ['error']);
});

test('engine-agent-features: smtp_alert with the agent (it sends no mail); with keepalived it is fine', () => {
  assert.deepEqual(codes([cluster({ vrrp: { smtp_alert: true } })]), []);
  assert.deepEqual(codes([cluster({ vrrp_engine: 'agent', vrrp: { smtp_alert: true } })]), ['engine-agent-features']);
  assert.deepEqual(codes([cluster({ vrrp_engine: 'agent', vrrp: { smtp_alert: false } })]), []);
});

test('sync-group-tracking-weight: a group in extra_keepalived without the keyword is a warning naming it and its line; with it (or no group, or only in a comment) nothing', async () => {
  const { syncGroupsWithoutWeight } = await import('../../../src/lint/rules/sync-group-tracking-weight.js');
  const without = 'vrrp_sync_group G1 {\n  group {\n    web_51\n  }\n}\n';
  const withIt = 'vrrp_sync_group G2 {\n  group { web_51 web_52 }\n  sync_group_tracking_weight\n}\n';
  assert.deepEqual(syncGroupsWithoutWeight(without + withIt), [{ name: 'G1', line: 1 }]);
  assert.deepEqual(syncGroupsWithoutWeight('# vrrp_sync_group G3 {\n! }\n'), []);
  // The keyword in another block does not count for the group.
  assert.deepEqual(syncGroupsWithoutWeight('vrrp_sync_group G4 {\n group { a }\n}\nglobal_defs {\n sync_group_tracking_weight\n}\n'), [{ name: 'G4', line: 1 }]);
  const ds = lintInventory(fakeInventory({ all: { hafleet_clusters: [cluster()] }, groups: { directors: lbs, webservers: webs }, hostVars: { lb2: { extra_keepalived: without } } }))
    .filter((d) => d.code === 'sync-group-tracking-weight');
  assert.deepEqual(ds.map((d) => [d.severity, d.where.host]), [['warning', 'lb2']]);
  assert.match(ds[0]!.message, /G1 \(extra_keepalived line 1\)/);
  assert.deepEqual(codes([cluster()], { hostVars: { lb2: { extra_keepalived: withIt } } }).filter((c) => c === 'sync-group-tracking-weight'), []);
});
