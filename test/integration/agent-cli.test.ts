/** `hafleet agent -t`: the exit code and messages a user (or the deploy's validate step) sees. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fx = (n: string) => path.join('test/fixtures/vrrp/configs', n);

function agent(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'agent', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

const isRoot = process.getuid?.() === 0;
const HOST_CHECKS = new Set(['conf-interface', 'script-security', 'script-user', 'script-missing', 'script-insecure']);
/** keepalived's own config errors (it runs through them, -t exits 5), which the agent reports in its words. */
const KEEPALIVED_ERRORS = new Set(['conf-state', 'conf-priority', 'conf-advert-int', 'conf-vrid', 'conf-version', 'conf-auth-type', 'conf-auth', 'conf-auth-long', 'conf-v3-auth', 'conf-nopreempt', 'conf-preempt-delay', 'conf-no-vip', 'conf-unknown-keyword', 'conf-deprecated']);

/**
 * Configs written by people: agent -t and keepalived -t give the same verdict in a namespace
 * that has the interfaces they name, and the agent's only errors are the host's (interfaces,
 * script users and security: the SECURITY VIOLATION of scripts without enable_script_security
 * makes keepalived -t exit 6 too), never its parser's.
 */
test('agent -t: configs written by people get keepalived -t’s verdict, and no parser error', { skip: isRoot ? false : 'needs root (a network namespace)' }, () => {
  const ns = `hfsec${process.pid}c`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
    execFileSync('ip', ['-n', ns, 'link', 'add', 'ens192', 'type', 'veth', 'peer', 'name', 'ens224']);
    for (const f of ['tutorial-master.conf', 'tutorial-both-master.conf', 'unicast-nopreempt.conf', 'sync-group-v3.conf', 'killall.conf']) {
      const file = path.join(root, fx(f));
      const a = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'agent', '-t', '-f', file], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      const k = spawnSync('ip', ['netns', 'exec', ns, 'keepalived', '-t', '-n', '-l', '-f', file], { cwd: root, encoding: 'utf8' });
      assert.equal(a.status !== 0, k.status !== 0, `${f}: agent ${a.status}, keepalived -t ${k.status ?? k.signal}\n${a.stderr}\n${k.stderr}`);
      assert.equal(a.stdout, '');
      const codes = [...a.stderr.matchAll(/^error\[([\w-]+)\]/gm)].map((m) => m[1]!);
      assert.deepEqual(codes.filter((c) => !HOST_CHECKS.has(c) && !KEEPALIVED_ERRORS.has(c)), [], `${f}: ${a.stderr}`);
      if (a.status === 0) assert.match(a.stderr, /configuration OK for the agent/);
    }
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});

test('agent -t: non-zero with file:line:col and hints; the password never shown', () => {
  const r = agent('-t', '-f', fx('broken.conf'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /broken\.conf:3:5: \(VI_1\): VRID '300' not valid - must be between 1 & 255/);
  assert.match(r.stderr, /broken\.conf:2:5: \(VI_1\) unknown state 'MASTR', defaulting to BACKUP/);
  assert.match(r.stderr, /broken\.conf:1:1: vrrp_instance VI_1 has no interface \(hint: add `interface eth0`/);
  assert.match(r.stderr, /the agent would not run this configuration/);
  assert.doesNotMatch(r.stderr, /hunter2/);
});

test('agent -t: scripts killing keepalived by name are warned about, pointing to weights', () => {
  const r = agent('-t', '-f', fx('killall.conf'));
  // Non-zero as keepalived -t: a track script that does not exist, scripts without enable_script_security.
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Disabling track script chk_file since not found\/accessible/);
  assert.match(r.stderr, /SECURITY VIOLATION - scripts are being executed but script_security not enabled\./);
  assert.equal((r.stderr.match(/warning\[script-kills-keepalived\]/g) ?? []).length, 3);
  assert.match(r.stderr, /hint: use weight-based tracking/);
});

test('agent -t: a missing file is an error, not a crash', () => {
  const r = agent('-t', '-f', '/nonexistent/keepalived.conf');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read \/nonexistent\/keepalived\.conf/);
});
