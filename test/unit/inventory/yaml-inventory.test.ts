import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/index.js';
import { FIXTURES, mustLoad, writeTree } from './tmp-inventory.js';

test('field YAML inventory: groups, children, ranges, ports, YAML 1.1 booleans', () => {
  const inv = mustLoad(join(FIXTURES, 'field-yaml/hosts.yml'));
  assert.deepEqual([...inv.hosts.keys()], ['jump', 'lb1', 'lb2', 'rs1', 'rs2', 'rs3', 'rs4', 'db-a', 'db-b', 'db-c']);
  assert.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'lvs', 'canary', 'dbs']);
  assert.deepEqual(inv.groups.get('lvs')!.children, ['directors', 'realservers']);
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['jump']);
  assert.deepEqual(inv.groups.get('realservers')!.hosts, ['rs1', 'rs2', 'rs3', 'rs4']);
  assert.deepEqual(inv.hosts.get('rs2')!.groups, ['all', 'lvs', 'canary', 'realservers']);
  assert.equal(inv.hosts.get('db-c')!.vars.ansible_port, 2200);
  assert.equal(inv.hosts.get('lb1')!.vars.ansible_become, true);
  assert.equal(inv.hosts.get('lb1')!.vars.ansible_host, '198.18.3.11');
  // group_vars/all/ is a directory: both files are read.
  assert.deepEqual(inv.hosts.get('rs1')!.vars.ntp_servers, ['198.18.0.5']);
  assert.equal((inv.hosts.get('rs1')!.vars.hafleet_clusters as { vrid: number }[])[0].vrid, 60);
});

test('YAML 1.1 scalars as PyYAML reads them', () => {
  const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    h1:\n      a: yes\n      b: off\n      c: "yes"\n      d: 0777\n      e: ~\n      y: n\n' });
  const v = mustLoad(join(dir, 'hosts.yml')).hosts.get('h1')!.vars;
  assert.deepEqual(v, { a: true, b: false, c: 'yes', d: 511, e: null, y: 'n' });
});

test('bare strings for hosts/children and empty groups are accepted, as by Ansible', () => {
  const dir = writeTree({ 'hosts.yml': 'all:\n  children:\n    web:\n      hosts: web1\n    empty:\n    lb: {children: web}\n' });
  const inv = mustLoad(join(dir, 'hosts.yml'));
  assert.deepEqual(inv.groups.get('web')!.hosts, ['web1']);
  assert.deepEqual(inv.groups.get('lb')!.children, ['web']);
  assert.ok(inv.groups.has('empty'));
});

test('a host declared in two groups merges its vars (later declaration wins)', () => {
  const dir = writeTree({ 'hosts.yml': 'a:\n  hosts:\n    h1: {x: 1, y: 1}\nb:\n  hosts:\n    h1: {y: 2}\n' });
  const inv = mustLoad(join(dir, 'hosts.yml'));
  assert.deepEqual(inv.hosts.get('h1')!.vars, { x: 1, y: 2 });
  assert.deepEqual(inv.hosts.get('h1')!.groups, ['all', 'a', 'b']);
});

test('YAML syntax error has file:line:col', () => {
  const r = loadInventory(join(FIXTURES, 'errors/syntax.yml'));
  assert.equal(r.ok, false);
  const d = r.diagnostics.find((x) => x.code === 'yaml-syntax');
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal(d.where.file, join(FIXTURES, 'errors/syntax.yml'));
  assert.equal(d.where.line, 5);
  assert.equal(d.where.col, 1);
});

test('the same host twice in one hosts mapping is duplicate-host, at the second key', () => {
  const r = loadInventory(join(FIXTURES, 'errors/duplicate-host.yml'));
  assert.equal(r.ok, false);
  const dups = r.diagnostics.filter((d) => d.code === 'duplicate-host');
  assert.equal(dups.length, 1);
  assert.match(dups[0].message, /lb1/);
  assert.deepEqual([dups[0].where.line, dups[0].where.col], [9, 9]);
});

test('duplicate variable keys are reported', () => {
  const dir = writeTree({ 'hosts.yml': 'all:\n  vars:\n    a: 1\n    a: 2\n  hosts:\n    h1:\n' });
  const r = loadInventory(join(dir, 'hosts.yml'));
  assert.equal(r.ok, false);
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.where.line]), [['duplicate-key', 4]]);
});

test('structure errors are all collected, each with a hint', () => {
  const r = loadInventory(join(FIXTURES, 'errors/structure.yml'));
  assert.equal(r.ok, false);
  const got = r.diagnostics.map((d) => [d.code, d.where.line, d.where.col]);
  assert.deepEqual(got, [
    ['inventory-structure', 1, 1],
    ['inventory-structure', 3, 1],
    ['inventory-structure', 5, 3],
    ['inventory-structure', 9, 1],
  ]);
  assert.ok(r.diagnostics.every((d) => d.hint));
  assert.match(r.diagnostics[2].hint!, /did you mean 'hosts'/);
  assert.match(r.diagnostics[3].hint!, /hosts: \{ host1/);
});

test('top level must be a mapping', () => {
  const dir = writeTree({ 'hosts.yml': '- web1\n- web2\n' });
  const r = loadInventory(join(dir, 'hosts.yml'));
  assert.equal(r.ok, false);
  assert.equal(r.diagnostics[0].code, 'inventory-structure');
  assert.match(r.diagnostics[0].hint!, /all:/);
});

test('a group that is its own ancestor is an error', () => {
  const dir = writeTree({ 'hosts.yml': 'a:\n  children:\n    b:\n      children:\n        a:\n' });
  const r = loadInventory(join(dir, 'hosts.yml'));
  assert.equal(r.ok, false);
  assert.match(r.diagnostics[0].message, /own ancestor/);
});

test('anchors, aliases and << merge keys, with whereOf following them', () => {
  const text = [
    'all:',
    '  vars:',
    '    defaults: &defaults',
    '      ansible_user: admin',
    '      ansible_port: 22',
    '  hosts:',
    '    h1:',
    '      <<: *defaults',
    '      ansible_port: 2222',
    '    h2: *defaults',
    '',
  ].join('\n');
  const dir = writeTree({ 'hosts.yml': text });
  const file = join(dir, 'hosts.yml');
  const inv = mustLoad(file);
  assert.equal(inv.hosts.get('h1')!.vars.ansible_user, 'admin');
  assert.equal(inv.hosts.get('h1')!.vars.ansible_port, 2222);
  assert.equal(inv.hosts.get('h2')!.vars.ansible_port, 22);
  assert.deepEqual(inv.whereOf('h1', ['ansible_user']), { file, line: 4, col: 7 }, 'through the merge key to the anchor');
  assert.deepEqual(inv.whereOf('h1', ['ansible_port']), { file, line: 9, col: 7 });
  assert.deepEqual(inv.whereOf('h2', ['ansible_port']), { file, line: 5, col: 7 }, 'through the alias');
});
