/**
 * writeImportDir: the source inventory's own group_vars/host_vars files are copied, then import
 * appends to them — auth_pass into group_vars/all.yml. A copied file keeps the source's mode
 * (0644 often), so it is made 0600 before the secret goes in (6b0fcde).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildImport, snapshotFromFiles, writeImportDir } from '../../../src/import/index.js';
import { loadInventory } from '../../../src/inventory/index.js';

const FIX = path.resolve('test/fixtures/import');
const HOSTS = [
  { name: 'lb1', address: '198.18.0.11' }, { name: 'lb2', address: '198.18.0.12' },
  { name: 'web1', address: '198.18.0.21' }, { name: 'web2', address: '198.18.0.22' },
];

test('a group_vars/host_vars file copied from the source inventory (0644) is 0600 once auth_pass and the host variables are in it', (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-import-wd-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const src = path.join(tmp, 'src');
  fs.mkdirSync(path.join(src, 'group_vars'), { recursive: true });
  fs.mkdirSync(path.join(src, 'host_vars'), { recursive: true });
  fs.copyFileSync(path.join(FIX, 'hosts.yml'), path.join(src, 'hosts.yml'));
  // The source's own variables, world-readable as inventories in git usually are; no final newline.
  fs.writeFileSync(path.join(src, 'group_vars', 'all.yml'), 'ntp_server: 198.18.0.1', { mode: 0o644 });
  fs.writeFileSync(path.join(src, 'host_vars', 'lb1.yml'), 'rack: a1\n', { mode: 0o644 });
  fs.chmodSync(path.join(src, 'group_vars', 'all.yml'), 0o644);
  fs.chmodSync(path.join(src, 'host_vars', 'lb1.yml'), 0o644);
  const copies = path.join(FIX, 'single-vip', 'copies');
  const r = buildImport(fs.readdirSync(copies).sort().map((h) => snapshotFromFiles(copies, h)), HOSTS);
  const out = path.join(tmp, 'out');
  assert.deepEqual(writeImportDir([src], out, r), []);
  const all = path.join(out, 'group_vars', 'all.yml');
  const lb1 = path.join(out, 'host_vars', 'lb1.yml');
  for (const f of [all, lb1]) assert.equal(fs.statSync(f).mode & 0o777, 0o600, `${f} is 0600`);
  // The source's lines kept, import's appended; auth_pass (the fixture's, cut to 8) is in the 0600 file.
  const text = fs.readFileSync(all, 'utf8');
  assert.match(text, /^ntp_server: 198\.18\.0\.1\n\n/);
  assert.match(text, /auth_pass: /);
  assert.match(fs.readFileSync(lb1, 'utf8'), /^rack: a1\n\n[^]*vrrp_router_id/);
  // A host_vars file import created (no source file) is 0600 too; the source files are untouched.
  assert.equal(fs.statSync(path.join(out, 'host_vars', 'lb2.yml')).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.join(src, 'group_vars', 'all.yml')).mode & 0o777, 0o644);
  const inv = loadInventory([path.join(out, 'hosts.yml')]);
  assert.ok(inv.ok, JSON.stringify(inv.diagnostics));
  assert.equal(inv.value.hosts.get('lb1')?.vars['rack'], 'a1');
});

test('a group_vars file or host_vars folder kept as a symlink in the source is copied as files: the secret never goes through the link into the source inventory', (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-import-wd-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const src = path.join(tmp, 'src');
  const shared = path.join(tmp, 'shared');
  fs.mkdirSync(path.join(src, 'group_vars'), { recursive: true });
  fs.mkdirSync(path.join(shared, 'host_vars'), { recursive: true });
  fs.copyFileSync(path.join(FIX, 'hosts.yml'), path.join(src, 'hosts.yml'));
  fs.writeFileSync(path.join(shared, 'all.yml'), 'ntp_server: 198.18.0.1\n', { mode: 0o644 });
  fs.writeFileSync(path.join(shared, 'host_vars', 'lb1.yml'), 'rack: a1\n', { mode: 0o644 });
  fs.symlinkSync(path.join(shared, 'all.yml'), path.join(src, 'group_vars', 'all.yml'));
  fs.symlinkSync(path.join(shared, 'host_vars'), path.join(src, 'host_vars'));
  fs.symlinkSync(path.join(tmp, 'nowhere'), path.join(src, 'dangling'));
  const copies = path.join(FIX, 'single-vip', 'copies');
  const r = buildImport(fs.readdirSync(copies).sort().map((h) => snapshotFromFiles(copies, h)), HOSTS);
  const out = path.join(tmp, 'out');
  assert.deepEqual(writeImportDir([src], out, r), []);
  for (const f of [path.join(out, 'group_vars', 'all.yml'), path.join(out, 'host_vars'), path.join(out, 'host_vars', 'lb1.yml')]) assert.equal(fs.lstatSync(f).isSymbolicLink(), false, `${f} is a copy`);
  assert.match(fs.readFileSync(path.join(out, 'group_vars', 'all.yml'), 'utf8'), /^ntp_server: 198\.18\.0\.1\n[^]*auth_pass: /);
  assert.equal(fs.readFileSync(path.join(shared, 'all.yml'), 'utf8'), 'ntp_server: 198.18.0.1\n', 'the source file is untouched');
  assert.equal(fs.readFileSync(path.join(shared, 'host_vars', 'lb1.yml'), 'utf8'), 'rack: a1\n');
  assert.deepEqual(fs.readdirSync(path.join(shared, 'host_vars')), ['lb1.yml'], 'nothing written into the linked folder');
});
