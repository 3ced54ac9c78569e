import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/index.js';
import { FIXTURES, mustLoad, writeTree } from './tmp-inventory.js';

test('a directory inventory reads every source file in name order, skipping ignored ones (*.ini too, as ansible-core 2.14)', () => {
  const dir = join(FIXTURES, 'dir-mixed');
  const r = loadInventory(dir);
  assert.ok(r.ok);
  const inv = r.value;
  assert.equal(inv.dir, dir);
  assert.deepEqual([...inv.hosts.keys()], ['lb3', 'web1', 'web2'], '01-static.ini is not read (ansible-inventory lists lb3, web1, web2)');
  assert.deepEqual(inv.groups.get('directors')!.hosts, ['lb3']);
  const skipped = r.diagnostics.filter((d) => d.code === 'inventory-skipped');
  assert.deepEqual(skipped.map((d) => d.where.file), [join(dir, '01-static.ini')], 'the skipped .ini is named in a warning');
  assert.match(skipped[0]!.hint!, /inventory_ignore_extensions/);
  assert.deepEqual(inv.groups.get('webservers')!.hosts, ['web1', 'web2'], 'the file without extension is read as INI');
  assert.equal(inv.hosts.get('lb3')!.vars.vrrp_interface, 'eth0', 'group_vars inside the directory');
});

test('a group_vars file for an unknown group is a warning with the closest name', () => {
  const r = loadInventory(join(FIXTURES, 'dir-mixed'));
  const w = r.diagnostics.filter((d) => d.code === 'unknown-vars-file');
  assert.equal(w.length, 1);
  assert.equal(w[0].severity, 'warning');
  assert.match(w[0].hint!, /webservers/);
});

test('group_vars/<name> without extension wins over <name>.yml, as Ansible picks the first found', () => {
  const dir = writeTree({
    'hosts.yml': 'web:\n  hosts:\n    w1:\n',
    'group_vars/web': 'x: plain\n',
    'group_vars/web.yml': 'x: yml\ny: yml\n',
  });
  const inv = mustLoad(join(dir, 'hosts.yml'));
  assert.deepEqual(inv.hosts.get('w1')!.vars, { x: 'plain' });
});

test('a missing inventory is an error with a hint', () => {
  const r = loadInventory('/nonexistent/hafleet/inventory.yml');
  assert.equal(r.ok, false);
  assert.equal(r.diagnostics[0].code, 'inventory-not-found');
  assert.match(r.diagnostics[0].hint!, /HAFLEET_INVENTORY/);
});

test('errors from several files are collected together', () => {
  const dir = writeTree({
    'a.yml': 'all:\n  hosts:\n    h1:\n     x: 1\n   y: 2\n',
    'b': '[g]\nh2 novalue\n',
    'group_vars/all.yml': '- not\n- a mapping\n',
  });
  const r = loadInventory(dir);
  assert.equal(r.ok, false);
  assert.deepEqual(r.diagnostics.map((d) => d.code).sort(), ['ini-syntax', 'vars-file-structure', 'yaml-syntax']);
});

test('vault-encrypted vars files and inventory scripts are skipped with a warning', () => {
  const dir = writeTree({
    'hosts.yml': 'all:\n  hosts:\n    h1:\n',
    'zz-script': '#!/bin/sh\necho {}\n',
    'group_vars/all/vault': '$ANSIBLE_VAULT;1.1;AES256\n6162\n',
    'group_vars/all/main.yml': 'x: 1\n',
  });
  const r = loadInventory(dir);
  assert.ok(r.ok);
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.severity]).sort(), [['inventory-script', 'warning'], ['vault-encrypted', 'warning']]);
  assert.deepEqual(r.value.hosts.get('h1')!.vars, { x: 1 });
});

test('!vault values stay strings', () => {
  const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    h1:\n      secret: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n        6162\n' });
  const inv = mustLoad(join(dir, 'hosts.yml'));
  assert.match(String(inv.hosts.get('h1')!.vars.secret), /^\$ANSIBLE_VAULT/);
});

test('1,000 hosts load in well under a second', () => {
  const lines = ['all:', '  vars:', '    ansible_user: admin', '  children:'];
  for (let g = 0; g < 10; g++) {
    lines.push(`    g${g}:`, '      vars:', `        role: r${g}`, '      hosts:');
    for (let h = 0; h < 100; h++) lines.push(`        h${g}-${h}:`, `          ansible_host: 198.18.${g}.${h + 1}`);
  }
  const dir = writeTree({ 'hosts.yml': lines.join('\n') + '\n', 'group_vars/all.yml': 'hafleet_clusters: [{name: web, vrid: 51}]\n' });
  mustLoad(join(dir, 'hosts.yml'));
  const t0 = performance.now();
  const inv = mustLoad(join(dir, 'hosts.yml'));
  const ms = performance.now() - t0;
  assert.equal(inv.hosts.size, 1000);
  assert.equal(inv.hosts.get('h9-99')!.vars.ansible_host, '198.18.9.100');
  // The real figure is tens of ms; the bound only catches a quadratic slip on a busy machine.
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
});

test('YAML warnings (an unknown tag) are passed on as warnings', () => {
  const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    h1:\n      x: !custom 1\n' });
  const r = loadInventory(join(dir, 'hosts.yml'));
  assert.ok(r.ok);
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.severity, d.where.line]), [['yaml-warning', 'warning', 4]]);
  assert.equal(r.value.hosts.get('h1')!.vars.x, '1');
});

test('a known_hosts file inside an inventory directory is not parsed as an inventory (issue 12, defect 24)', () => {
  const entry = '198.18.0.11 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMq4u0c1cQm1hRk2hE0f0u9m0ZbXoW7eYw5o2n9cVn8x\n';
  const hosts = 'all:\n  vars:\n    hafleet_known_hosts: ssh/hosts.keys\n  hosts:\n    lb1:\n      ansible_host: 198.18.0.11\n';
  // By OpenSSH's name, by the name hafleet_known_hosts gives it, and by its content.
  const dir = writeTree({ 'hosts.yml': hosts, known_hosts: entry, 'ssh/hosts.keys': entry, 'other-keys': entry + '|1|abc=|def= ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=\n' });
  const r = loadInventory(dir);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  assert.deepEqual([...r.value.hosts.keys()], ['lb1']);
  assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.where.file?.slice(dir.length + 1)}`), ['warning inventory-skipped other-keys']);
});

test('ansible-core 2.14 ignore rules: .ini, .cfg, .retry, .orig, .md and ~ are not read in a directory', () => {
  const dir = writeTree({
    'hosts': '[directors]\nlb1 ansible_host=198.18.0.11\n', 'old.ini': '[x]\nlb6\n',
    'ansible.cfg': '[defaults]\ninventory = .\n', 'site.retry': 'lb9\n', 'hosts.ini.orig': '[x]\nlb8\n', 'README.md': '# notes\n', 'hosts.ini~': '[x]\nlb7\n',
  });
  const r = loadInventory(dir);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  assert.deepEqual([...r.value.hosts.keys()], ['lb1']);
});

test('ignore extensions and patterns from ansible.cfg replace the defaults, as Ansible', () => {
  const dir = writeTree({ 'hosts.ini': '[directors]\nlb1\n', 'extra.yml': 'x:\n  hosts:\n    lb2:\n', 'skip-me': '[y]\nlb3\n' });
  const r = loadInventory(dir, {}, { ignoreExts: ['.yml'], ignorePatterns: ['skip'] });
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  assert.deepEqual([...r.value.hosts.keys()], ['lb1']);
  const bad = loadInventory(dir, {}, { ignorePatterns: ['(['] });
  assert.equal(bad.ok, false);
  assert.ok(bad.diagnostics.some((d) => d.code === 'inventory-ignore-pattern'));
});

test('ansible_group_priority from an inventory source orders groups and is no variable; from group_vars it is one', () => {
  const dir = writeTree({
    'hosts.yml': 'a:\n  vars: {x: a, ansible_group_priority: 5}\n  hosts: {h1: }\nb:\n  vars: {x: b}\n  hosts: {h1: }\n',
    'group_vars/b.yml': 'ansible_group_priority: 9\n',
  });
  const inv = mustLoad(dir);
  assert.equal(inv.hosts.get('h1')!.vars.x, 'a', 'a has priority 5 > 1: its x wins');
  assert.equal(inv.hosts.get('h1')!.vars.ansible_group_priority, 9, 'only the group_vars copy is a variable');
  assert.equal('ansible_group_priority' in inv.groups.get('a')!.vars, false);
});

test("lookup('env') reads the environment the caller hands down, and none when not given (never the process's own)", () => {
  const dir = writeTree({ 'hosts.yml': 'all:\n  vars:\n    role_home: "{{ lookup(\'env\', \'HOME\') }}"\n  hosts:\n    lb1:\n' });
  const given = loadInventory(dir, { HOME: '/home/ops' });
  assert.ok(given.ok, given.diagnostics.map((d) => d.message).join('\n'));
  assert.equal(given.value.hosts.get('lb1')!.vars.role_home, '/home/ops');
  assert.ok(process.env.HOME, 'this test needs a HOME to not read');
  const none = loadInventory(dir);
  assert.ok(none.ok);
  assert.equal(none.value.hosts.get('lb1')!.vars.role_home, '');
});
