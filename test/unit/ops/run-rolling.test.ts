import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollingOrder } from '../../../src/ops/index.js';
import type { VerifyTarget } from '../../../src/verify/index.js';
import { cluster, instance, member } from './fixtures.js';

test('rolling order: directors holding no VIP first, holders last; realservers apart (skipped)', () => {
  const a = instance([member('lb1', 150, '198.18.0.11'), member('lb2', 100, '198.18.0.12'), member('lb3', 90, '198.18.0.13')]);
  const target = { topology: { clusters: [cluster([a])] }, hosts: new Map() } as unknown as VerifyTarget;
  assert.deepEqual(rollingOrder(target, ['lb1', 'web1', 'lb2', 'lb3'], new Set(['lb1'])), { directors: ['lb2', 'lb3', 'lb1'], others: ['web1'] });
  assert.deepEqual(rollingOrder(target, ['lb3'], new Set(['lb1'])), { directors: ['lb3'], others: [] });
});
