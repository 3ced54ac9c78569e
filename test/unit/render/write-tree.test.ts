import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDesiredTreeChecked, treeTarget, type DesiredState, type HostDesired } from '../../../src/render/index.js';

function hostWith(host: string, path: string, mode = '0640'): DesiredState {
  const hd: HostDesired = { host, roles: ['director'], handlers: [], managedPaths: ['/etc/keepalived'],
    files: [{ path, content: 'auth_pass "x"\n', mode, owner: 'root', group: 'root', role: 'director', notify: [], secrets: [] }] };
  return new Map([[host, hd]]);
}

test('render --out: files land under DIR/<host>/<path> with their final mode; a new DIR is 0700', (t) => {
  const base = mkdtempSync(join(tmpdir(), 'hf-tree-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const out = join(base, 'out');
  const r = writeDesiredTreeChecked(hostWith('lb1', '/etc/keepalived/keepalived.conf'), out);
  assert.deepEqual(r, { ok: true, value: 1, diagnostics: [] });
  assert.equal(statSync(out).mode & 0o777, 0o700);
  const f = join(out, 'lb1/etc/keepalived/keepalived.conf');
  assert.equal(statSync(f).mode & 0o777, 0o640);
  assert.equal(readFileSync(f, 'utf8'), 'auth_pass "x"\n');
  // Rewriting an existing file keeps no temporary behind and still ends with the final mode.
  assert.ok(writeDesiredTreeChecked(hostWith('lb1', '/etc/keepalived/keepalived.conf', '0600'), out).ok);
  assert.equal(statSync(f).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(out, 'lb1/etc/keepalived')), ['keepalived.conf']);
});

test('render --out: a host name or path that would leave DIR is refused and nothing is written', (t) => {
  const base = mkdtempSync(join(tmpdir(), 'hf-tree-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const out = join(base, 'out');
  for (const [host, path] of [['..', '/etc/keepalived/x'], ['a/../../b', '/etc/keepalived/x'], ['.', '/x'], ['lb1', '/etc/keepalived/../../../x'], ['lb1', 'relative'], ['lb\n1', '/x']] as const) {
    const r = writeDesiredTreeChecked(hostWith(host, path), out);
    assert.equal(r.ok, false, `${host} ${path}`);
    if (!r.ok) assert.equal(r.diagnostics[0]!.code, 'render-out-path');
  }
  assert.throws(() => statSync(out), 'nothing was created');
  assert.equal(treeTarget('/o', 'lb1', '/etc/x').ok, true);
});
