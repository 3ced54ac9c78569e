import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, copyExample } from './example.js';

function hafleet(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A scratch copy of inventories/nginx-ha whose templates/ overrides the notify script, and an output path. */
function overrideNotify(t: { after(fn: () => void): void }, template: string): { inv: string; out: string } {
  const inv = copyExample('nginx-ha');
  const parent = mkdtempSync(join(tmpdir(), 'hf-render-cli-'));
  t.after(() => {
    rmSync(inv, { recursive: true, force: true });
    rmSync(parent, { recursive: true, force: true });
  });
  mkdirSync(join(inv, 'templates/director'), { recursive: true });
  writeFileSync(join(inv, 'templates/director/notify.sh.hbs'), template);
  return { inv, out: join(parent, 'out') };
}

test('hafleet render writes DIR/HOST/<path> with modes, golden content and a summary on stderr', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'hf-render-cli-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const r = hafleet('render', '-i', 'inventories/lvs-dr', '--limit', 'lvs1:rs2', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '', 'stdout is for data; render writes files');
  assert.match(r.stderr, /rendered 4 files for 2 hosts into /);
  const ka = join(out, 'lvs1/etc/keepalived/keepalived.conf');
  assert.equal(statSync(ka).mode & 0o777, 0o640);
  assert.equal(statSync(join(out, 'rs2/usr/local/sbin/hafleet-realserver')).mode & 0o777, 0o755);
  assert.equal(readFileSync(ka, 'utf8'), readFileSync(join(ROOT, 'test/fixtures/render/lvs-dr/lvs1/etc/keepalived/keepalived.conf'), 'utf8'));
  assert.ok(!existsSync(join(out, 'lvs2')), '--limit leaves the other hosts out');
});

test('hafleet render refuses to write anything when a host fails, and exits 65', (t) => {
  const { inv, out } = overrideNotify(t, '#!/bin/sh\n{{not_a_variable}}\n');
  const r = hafleet('render', '-i', join(inv, 'hosts.yml'), '--out', out);
  assert.equal(r.code, 65, r.stderr);
  assert.match(r.stderr, /notify\.sh\.hbs:2:3 host lb1: undefined variable "not_a_variable"/);
  assert.match(r.stderr, /nothing written/);
  assert.ok(!existsSync(out), 'no output directory at all');
});

test('hafleet render without --out is a usage error (64)', () => {
  const r = hafleet('render', '-i', 'inventories/nginx-ha');
  assert.equal(r.code, 64);
  assert.match(r.stderr, /--out/);
});

// Inventory.dir is where templates/ overrides live: the directory loader must not read them as sources.
test('hafleet render -i DIR with a templates/ override directory inside', (t) => {
  const { inv, out } = overrideNotify(t, '#!/bin/sh\n# {{shcomment host.name}}\n');
  const r = hafleet('render', '-i', inv, '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(out, 'lb1/usr/local/sbin/hafleet-notify'), 'utf8'), '#!/bin/sh\n# lb1\n');
});

test('hafleet render --out creates a new DIR 0700: keepalived.conf (auth_pass) is never reachable by other users', (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'hf-render-cli-'));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const out = join(parent, 'new-out');
  const r = hafleet('render', '-i', 'inventories/lvs-dr', '--limit', 'lvs1', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(out).mode & 0o777, 0o700);
  assert.equal(statSync(join(out, 'lvs1/etc/keepalived/keepalived.conf')).mode & 0o777, 0o640);
});
