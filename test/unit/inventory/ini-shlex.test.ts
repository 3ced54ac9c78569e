import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shlexSplit } from '../../../src/inventory/ini-shlex.js';

test('splits like Python shlex.split(comments=True)', () => {
  assert.deepEqual(shlexSplit('web1 a=1 b="x y" c=\'p q\''), { tokens: ['web1', 'a=1', 'b=x y', 'c=p q'] });
  assert.deepEqual(shlexSplit('h a="1"'), { tokens: ['h', 'a=1'] });
  assert.deepEqual(shlexSplit('h a=b # comment c=d'), { tokens: ['h', 'a=b'] });
  assert.deepEqual(shlexSplit('h pass=ab#cd'), { tokens: ['h', 'pass=ab'] }, '# starts a comment inside a word');
  assert.deepEqual(shlexSplit('h a="say \\"hi\\"" b=x\\ y'), { tokens: ['h', 'a=say "hi"', 'b=x y'] });
  assert.deepEqual(shlexSplit('h a="c:\\d"'), { tokens: ['h', 'a=c:\\d'] });
  assert.deepEqual(shlexSplit('h a=""'), { tokens: ['h', 'a='] });
});

test('reports unclosed quotes', () => {
  assert.deepEqual(shlexSplit('h a="x'), { error: 'No closing quotation' });
  assert.deepEqual(shlexSplit("h a='x"), { error: 'No closing quotation' });
  assert.deepEqual(shlexSplit('h a=\\'), { error: 'No escaped character' });
});
