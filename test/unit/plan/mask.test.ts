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
