import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { loadInventory } from '../../../src/inventory/index.js';
import { writeTree } from './tmp-inventory.js';

const ROOT = resolve(import.meta.dirname, '../../..');

// Billion laughs: 9^7 = 4.7 million strings from 7 lines.
const BOMB = [
  'x0: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'x1: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'x2: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'x3: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'x4: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'x5: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'x6: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
].join('\n');

test('a YAML alias bomb in an inventory file is a diagnostic naming the file, not an exception (issue 12, defect 16)', () => {
  const dir = writeTree({ 'hosts.yml': `${BOMB}\nall:\n  hosts:\n    lb1:\n      x: *g\n` });
  const r = loadInventory(join(dir, 'hosts.yml'));
  assert.equal(r.ok, false);
  const d = r.diagnostics.find((x) => x.code === 'yaml-alias');
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal(d.where.file, join(dir, 'hosts.yml'));
  assert.equal(d.where.line, 2, 'the first alias');
});

test('an alias bomb in group_vars is refused the same way', () => {
  const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    lb1:\n', 'group_vars/all.yml': `${BOMB}\nbig: *g\n` });
  const r = loadInventory(dir);
  assert.equal(r.ok, false);
  assert.ok(r.diagnostics.some((x) => x.code === 'yaml-alias' && x.where.file?.endsWith('group_vars/all.yml')));
});

test('ordinary anchors and merge keys still load', () => {
  const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    lb1:\n', 'group_vars/all.yml': 'base: &base { port: 22 }\nsvc: { <<: *base, name: web }\nsame: *base\n' });
  const r = loadInventory(dir);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  assert.deepEqual(r.value.hosts.get('lb1')!.vars.svc, { port: 22, name: 'web' });
  assert.deepEqual(r.value.hosts.get('lb1')!.vars.same, { port: 22 });
});

test('hafleet lint exits 65 (bad inventory), not 70 (internal error), on an alias bomb', () => {
  const dir = writeTree({ 'hosts.yml': `${BOMB}\nall:\n  hosts:\n    lb1:\n      x: *g\n` });
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'lint', '-i', dir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 65, r.stderr);
  assert.match(r.stderr, /error\[yaml-alias\]: .*hosts\.yml:2:/);
});
