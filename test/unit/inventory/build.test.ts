import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, mustLoad, writeTree } from './tmp-inventory.js';

const PREC = join(FIXTURES, 'precedence');
const inv = mustLoad(join(PREC, 'hosts.yml'));
const w1 = inv.hosts.get('w1')!.vars;

/** 1-based line of the first line containing `text` in a fixture file. */
function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} not in ${file}`);
  return i + 1;
}

test('group order: depth, then ansible_group_priority, then name', () => {
  assert.deepEqual(inv.hosts.get('w1')!.groups, ['all', 'alpha', 'prod', 'zeta', 'aaa_high', 'web']);
  assert.equal(w1.name_order, 'zeta');
  assert.equal(w1.priority_order, 'aaa_high');
  assert.equal(w1.priority_beats_depth, 'web', 'depth is compared before priority');
  assert.equal(w1.depth_wins, 'web');
});

test('inventory group vars < group_vars/all < group_vars/<group> < inventory host < host_vars', () => {
  assert.equal(w1.only_all_inventory, 'all-inventory');
  assert.equal(w1.group_beats_all, 'prod-inventory');
  assert.equal(w1.gv_all_beats_groups, 'group_vars-all', 'group_vars/all beats a child group written in the inventory');
  assert.equal(w1.gv_group_beats_gv_all, 'group_vars-web');
  assert.equal(w1.inventory_host_beats_gv, 'inventory-host');
  assert.equal(w1.host_vars_beats_inventory_host, 'host_vars');
  assert.equal(inv.hosts.get('w2')!.vars.inventory_host_beats_gv, 'group_vars-web');
});

test('dictionaries are replaced, not merged (hash_behaviour=replace)', () => {
  assert.deepEqual(w1.dict_replace, { from_inventory_host: true });
  assert.deepEqual(inv.hosts.get('w2')!.vars.dict_replace, { a: 10 });
});

test('ansible_group_priority in group_vars/ does not reorder groups', () => {
  assert.equal(w1.ansible_group_priority, 99, 'it is still a variable');
  assert.equal(inv.hosts.get('w1')!.groups[1], 'alpha', 'but alpha keeps priority 1');
});

test('Group.vars holds the group own vars, inventory then group_vars', () => {
  assert.deepEqual(inv.groups.get('web')!.vars, {
    depth_wins: 'web', gv_all_beats_groups: 'web-inventory', priority_beats_depth: 'web',
    gv_group_beats_gv_all: 'group_vars-web', inventory_host_beats_gv: 'group_vars-web', dict_replace: { a: 10 },
    nested: { level1: { level2: 'deep' } },
  });
});

test('whereOf points at the key of the level that won, down to nested keys', () => {
  const hosts = join(PREC, 'hosts.yml');
  const webYml = join(PREC, 'group_vars/web.yml');
  assert.deepEqual(inv.whereOf('w1', ['depth_wins']), { file: hosts, line: lineOf(hosts, 'depth_wins: web'), col: 13 });
  assert.deepEqual(inv.whereOf('w1', ['host_vars_beats_inventory_host']), { file: join(PREC, 'host_vars/w1.yml'), line: 1, col: 1 });
  assert.deepEqual(inv.whereOf('w2', ['dict_replace', 'a']), { file: webYml, line: lineOf(webYml, '  a: 10'), col: 3 });
  assert.deepEqual(inv.whereOf('w1', ['nested', 'level1', 'level2']), { file: webYml, line: lineOf(webYml, 'level2'), col: 5 });
  assert.deepEqual(inv.whereOf('w1', ['nested', 'level1', 'missing']), { file: webYml, line: lineOf(webYml, 'level1'), col: 3 }, 'nearest ancestor');
  assert.deepEqual(inv.whereOf('w2', ['no_such_var']), inv.hosts.get('w2')!.where, 'the host declaration when nothing defines it');
  assert.deepEqual(inv.whereOf('nobody', ['x']), {});
});

test('whereOf into lists and INI lines', () => {
  const clustersFile = join(FIXTURES, 'field-yaml/group_vars/all/clusters.yml');
  const y = mustLoad(join(FIXTURES, 'field-yaml/hosts.yml'));
  assert.deepEqual(y.whereOf('lb1', ['hafleet_clusters', 0, 'vrrp', 'auth_pass']), { file: clustersFile, line: lineOf(clustersFile, 'auth_pass'), col: 7 });
  assert.deepEqual(y.whereOf('lb1', ['hafleet_clusters', 0]), { file: clustersFile, line: lineOf(clustersFile, '- name: lvs'), col: 5 });
  const iniFile = join(FIXTURES, 'field-ini/hosts.ini');
  const i = mustLoad(iniFile);
  assert.deepEqual(i.whereOf('lb2', ['unicast_src_ip']), { file: iniFile, line: lineOf(iniFile, 'lb2 '), col: 48 });
  assert.deepEqual(i.whereOf('lb2', ['max_conn']), { file: iniFile, line: lineOf(iniFile, 'max_conn'), col: 1 });
});

test('merged vars are frozen and shared, not copied per host', () => {
  const dir = writeTree({ 'hosts.yml': 'web:\n  hosts:\n    w[1:3]:\n  vars:\n    big: {list: [1, 2, 3]}\n' });
  const i = mustLoad(join(dir, 'hosts.yml'));
  const a = i.hosts.get('w1')!.vars;
  const b = i.hosts.get('w3')!.vars;
  assert.equal(a.big, b.big);
  assert.ok(Object.isFrozen(a.big));
  assert.throws(() => (a.big as { list: number[] }).list.push(4), TypeError);
  assert.throws(() => { a.extra = 1; }, TypeError, 'host vars themselves are frozen too');
});

test('a Jinja cycle through a variable hafleet does not read leaves no literal template in a hafleet key (issue 12, defect 21)', async () => {
  const { loadInventory } = await import('../../../src/inventory/index.js');
  const dir = writeTree({ 'hosts.yml': 'all:\n  vars:\n    hafleet_agent_command: "{{ other }}"\n    other: "{{ hafleet_agent_command }}"\n  hosts:\n    lb1:\n' });
  const r = loadInventory(join(dir, 'hosts.yml'));
  assert.equal(r.ok, false);
  const d = r.diagnostics.find((x) => x.code === 'inventory-template');
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal(d.where.line, 3);
  assert.match(d.message, /^hafleet_agent_command: still holds a template after rendering/);
  // A self-reference, and a variable hafleet does not read (left as written, no error).
  const self = loadInventory(join(writeTree({ 'hosts.yml': 'all:\n  vars:\n    vrrp_interface: "{{ vrrp_interface }}"\n    role_x: "{{ role_x }}"\n  hosts:\n    lb1:\n' }), 'hosts.yml'));
  assert.equal(self.ok, false);
  assert.deepEqual(self.diagnostics.map((x) => `${x.code} ${x.where.line}`), ['inventory-template 3']);
  // An environment value that is itself a template is not rendered again, and never written.
  const env = loadInventory(join(writeTree({ 'hosts.yml': 'all:\n  vars:\n    vrrp_interface: "{{ lookup(\'env\', \'X\') }}"\n  hosts:\n    lb1:\n' }), 'hosts.yml'), { X: '{{ evil }}' });
  assert.equal(env.ok, false);
  assert.match(env.diagnostics[0]!.message, /vrrp_interface: still holds a template/);
});
