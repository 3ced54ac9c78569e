import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskPair, maskText, MASK } from '../../../src/plan/index.js';
import { unmaskTokens } from '../../../src/plan/mask.js';

test('literal secrets are masked, longest first', () => {
  assert.equal(maskText('a=abc b=abcdef', ['abc', 'abcdef']), `a=${MASK} b=${MASK}`);
});

test('an old secret on the same line as a new one is masked by its position', () => {
  const { current, desired } = maskPair('  password "old1" ;\nx\n', '  password "new2" ;\nx\n', ['new2']);
  assert.notEqual(current, desired, 'a changed secret must still differ for the diff');
  assert.equal(unmaskTokens(current), `  password "${MASK}" ;\nx\n`);
  assert.equal(unmaskTokens(desired), `  password "${MASK}" ;\nx\n`);
});

test('an unchanged secret gives the same token on both sides', () => {
  const { current, desired } = maskPair('auth_pass same1\n', 'auth_pass same1\n', ['same1']);
  assert.equal(current, desired);
  assert.ok(!current.includes('same1'));
});

test('auth_pass lines are masked even when no secret is named', () => {
  assert.equal(maskText('    auth_pass hunter2\n', []), `    auth_pass ${MASK}\n`);
});

test('masking never changes the number of lines: a multi-line secret masks line by line (issue 12, defect 5)', () => {
  const secret = 'ab\n  }\n  notify_master "/bin/sh -c id" root\n  authentication {\n    auth_pass x';
  const content = `vrrp_instance web {\n  authentication {\n    auth_pass ${secret}\n  }\n}\n`;
  const masked = maskText(content, [secret]);
  assert.equal(masked.split('\n').length, content.split('\n').length);
  assert.ok(!masked.includes('notify_master'), 'the value is masked whole');
  assert.ok(!masked.includes('/bin/sh'));
  assert.equal(masked.split('\n').filter((l) => l.includes(MASK)).length, 5, 'every line of the secret shows as masked');
  const { current, desired } = maskPair('auth_pass old\n', `auth_pass ${secret}\n`, [secret]);
  assert.equal(unmaskTokens(desired).split('\n').length, `auth_pass ${secret}\n`.split('\n').length);
  assert.notEqual(current, desired);
});
