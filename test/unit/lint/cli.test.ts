import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'lint', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', HAFLEET_INVENTORY: '' } });

test('hafleet lint: diagnostics and a count on stderr, exit 65 on errors', () => {
  const r = run('-i', 'test/fixtures/lint/vip-unique');
  assert.equal(r.status, 65);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^error\[vip-unique\]: group_vars\/all\.yml:\d+:\d+ /m);
  assert.match(r.stderr, /^1 error, 0 warnings$/m);
});

test('hafleet lint: warnings alone exit 0', () => {
  const r = run('-i', 'test/fixtures/lint/director-count');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^warning\[director-count\]/m);
  assert.match(r.stderr, /^0 errors, 1 warning$/m);
});

test('hafleet lint --json: one document on stdout, secrets not in it', () => {
  const r = run('-i', 'test/fixtures/lint/peers-agree', '--json');
  assert.equal(r.status, 65);
  const doc = JSON.parse(r.stdout) as { diagnostics: { code: string }[] };
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['peers-agree', 'peers-agree']);
  assert.ok(!r.stdout.includes('s3cret') && !r.stdout.includes('other'), 'auth_pass values leaked');
});

test('hafleet lint: clean inventory exits 0; no inventory is a usage error', () => {
  assert.equal(run('-i', 'test/fixtures/lint/clean').status, 0);
  assert.equal(run().status, 64);
});
