import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedBy, urlOf } from '../../../src/verify/index.js';

const rs = [
  { host: 'web1', address: '198.18.0.21', port: 80 },
  { host: 'web10', address: '198.18.0.30', port: 80 },
];

test('the upstream header names the realserver by address:port', () => {
  assert.equal(servedBy({ 'x-upstream': '198.18.0.30:80' }, 'hello', rs), 'web10');
  assert.equal(servedBy({ 'x-upstream': '198.18.0.21:80, 198.18.0.30:80' }, '', rs), 'web1');
});

test('without a header the body names it; web10 is not taken for web1', () => {
  assert.equal(servedBy({}, 'web10\n', rs), 'web10');
  assert.equal(servedBy({}, '<h1>served by web10</h1>', rs), 'web10');
  assert.equal(servedBy({}, 'served by web1.', rs), 'web1');
  assert.equal(servedBy({}, '503 Service Unavailable', rs), undefined);
});

test('IPv6 URLs get brackets', () => {
  assert.equal(urlOf('2001:db8::1', 80, '/'), 'http://[2001:db8::1]:80/');
  assert.equal(urlOf('198.18.0.100', 8080), 'http://198.18.0.100:8080/');
});
