import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pythonLiteral } from '../../../src/inventory/python-literal.js';
import { iniValue } from '../../../src/inventory/ini-inventory.js';

test('numbers, booleans and None as Python reads them', () => {
  assert.equal(pythonLiteral('22'), 22);
  assert.equal(pythonLiteral('-3'), -3);
  assert.equal(pythonLiteral('1.5'), 1.5);
  assert.equal(pythonLiteral('1e3'), 1000);
  assert.equal(pythonLiteral('0x1F'), 31);
  assert.equal(pythonLiteral('0o17'), 15);
  assert.equal(pythonLiteral('1_000'), 1000);
  assert.equal(pythonLiteral('True'), true);
  assert.equal(pythonLiteral('False'), false);
  assert.equal(pythonLiteral('None'), null);
});

test('what Python does not accept stays a string', () => {
  for (const s of ['true', 'yes', 'FALSE', '01', '198.18.0.1', 'eth0', '1.2.3', 'a b', '[1,', '{1: 2, 3}', '']) {
    assert.equal(pythonLiteral(s), undefined, s);
    assert.equal(iniValue(s), s);
  }
});

test('strings, lists, tuples, dicts and sets', () => {
  assert.equal(pythonLiteral('"abc"'), 'abc');
  assert.equal(pythonLiteral("'a\\'b'"), "a'b");
  assert.equal(pythonLiteral('"a" "b"'), 'ab');
  assert.deepEqual(pythonLiteral("[1, 'two', [3]]"), [1, 'two', [3]]);
  assert.deepEqual(pythonLiteral('(1, 2,)'), [1, 2]);
  assert.equal(pythonLiteral('(5)'), 5);
  assert.deepEqual(pythonLiteral("{'a': 1, 'b': [True, None]}"), { a: 1, b: [true, null] });
  assert.deepEqual(pythonLiteral('{1, 2, 2}'), [1, 2]);
  assert.deepEqual(pythonLiteral('{}'), {});
  assert.deepEqual(pythonLiteral('1, 2'), [1, 2], 'a bare tuple');
  assert.deepEqual(pythonLiteral('00,4,'), [0, 4]);
  assert.equal(pythonLiteral('02,06'), undefined, '02 is not a Python 3 literal');
  assert.equal(pythonLiteral('10-5'), undefined, 'no arithmetic (Python 3.8+ rejects it)');
});

test('a trailing comment is ignored as Python ignores it', () => {
  assert.equal(pythonLiteral('512 # max'), 512);
  assert.equal(iniValue('foo # bar'), 'foo # bar');
});
