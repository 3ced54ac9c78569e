import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/index.js';
import { mustLoad, writeTree } from './tmp-inventory.js';

const LIST = JSON.stringify({
  directors: { hosts: ['lb1', 'lb2'], vars: { vrrp_interface: 'eth0' } },
  lvs: { children: ['directors', 'realservers'] },
  realservers: ['rs1'],
  _meta: { hostvars: { lb1: { ansible_host: '198.18.0.11' }, rs1: { ansible_port: 2222 } } },
});

function script(files: Record<string, string>, name: string): string {
  const dir = writeTree(files);
  chmodSync(join(dir, name), 0o755);
  return dir;
}

test('an executable inventory script is run with --list; _meta.hostvars gives host variables', () => {
  const dir = script({ 'cmdb.sh': `#!/bin/sh\n[ "$1" = --list ] || exit 9\ncat <<'J'\n${LIST}\nJ\n` }, 'cmdb.sh');
  const inv = mustLoad(join(dir, 'cmdb.sh'));
  assert.deepEqual([...inv.hosts.keys()], ['lb1', 'lb2', 'rs1']);
  assert.deepEqual(inv.groups.get('lvs')!.children, ['directors', 'realservers']);
  assert.deepEqual(inv.hosts.get('lb1')!.vars, { vrrp_interface: 'eth0', ansible_host: '198.18.0.11' });
  assert.deepEqual(inv.hosts.get('rs1')!.vars, { ansible_port: 2222 });
  assert.ok(inv.hosts.get('lb2')!.groups.includes('lvs'));
});

test('without _meta the script is asked --host H for each host', () => {
  const body = `#!/bin/sh\ncase "$1" in\n--list) echo '{"web": {"hosts": ["w1", "w2"]}}';;\n--host) echo "{\\"who\\": \\"$2\\"}";;\nesac\n`;
  const dir = script({ 'inv.py': body }, 'inv.py');
  const inv = mustLoad(join(dir, 'inv.py'));
  assert.equal(inv.hosts.get('w1')!.vars.who, 'w1');
  assert.equal(inv.hosts.get('w2')!.vars.who, 'w2');
});

test('a script inside an inventory directory is run beside static files; a non-executable one is skipped with a warning', () => {
  const dir = script({ 'a-static.yml': 'web:\n  hosts:\n    w9:\n', 'b-dyn': `#!/bin/sh\necho '{"web": ["w1"]}'\n`, 'c-plain': '#!/bin/sh\necho {}\n' }, 'b-dyn');
  const r = loadInventory(dir);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  assert.deepEqual(r.value.groups.get('web')!.hosts, ['w9', 'w1']);
  assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code}`), ['warning inventory-script']);
  assert.match(r.diagnostics[0]!.message, /c-plain is a script but not executable/);
});

test('a failing script, one that prints no JSON and one with a bad shape are errors naming the script', () => {
  const cases: [string, RegExp][] = [
    ['#!/bin/sh\necho "cmdb down" >&2\nexit 3\n', /--list exited with status 3: cmdb down/],
    ['#!/bin/sh\necho hello\n', /--list printed no JSON/],
    ['#!/bin/sh\necho "[1, 2]"\n', /not an object of groups/],
    ['#!/bin/sh\necho \'{"web": {"hosts": "w1"}}\'\n', /web\.hosts is not a list/],
  ];
  for (const [body, re] of cases) {
    const dir = script({ 'inv': body }, 'inv');
    const r = loadInventory(join(dir, 'inv'));
    assert.equal(r.ok, false, body);
    const d = r.diagnostics.find((x) => x.code === 'inventory-script')!;
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.match(d.message, re);
    assert.ok(d.message.includes(join(dir, 'inv')), 'the script is named');
    assert.equal(d.where.file, join(dir, 'inv'));
  }
});

test('a script is run without a shell: its arguments are never shell words', () => {
  const dir = script({ 'inv': '#!/bin/sh\nprintf \'{"g": ["%s"]}\' "$#"\n' }, 'inv');
  const inv = mustLoad(join(dir, 'inv'));
  assert.deepEqual([...inv.hosts.keys()], ['1'], 'one argument, --list');
});

test('a YAML file with plugin: is refused naming the plugin, never read as groups', () => {
  const dir = writeTree({ 'aws_ec2.yml': 'plugin: amazon.aws.aws_ec2\nregions:\n  - eu-west-1\n' });
  const r = loadInventory(join(dir, 'aws_ec2.yml'));
  assert.equal(r.ok, false);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['inventory-plugin']);
  assert.match(r.diagnostics[0]!.message, /inventory plugin 'amazon\.aws\.aws_ec2', which hafleet does not run/);
  assert.equal(r.diagnostics[0]!.where.line, 1);
  const inDir = loadInventory(writeTree({ 'hosts.yml': 'web:\n  hosts:\n    w1:\n', 'netbox.yml': 'plugin: netbox.netbox.nb_inventory\n' }));
  assert.equal(inDir.ok, false);
  assert.match(inDir.diagnostics.find((d) => d.code === 'inventory-plugin')!.message, /'netbox\.netbox\.nb_inventory'/);
});
