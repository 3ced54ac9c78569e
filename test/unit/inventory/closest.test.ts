import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestName } from '../../../src/inventory/closest.js';

test('the nearest name within a typo distance, or none', () => {
  assert.equal(closestName('directorz', ['webservers', 'directors', 'dbs']), 'directors');
  assert.equal(closestName('WEB1', ['web1', 'web2x']), 'web1', 'case does not count');
  assert.equal(closestName('lb', ['lb1', 'lb22']), 'lb1');
  assert.equal(closestName('zzzzzz', ['directors', 'webservers']), undefined);
  assert.equal(closestName('x', []), undefined);
});
