import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/index.js';
import { FIXTURES, mustLoad, writeTree } from './tmp-inventory.js';

const FIELD = join(FIXTURES, 'field-ini/hosts.ini');

test('field INI inventory: sections, children, ranges, ungrouped hosts', () => {
  const inv = mustLoad(FIELD);
  assert.deepEqual([...inv.hosts.keys()], [
    'bastion', 'lb1', 'lb2', 'web01', 'web02', 'web03', 'web04', 'db-a.example.test', 'db-b.example.test', 'db-c.example.test',
  ]);
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['bastion']);
  assert.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'databases', 'prod']);
  assert.deepEqual(inv.groups.get('prod')!.children, ['lb', 'webservers']);
  assert.deepEqual(inv.groups.get('lb')!.children, ['directors']);
  assert.deepEqual(inv.hosts.get('lb1')!.groups, ['all', 'prod', 'lb', 'directors']);
});

test('host-line values are Python literals after shell-style splitting', () => {
  const inv = mustLoad(FIELD);
  const web04 = inv.hosts.get('web04')!.vars;
  assert.equal(web04.ansible_port, 2222);
  assert.equal(web04.realserver_backup, true);
  assert.equal(web04.note, 'spare node', 'quotes removed, trailing comment dropped');
  assert.equal(inv.hosts.get('lb1')!.vars.vrrp_priority, 200, 'host_vars/lb1.yml beats the host line');
  assert.equal(inv.hosts.get('lb2')!.vars.vrrp_priority, 100);
  assert.equal(inv.hosts.get('lb2')!.vars.unicast_src_ip, '198.18.1.12');
  assert.equal(inv.hosts.get('web01')!.vars.ansible_user, 'deploy', 'host line beats [all:vars]');
});

test('[group:vars] values: literals without shell splitting, strings otherwise', () => {
  const inv = mustLoad(FIELD);
  const lb1 = inv.hosts.get('lb1')!.vars;
  assert.equal(lb1.max_conn, 512);
  assert.equal(lb1.env_label, 'prod');
  assert.equal(lb1.ansible_become, 'yes', 'yes is not a Python literal: it stays a string, as in Ansible');
  assert.equal(lb1.ansible_ssh_common_args, '-o ProxyJump=ops@198.18.0.2 -o StrictHostKeyChecking=yes');
  const dir = writeTree({ 'hosts': '[g]\nh\n[g:vars]\nq="22"\nn=22\nc=a # b\nl=[1, 2]\n' });
  const v = mustLoad(join(dir, 'hosts')).hosts.get('h')!.vars;
  assert.deepEqual(v, { q: '22', n: 22, c: 'a # b', l: [1, 2] });
});

test('group_vars directories, JSON and host_vars directories beside an INI file', () => {
  const inv = mustLoad(FIELD);
  assert.equal(inv.hosts.get('lb1')!.vars.vrrp_interface, 'eth0', '20-override.yaml is read after 10-vrrp.yml');
  assert.equal(inv.hosts.get('lb1')!.vars.keepalived_log, '/var/log/keepalived.log');
  assert.equal(inv.hosts.get('web01')!.vars.realserver_weight, 2, 'group_vars/webservers.json');
  assert.equal(inv.hosts.get('web03')!.vars.realserver_weight, 5, 'host_vars/web03/ directory');
  assert.equal(inv.hosts.get('web03')!.vars.ansible_host, '198.18.2.13');
});

test('every bad line is reported with its line number', () => {
  const r = loadInventory(join(FIXTURES, 'errors/bad.ini'));
  assert.equal(r.ok, false);
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.where.line]), [
    ['ini-syntax', 3],
    ['ini-syntax', 4],
    ['ini-syntax', 6],
    ['ini-syntax', 11],
    ['ini-syntax', 13],
    ['ini-syntax', 16],
  ]);
  assert.match(r.diagnostics[3].message, /undefined group 'webservers'/);
  assert.match(r.diagnostics[4].message, /\[staging:vars\]/);
});

test('children may be declared before their group, as in Ansible', () => {
  const dir = writeTree({ 'inv.ini': '[prod:children]\nweb\n[web]\nw1\n[staging:vars]\nx=1\n[staging]\ns1\n' });
  const inv = mustLoad(join(dir, 'inv.ini'));
  assert.deepEqual(inv.groups.get('prod')!.children, ['web']);
  assert.equal(inv.hosts.get('s1')!.vars.x, 1);
});

test('a host listed before any section and in a group is not ungrouped', () => {
  const dir = writeTree({ 'inv.ini': 'h1\nh2\n[web]\nh1\n' });
  const inv = mustLoad(join(dir, 'inv.ini'));
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['h2']);
});

test('a misspelt section type gets a hint', () => {
  const dir = writeTree({ 'inv.ini': '[web:var]\nx=1\n' });
  const r = loadInventory(join(dir, 'inv.ini'));
  assert.equal(r.ok, false);
  assert.match(r.diagnostics[0].hint!, /\[web:vars\]/);
});
