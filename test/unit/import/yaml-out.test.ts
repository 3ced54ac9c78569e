/** The writer's YAML reads back, through the inventory's own loader, as exactly the values given. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { toYaml } from '../../../src/import/index.js';
import { sc, ylist, ymap } from '../../../src/import/yaml-out.js';
import { loadInventory } from '../../../src/inventory/index.js';

test('hostile strings, comments and a block scalar round-trip through the inventory loader', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-yaml-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const hostile = ['a: b', '- x', '# no', "'q'", '"dq"', '{{ x }}', 'yes', 'null', '0755', '\u0085', '*alias', '&anchor', '!!python/object', 'a\\b', 'line\nbreak'];
  const block = 'global_defs {\n   smtp_server 127.0.0.1\n\n    # note: x\n}';
  const text = toYaml(ymap([
    ['strings', ylist(hostile.map((h) => sc(h, 'lb1:/etc/keepalived/keepalived.conf:1 # \u001b[31m')))],
    ['n', sc(51, 'x')], ['b', sc(false)],
    ['extra', { kind: 'block', text: block }],
  ]), ['header\nwith newline']);
  assert.doesNotMatch(text, /\u001b/);
  fs.writeFileSync(path.join(dir, 'hosts.yml'), 'all:\n  hosts:\n    lb1:\n');
  fs.mkdirSync(path.join(dir, 'group_vars'));
  fs.writeFileSync(path.join(dir, 'group_vars', 'all.yml'), text);
  const inv = loadInventory([path.join(dir, 'hosts.yml')]);
  assert.ok(inv.ok, JSON.stringify(inv.diagnostics));
  const v = inv.value.hosts.get('lb1')!.vars;
  assert.deepEqual(v['strings'], hostile);
  assert.equal(v['n'], 51);
  assert.equal(v['b'], false);
  assert.equal(v['extra'], block);
});
