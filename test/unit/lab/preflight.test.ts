import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv6Preflight } from '../../../src/lab/preflight.js';

test('--ipv6 on a kernel without IPv6 is one diagnostic naming the flag and the boot option', () => {
  assert.deepEqual(ipv6Preflight(true), []);
  const [d, ...rest] = ipv6Preflight(false);
  assert.deepEqual(rest, []);
  assert.equal(d!.code, 'lab-no-ipv6');
  assert.deepEqual(d!.where, { key: '--ipv6' });
  assert.match(d!.message, /\/proc\/sys\/net\/ipv6 is missing/);
  assert.match(d!.hint ?? '', /ipv6\.disable=1/);
});
