/** keepalived's include semantics in --from-files and the loop finder; refusals by size and content. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildImport, snapshotFromFiles } from '../../../src/import/index.js';
import { HOSTS } from './snap.js';

function tree(files: Record<string, string | Buffer>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-imp-'));
  for (const [p, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, 'lb1', p)), { recursive: true });
    fs.writeFileSync(path.join(root, 'lb1', p), c);
  }
  return root;
}

test('includes: glob relative to the including file, sorted, hidden files skipped, a pattern matching nothing is a warning', (t) => {
  const root = tree({
    '/etc/keepalived/keepalived.conf': 'include conf.d/*.conf\ninclude /etc/keepalived/none/*.conf\n',
    '/etc/keepalived/conf.d/20-b.conf': 'vrrp_instance B {\n interface eth0\n virtual_router_id 52\n priority 100\n virtual_ipaddress {\n 198.18.0.102/24\n }\n}\n',
    '/etc/keepalived/conf.d/10-a.conf': 'include ../sub/a.inc\n',
    '/etc/keepalived/sub/a.inc': 'vrrp_instance A {\n interface eth0\n virtual_router_id 51\n priority 100\n virtual_ipaddress {\n 198.18.0.101/24\n }\n}\n',
    '/etc/keepalived/conf.d/.hidden.conf': 'garbage {\n',
  });
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const s = snapshotFromFiles(root, 'lb1');
  assert.deepEqual([...s.files.keys()], ['/etc/keepalived/keepalived.conf', '/etc/keepalived/conf.d/10-a.conf', '/etc/keepalived/conf.d/20-b.conf', '/etc/keepalived/sub/a.inc']);
  const r = buildImport([s], HOSTS);
  assert.ok(r.diagnostics.some((d) => d.code === 'import-include-empty' && /none/.test(d.message)));
  const names = JSON.stringify(r.clusters);
  assert.match(names, /"A"/);
  assert.match(names, /"B"/);
});

test('an include loop is an error naming the chain', (t) => {
  const root = tree({
    '/etc/keepalived/keepalived.conf': 'include a.conf\n',
    '/etc/keepalived/a.conf': 'include b.conf\n',
    '/etc/keepalived/b.conf': 'include a.conf\n',
  });
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const r = buildImport([snapshotFromFiles(root, 'lb1')], HOSTS);
  const d = r.diagnostics.find((x) => x.code === 'import-include-loop');
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal(d.severity, 'error');
  assert.match(d.message, /a\.conf → \/etc\/keepalived\/b\.conf → \/etc\/keepalived\/a\.conf/);
});

test('binary files and files over 1 MiB are refused with their path', (t) => {
  const root = tree({
    '/etc/keepalived/keepalived.conf': 'vrrp_script c {\n script /usr/local/bin/chk\n}\nvrrp_script d {\n script /usr/local/bin/huge\n}\n',
    '/usr/local/bin/chk': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]),
    '/usr/local/bin/huge': 'x'.repeat(1024 * 1024 + 1),
  });
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const r = buildImport([snapshotFromFiles(root, 'lb1')], HOSTS);
  const refused = r.diagnostics.filter((d) => d.code === 'import-file-refused').map((d) => d.message);
  assert.deepEqual(refused.sort(), ['/usr/local/bin/chk: a binary file, not read', '/usr/local/bin/huge: larger than 1 MiB (1048577 bytes), not read']);
});

test('a kept script that is not UTF-8 (a Latin-1 comment) is refused with host, file and line, not decoded with U+FFFD', (t) => {
  const root = tree({
    '/etc/keepalived/keepalived.conf': 'vrrp_script c {\n script /usr/local/bin/chk\n}\n',
    // "# vérifie" in Latin-1 on line 2: one byte 0xe9 that UTF-8 does not have alone.
    '/usr/local/bin/chk': Buffer.concat([Buffer.from('#!/bin/sh\n# v'), Buffer.from([0xe9]), Buffer.from('rifie\nexit 0\n')]),
  });
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const snap = snapshotFromFiles(root, 'lb1');
  assert.deepEqual(snap.files.get('/usr/local/bin/chk'), { kind: 'refused', reason: 'not UTF-8 text (kept scripts are deployed as text)', line: 2 });
  const r = buildImport([snap], HOSTS);
  const d = r.diagnostics.find((x) => x.code === 'import-file-refused');
  assert.ok(d && d.severity === 'error', JSON.stringify(r.diagnostics));
  assert.deepEqual([d.where.host, d.where.file, d.where.line], ['lb1', '/usr/local/bin/chk', 2]);
  assert.match(d.hint ?? '', /iconv/);
  assert.ok(!r.keptFiles.some((k) => k.path === '/usr/local/bin/chk'), 'not kept altered');
  // UTF-8 with a BOM and an é is text, kept byte for byte.
  const ok = tree({ '/etc/keepalived/keepalived.conf': 'vrrp_script c {\n script /usr/local/bin/chk\n}\n', '/usr/local/bin/chk': '\ufeff#!/bin/sh\n# vérifie\nexit 0\n' });
  t.after(() => fs.rmSync(ok, { recursive: true, force: true }));
  assert.deepEqual(snapshotFromFiles(ok, 'lb1').files.get('/usr/local/bin/chk'), { kind: 'text', text: '\ufeff#!/bin/sh\n# vérifie\nexit 0\n' });
});

test('a configuration keepalived rejects is an error with its file:line', (t) => {
  const root = tree({ '/etc/keepalived/keepalived.conf': 'vrrp_instance A {\n interface eth0\n' });
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const r = buildImport([snapshotFromFiles(root, 'lb1')], HOSTS);
  const d = r.diagnostics.find((x) => x.code === 'import-conf-rejected');
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal(d.where.file, '/etc/keepalived/keepalived.conf');
  assert.equal(d.where.host, 'lb1');
  assert.ok(d.where.line);
});
