import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedHolder, planMove, RELEASE_VALUE } from '../../../src/ops/index.js';
import { instance, member } from './fixtures.js';

const pair = instance([member('lb1', 150, '198.18.0.11'), member('lb2', 100, '198.18.0.12')]);

test('two directors, preempt: the holder lets go with -254, then settles just below the target', () => {
  const p = planMove(pair, 'lb1', 'lb2', new Map());
  assert.deepEqual(p.prepare, [{ host: 'lb2', instance: 'web_51', value: 130 }], 'the target bids 230 for the election: Skew_Time ~100 ms');
  assert.deepEqual(p.release, { host: 'lb1', instance: 'web_51', value: RELEASE_VALUE });
  assert.deepEqual(p.settle, [{ host: 'lb1', instance: 'web_51', value: -51 }, { host: 'lb2', instance: 'web_51', value: 0 }]);
  assert.deepEqual(p.after, { lb1: 99, lb2: 100 });
  assert.equal(expectedHolder(pair, new Map([['lb1', -51]])), 'lb2', 'preempt keeps it on lb2');
});

test('moving back to the inventory favourite clears every value', () => {
  const p = planMove(pair, 'lb2', 'lb1', new Map([['lb1', -51]]));
  assert.deepEqual(p.prepare, [{ host: 'lb1', instance: 'web_51', value: 80 }]);
  assert.deepEqual(p.settle, [{ host: 'lb2', instance: 'web_51', value: 0 }, { host: 'lb1', instance: 'web_51', value: 0 }]);
  assert.deepEqual(p.undo, [{ host: 'lb1', instance: 'web_51', value: -51 }, { host: 'lb2', instance: 'web_51', value: 0 }]);
  assert.deepEqual(p.after, { lb1: 150, lb2: 100 });
});

test('three directors: one that would outbid the target is lowered before the holder lets go', () => {
  const three = instance([member('lb1', 150, '198.18.0.11'), member('lb2', 120, '198.18.0.12'), member('lb3', 100, '198.18.0.13')]);
  const p = planMove(three, 'lb1', 'lb3', new Map());
  assert.deepEqual(p.prepare, [{ host: 'lb3', instance: 'web_51', value: 130 }, { host: 'lb2', instance: 'web_51', value: -21 }]);
  assert.deepEqual(p.after, { lb1: 99, lb2: 99, lb3: 100 });
  // The election after the holder's priority 0: lb3 is the highest of the rest.
  assert.equal(expectedHolder({ ...three, members: three.members.filter((m) => m.host !== 'lb1') }, new Map([['lb2', -21]])), 'lb3');
});

test('nopreempt: lowering is for the election only, every value ends at 0', () => {
  const three = instance([member('lb1', 150, '198.18.0.11'), member('lb2', 120, '198.18.0.12'), member('lb3', 100, '198.18.0.13')], { preempt: false });
  const p = planMove(three, 'lb1', 'lb3', new Map());
  assert.deepEqual(p.settle, [{ host: 'lb1', instance: 'web_51', value: 0 }, { host: 'lb3', instance: 'web_51', value: 0 }, { host: 'lb2', instance: 'web_51', value: 0 }]);
  assert.deepEqual(p.after, { lb1: 150, lb2: 120, lb3: 100 });
});

test('a target at priority 1 cannot have anyone below it: the others go to 1 (tie broken by address)', () => {
  const low = instance([member('lb1', 150, '198.18.0.11'), member('lb2', 1, '198.18.0.12')]);
  const p = planMove(low, 'lb1', 'lb2', new Map());
  assert.deepEqual(p.settle, [{ host: 'lb1', instance: 'web_51', value: -149 }, { host: 'lb2', instance: 'web_51', value: 0 }]);
});
