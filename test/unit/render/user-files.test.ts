/**
 * hafleet_files: the operator's own files land on the host with their bytes, root-owned with the
 * entry's mode, validated by their #! line; hostile entries stop at the gate with the key named —
 * the typing gate for what the value says (../, absolute src, a dest outside the allowed
 * directories, a mode above 0755), render for what the disk says (a symlink out of the inventory
 * directory, too big, binary, missing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../../../src/diagnostics/index.js';
import { loadInventory } from '../../../src/inventory/index.js';
import { buildTopology } from '../../../src/topology/index.js';
import { renderFleet } from '../../../src/render/index.js';
import { lintInventory } from '../../../src/lint/index.js';
import { copyExample } from './example.js';

const SCRIPT = '#!/bin/sh\n# hand-written, years ago\tby someone who left — é\r\ncurl -fsS http://127.0.0.1/health >/dev/null || exit 1\n';
// A BOM first: no #! line the kernel would read, and kept as it is.
const PY = '\ufeff#!/usr/bin/env python3\nprint("ok")\n';

function inventory(hostVars: string, files: Record<string, string | Buffer> = {}): string {
  const dir = copyExample('nginx-ha');
  mkdirSync(join(dir, 'host_vars'), { recursive: true });
  writeFileSync(join(dir, 'host_vars', 'lb1.yml'), hostVars);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

function gate(dir: string): { ok: boolean; diagnostics: Diagnostic[]; render?: ReturnType<typeof renderFleet> } {
  const inv = loadInventory(dir);
  assert.ok(inv.ok, inv.diagnostics.map(formatDiagnostic).join('\n'));
  const topo = buildTopology(inv.value);
  if (!topo.ok) return { ok: false, diagnostics: topo.diagnostics };
  const r = renderFleet(inv.value, topo.value);
  return { ok: r.ok, diagnostics: r.diagnostics, render: r };
}

const ENTRY = (src: string, dest = '/etc/keepalived/chk_app.sh', mode = '"0755"') => `hafleet_files:\n  - src: ${JSON.stringify(src)}\n    dest: ${JSON.stringify(dest)}\n    mode: ${mode}\n`;

test('a hafleet_files entry lands with its bytes (BOM, tab, CR, UTF-8 kept), root-owned, its mode, checked by its #! line', () => {
  const dir = inventory(ENTRY('files/lb1/etc/keepalived/chk_app.sh') + '  - src: files/lb1/usr/local/bin/report.py\n    dest: /usr/local/bin/report.py\n',
    { 'files/lb1/etc/keepalived/chk_app.sh': SCRIPT, 'files/lb1/usr/local/bin/report.py': PY });
  const g = gate(dir);
  assert.ok(g.ok, g.diagnostics.map(formatDiagnostic).join('\n'));
  const r = g.render!;
  if (!r.ok) return assert.fail('rendered');
  const lb1 = r.value.get('lb1')!;
  const f = lb1.files.find((x) => x.path === '/etc/keepalived/chk_app.sh')!;
  assert.equal(Buffer.compare(Buffer.from(f.content, 'utf8'), Buffer.from(SCRIPT, 'utf8')), 0, 'the same bytes');
  assert.deepEqual([f.mode, f.owner, f.group, f.role, f.validate, f.notify], ['0755', 'root', 'root', 'director', 'sh -n {path}', []]);
  // The validate command the host runs accepts the file (real sh).
  const tmp = join(mkdtempSync(join(tmpdir(), 'hf-uf-')), 'chk');
  writeFileSync(tmp, f.content);
  assert.equal(spawnSync('sh', ['-c', f.validate!.replace('{path}', tmp)]).status, 0);
  const py = lb1.files.find((x) => x.path === '/usr/local/bin/report.py')!;
  assert.equal(Buffer.from(py.content, 'utf8')[0], 0xef, 'BOM kept');
  assert.deepEqual([py.content, py.mode, py.validate], [PY, '0644', undefined], 'its bytes with the BOM, default mode 0644, no syntax check');
  // Before keepalived.conf: keepalived -t needs the scripts it names to exist.
  assert.ok(lb1.files.findIndex((x) => x.path === f.path) < lb1.files.findIndex((x) => x.path === '/etc/keepalived/keepalived.conf'));
  assert.ok(!r.value.get('lb2')!.files.some((x) => x.path === f.path), 'only the host whose vars list it');
});

test('a known secret inside a kept file is listed for masking; the file is still deployed', () => {
  const dir = inventory(ENTRY('files/chk.sh') + 'app_secret: "s3cr3t-app"\n', { 'files/chk.sh': '#!/bin/bash\ncurl -u app:s3cr3t-app http://127.0.0.1/\n' });
  const g = gate(dir);
  assert.ok(g.ok, g.diagnostics.map(formatDiagnostic).join('\n'));
  const f = g.render!.ok && g.render!.value.get('lb1')!.files.find((x) => x.path === '/etc/keepalived/chk_app.sh')!;
  assert.ok(f);
  assert.deepEqual([f.secrets, f.validate], [['s3cr3t-app'], 'bash -n {path}']);
});

const TYPED: [string, string, RegExp][] = [
  ['../ in src', ENTRY('../secrets.sh'), /hafleet_files\[0\]\.src/],
  ['a .. hidden inside src', ENTRY('files/../../etc/shadow'), /hafleet_files\[0\]\.src/],
  ['absolute src', ENTRY('/etc/shadow'), /hafleet_files\[0\]\.src/],
  ['dest outside the allowed directories', ENTRY('files/chk.sh', '/etc/cron.d/evil'), /hafleet_files\[0\]\.dest/],
  ['dest escaping with ..', ENTRY('files/chk.sh', '/etc/keepalived/../sudoers'), /hafleet_files\[0\]\.dest/],
  ['dest the directory itself', ENTRY('files/chk.sh', '/usr/local/sbin'), /hafleet_files\[0\]\.dest/],
  ['setuid mode', ENTRY('files/chk.sh', undefined, '"4755"'), /hafleet_files\[0\]\.mode/],
  ['group-writable mode', ENTRY('files/chk.sh', undefined, '"0775"'), /hafleet_files\[0\]\.mode/],
  ['an unquoted mode (YAML reads 755 as a number)', ENTRY('files/chk.sh', undefined, '0755'), /hafleet_files\[0\]\.mode/],
  ['no dest', 'hafleet_files:\n  - src: files/chk.sh\n', /hafleet_files\[0\]/],
];

for (const [what, vars, key] of TYPED) {
  test(`hafleet_files refused at the typing gate, key named: ${what}`, () => {
    const g = gate(inventory(vars, { 'files/chk.sh': '#!/bin/sh\ntrue\n' }));
    assert.equal(g.ok, false);
    assert.equal(g.render, undefined, 'stopped before render');
    assert.ok(g.diagnostics.some((d) => d.severity === 'error' && key.test(formatDiagnostic(d))), g.diagnostics.map(formatDiagnostic).join('\n'));
  });
}

test('hafleet_files refused at render, before any host, with the src key named: symlink out, too big, binary, not UTF-8, missing, a directory', () => {
  const outside = mkdtempSync(join(tmpdir(), 'hf-outside-'));
  writeFileSync(join(outside, 'shadow'), 'root:$6$secret:19000:0:99999:7:::\n');
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['symlink out of the inventory dir', (d) => symlinkSync(join(outside, 'shadow'), join(d, 'files/chk.sh')), /outside the inventory directory/],
    ['a symlinked directory out of it', (d) => symlinkSync(outside, join(d, 'files/sub')), /outside the inventory directory/],
    ['larger than 1 MiB', (d) => writeFileSync(join(d, 'files/chk.sh'), '#!/bin/sh\n' + '#'.repeat(1024 * 1024)), /larger than 1 MiB/],
    ['binary', (d) => writeFileSync(join(d, 'files/chk.sh'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])), /binary/],
    ['not UTF-8', (d) => writeFileSync(join(d, 'files/chk.sh'), Buffer.from([0x23, 0x21, 0xff, 0xfe, 0x0a])), /not UTF-8/],
    ['missing', () => {}, /no such file/],
    ['a directory', (d) => mkdirSync(join(d, 'files/chk.sh')), /not a regular file/],
  ];
  for (const [what, make, why] of cases) {
    const src = what.includes('directory out') ? 'files/sub/shadow' : 'files/chk.sh';
    const dir = inventory(ENTRY(src));
    mkdirSync(join(dir, 'files'), { recursive: true });
    make(dir);
    const g = gate(dir);
    assert.equal(g.ok, false, what);
    const d = g.diagnostics.find((x) => x.code === 'render-user-file');
    assert.ok(d, `${what}: ${g.diagnostics.map(formatDiagnostic).join('\n')}`);
    assert.match(formatDiagnostic(d), why, what);
    assert.equal(d.where.key, 'hafleet_files[0].src', what);
    assert.match(d.where.file ?? '', /host_vars\/lb1\.yml$/, what);
    assert.ok(!formatDiagnostic(d).includes('$6$secret'), 'the outside file is never read into a message');
    // hafleet lint (the gate render/plan/deploy pass first) says the same, with its own code.
    const l = loadInventory(dir);
    assert.ok(l.ok);
    const byLint = lintInventory(l.value).filter((x) => x.code === 'user-file');
    assert.equal(byLint.length, 1, `${what}: ${byLint.map(formatDiagnostic).join('\n')}`);
    assert.match(formatDiagnostic(byLint[0]!), why, what);
    assert.equal(byLint[0]!.where.key, 'hafleet_files[0].src', what);
  }
});
