/** Several inventory sources (-i a -i b, ansible.cfg's list) read into one inventory, as ansible-core does. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadInventory, toAnsibleList } from '../../../src/inventory/index.js';
import { writeTree } from './tmp-inventory.js';

test('two sources: hosts and groups merge in source order; each source reads its own group_vars/host_vars', () => {
  const root = writeTree({
    'a/hosts.yml': 'web:\n  hosts:\n    w1:\n      x: a\n',
    'a/group_vars/web.yml': 'from_a: 1\nboth: a\n',
    'b/hosts': '[web]\nw2\n[db]\nd1 x=b\n',
    'b/group_vars/web.yml': 'both: b\n',
    'b/host_vars/w1.yml': 'hv: b\n',
  });
  const r = loadInventory([join(root, 'a'), join(root, 'b')], {});
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  const inv = r.value;
  assert.deepEqual([...inv.hosts.keys()], ['w1', 'w2', 'd1']);
  assert.deepEqual(inv.sources, [join(root, 'a'), join(root, 'b')]);
  assert.equal(inv.dir, join(root, 'a'), 'templates/ and relative paths: the first source');
  assert.deepEqual(inv.hosts.get('w1')!.vars, { x: 'a', from_a: 1, both: 'b', hv: 'b' }, "b's group_vars/web.yml is read after a's; b's host_vars/w1 names a host of a");
  assert.deepEqual(inv.hosts.get('w2')!.vars, { from_a: 1, both: 'b' });
  assert.deepEqual(toAnsibleList(inv).web, { hosts: ['w1', 'w2'] });
});

test('group_vars of two sources merge source by source (the second source\'s lower group beats the first\'s higher one)', () => {
  // Ansible's get_vars_from_inventory_sources: all groups of source 1, then all groups of source 2.
  const root = writeTree({
    'a/hosts': '[parent:children]\nchild\n[child]\nh1\n',
    'a/group_vars/child.yml': 'v: a-child\n',
    'b/hosts': '[parent:children]\nchild\n',
    'b/group_vars/parent.yml': 'v: b-parent\n',
  });
  const r = loadInventory([join(root, 'a', 'hosts'), join(root, 'b', 'hosts')], {});
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  assert.equal(r.value.hosts.get('h1')!.vars.v, 'b-parent');
  const one = loadInventory([join(root, 'a', 'hosts')], {});
  assert.ok(one.ok);
  assert.equal(one.value.hosts.get('h1')!.vars.v, 'a-child');
});

test('a missing source among several is an error naming it (Ansible only warns and reads the rest)', () => {
  const root = writeTree({ 'a/hosts.yml': 'all:\n  hosts:\n    h1:\n' });
  const r = loadInventory([join(root, 'a'), join(root, 'gone')], {});
  assert.equal(r.ok, false);
  assert.ok(r.diagnostics.some((d) => d.code === 'inventory-not-found' && d.message.includes(join(root, 'gone'))));
  assert.equal(loadInventory([], {}).ok, false, 'no source at all');
});

test("a comma-separated host list (Ansible's host_list plugin) is refused by name, not as a missing file", () => {
  const r = loadInventory('lb1,lb2,', {});
  assert.equal(r.ok, false);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['inventory-host-list']);
});
