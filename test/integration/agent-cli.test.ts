/** `hafleet agent -t`: the exit code and messages a user (or the deploy's validate step) sees. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fx = (n: string) => path.join('test/fixtures/vrrp/configs', n);

function agent(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'agent', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

test('agent -t: 0 for configs written by people, nothing on stdout', () => {
  for (const f of ['tutorial-master.conf', 'tutorial-both-master.conf', 'unicast-nopreempt.conf', 'sync-group-v3.conf']) {
    const r = agent('-t', '-f', fx(f));
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /configuration OK for the agent/);
  }
});

test('agent -t: non-zero with file:line:col and hints; the password never shown', () => {
  const r = agent('-t', '-f', fx('broken.conf'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /broken\.conf:3:5: virtual_router_id: 300 is outside 1–255/);
  assert.match(r.stderr, /broken\.conf:1:1: vrrp_instance VI_1 has no interface \(hint: add `interface eth0`/);
  assert.match(r.stderr, /the agent would not run this configuration/);
  assert.doesNotMatch(r.stderr, /hunter2/);
});

test('agent -t: scripts killing keepalived by name are warned about, pointing to weights', () => {
  const r = agent('-t', '-f', fx('killall.conf'));
  assert.equal(r.code, 0);
  assert.equal((r.stderr.match(/warning\[script-kills-keepalived\]/g) ?? []).length, 3);
  assert.match(r.stderr, /hint: use weight-based tracking/);
});

test('agent -t: a missing file is an error, not a crash', () => {
  const r = agent('-t', '-f', '/nonexistent/keepalived.conf');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read \/nonexistent\/keepalived\.conf/);
});
