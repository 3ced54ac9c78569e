/**
 * `hafleet import --from-files` end to end through the CLI: exit codes (0; 1 when something cannot
 * be kept, nothing written; --allow-partial writes), a non-empty --out refused, the result linted.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const MAIN = path.resolve('src/cli/main.ts');
const FIX = path.resolve('test/fixtures/import');
const hafleet = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });

test('import --from-files: exit 0, an inventory lint accepts; the same --out again is refused', (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-import-cli-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const out = path.join(tmp, 'lvs');
  const r = hafleet(['import', '-i', path.join(FIX, 'hosts.yml'), '--from-files', path.join(FIX, 'lvs-dr', 'copies'), '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /imported 4 host\(s\): 1 cluster\(s\)/);
  const all = fs.readFileSync(path.join(out, 'group_vars', 'all.yml'), 'utf8');
  assert.match(all, /mode: "lvs-dr"/);
  assert.match(all, /persistence_timeout: 300  # lb1:\/etc\/keepalived\/keepalived.conf:\d+/);
  assert.match(all, /type: "TCP_CHECK"/);
  assert.ok(fs.existsSync(path.join(out, 'files', 'web1', 'etc', 'init.d', 'realserver')));
  assert.equal((fs.statSync(path.join(out, 'group_vars', 'all.yml')).mode & 0o777), 0o600, 'auth_pass inside: owner only');
  const lint = hafleet(['lint', '-i', path.join(out, 'hosts.yml')]);
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  const again = hafleet(['import', '-i', path.join(FIX, 'hosts.yml'), '--from-files', path.join(FIX, 'lvs-dr', 'copies'), '--out', out]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /import-out-not-empty/);
});

test('import --from-files with something that cannot be kept: exit 1 and nothing written; --allow-partial writes the rest', (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-import-cli-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const copies = path.join(tmp, 'copies');
  fs.cpSync(path.join(FIX, 'single-vip', 'copies'), copies, { recursive: true });
  // A second instance that sends mail from lb1 and not from lb2: one smtp_alert per cluster cannot say it.
  const vi9 = (mail: string) => `vrrp_instance VI_9 {\n    interface eth0\n    virtual_router_id 59\n    priority 100\n${mail}    virtual_ipaddress {\n        198.18.0.109/24 dev eth0 label eth0:9\n    }\n}\n`;
  fs.appendFileSync(path.join(copies, 'lb1', 'etc', 'keepalived', 'keepalived.conf'), vi9('    smtp_alert\n'));
  fs.appendFileSync(path.join(copies, 'lb2', 'etc', 'keepalived', 'keepalived.conf'), vi9(''));
  const out = path.join(tmp, 'out');
  const r = hafleet(['import', '-i', path.join(FIX, 'hosts.yml'), '--from-files', copies, '--out', out]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /error\[import-cannot-keep\].*keepalived\.conf:\d+.*smtp_alert/);
  assert.ok(!fs.existsSync(out), 'nothing written');
  const p = hafleet(['import', '-i', path.join(FIX, 'hosts.yml'), '--from-files', copies, '--out', out, '--allow-partial']);
  assert.equal(p.status, 0, p.stderr);
  assert.ok(fs.existsSync(path.join(out, 'group_vars', 'all.yml')));
});
