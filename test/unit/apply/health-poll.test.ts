import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { healthPollLine, healthWaits } from '../../../src/apply/health-poll.js';

test('health waits: short first, then 0.25 s, the same total as the flat polling, no wait after the last try', () => {
  const w = healthWaits(40);
  assert.deepEqual(w.slice(0, 4), [0.02, 0.05, 0.1, 0.25]);
  assert.equal(Number(w.reduce((a, b) => a + b, 0).toFixed(3)), 10);
  assert.ok(w.every((x) => x > 0 && x <= 0.25));
  assert.deepEqual(healthWaits(1), [0.02, 0.05, 0.1, 0.08]);
});

test('the poll line: passes at the first good try, fails after the last', () => {
  const run = (check: string) => spawnSync('bash', ['-c', `${healthPollLine(check, 1)}; echo $hafleet_ok`], { encoding: 'utf8' }).stdout.trim();
  assert.equal(run('true'), '1');
  assert.equal(run('false'), '0');
  // Fails twice, then passes: the third try (after 20 + 50 ms).
  const dir = spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim();
  assert.equal(run(`echo x >> ${dir}/n; [ $(wc -l < ${dir}/n) -ge 3 ]`), '1');
  assert.equal(spawnSync('bash', ['-c', `wc -l < ${dir}/n; rm -rf ${dir}`], { encoding: 'utf8' }).stdout.trim(), '3');
});
