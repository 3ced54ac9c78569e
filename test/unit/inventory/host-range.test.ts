import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandHostPattern } from '../../../src/inventory/host-range.js';

test('numeric ranges keep zero padding', () => {
  assert.deepEqual(expandHostPattern('web[01:03]'), { hosts: ['web01', 'web02', 'web03'] });
  assert.deepEqual(expandHostPattern('web[8:10].example.test'), { hosts: ['web8.example.test', 'web9.example.test', 'web10.example.test'] });
  assert.deepEqual(expandHostPattern('n[1:7:3]'), { hosts: ['n1', 'n4', 'n7'] });
  assert.deepEqual(expandHostPattern('n[:2]'), { hosts: ['n0', 'n1', 'n2'] });
});

test('letter ranges and several ranges in one name', () => {
  assert.deepEqual(expandHostPattern('db-[a:c]'), { hosts: ['db-a', 'db-b', 'db-c'] });
  assert.deepEqual(expandHostPattern('r[1:2]-[a:b]'), { hosts: ['r1-a', 'r1-b', 'r2-a', 'r2-b'] });
});

test('ports', () => {
  assert.deepEqual(expandHostPattern('web1:2222'), { hosts: ['web1'], port: 2222 });
  assert.deepEqual(expandHostPattern('web[1:2]:2200'), { hosts: ['web1', 'web2'], port: 2200 });
  assert.deepEqual(expandHostPattern('198.18.0.1:22'), { hosts: ['198.18.0.1'], port: 22 });
  assert.deepEqual(expandHostPattern('[::ffff:198.18.0.1]:2222'), { hosts: ['::ffff:198.18.0.1'], port: 2222 });
  assert.deepEqual(expandHostPattern('::ffff:198.18.0.1'), { hosts: ['::ffff:198.18.0.1'] });
});

test('bad ranges are errors, as in Ansible', () => {
  for (const bad of ['web[01:1]', 'web[1:]', 'web[c:a]', 'web[1:2:3:4]', 'web[1:x2]', 'web[1:2']) {
    assert.ok('error' in expandHostPattern(bad), bad);
  }
});
