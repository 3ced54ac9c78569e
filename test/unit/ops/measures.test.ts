import { test } from 'node:test';
import assert from 'node:assert/strict';
import { longestOverlapMs, measureMove, median, moveProblems, type MoveRecord } from '../../../src/ops/index.js';

const base: MoveRecord = {
  instance: 'web_51', vip: '198.18.0.100', from: 'lb1', to: 'lb2', advertIntSec: 1, releaseAt: 1000,
  ownership: [
    { t: 0, host: 'lb1', holds: true }, { t: 0, host: 'lb2', holds: false },
    { t: 1002, host: 'lb1', holds: false }, { t: 1610, host: 'lb2', holds: true },
  ],
  requests: [
    { t: 900, ok: true, okAfterRetry: false, ms: 2 }, { t: 1500, ok: true, okAfterRetry: false, ms: 3 }, { t: 1700, ok: true, okAfterRetry: false, ms: 2 },
  ],
  garps: [{ t: 1611, mac: '02:00:00:00:00:12' }, { t: 500, mac: 'x' }],
  gaps: [],
};

test('a clean move: move and release times from the release, no overlap, the goal is advert_int + 100 ms', () => {
  const m = measureMove(base);
  assert.equal(m.moveMs, 610);
  assert.equal(m.releasedMs, 2);
  assert.equal(m.twoHoldersMs, 0);
  assert.equal(m.goalMs, 1100);
  assert.equal(m.garpSeen, 1);
  assert.deepEqual(m.requests, { sent: 3, failed: 0, failedAfterRetry: 0, longestGapMs: 600 });
  assert.equal(m.slowestMs, 3);
  assert.deepEqual(moveProblems(base, m), []);
});

test('two holders at once, a failed request and a target that never held are problems', () => {
  const r: MoveRecord = {
    ...base,
    ownership: [{ t: 0, host: 'lb1', holds: true }, { t: 1200, host: 'lb3', holds: true }, { t: 1250, host: 'lb1', holds: false }],
    requests: [...base.requests, { t: 1220, ok: false, okAfterRetry: true, ms: 1000, error: 'ECONNRESET' }],
  };
  const m = measureMove(r);
  assert.equal(m.twoHoldersMs, 50);
  assert.equal(m.moveMs, null);
  assert.deepEqual(moveProblems(r, m), ['lb2 never held 198.18.0.100', 'two directors held 198.18.0.100 at once for 50 ms', '1 of 4 requests through 198.18.0.100 failed (the first sent 220 ms after the release: ECONNRESET)']);
});

test('an overlap still open at the end counts to the last sample', () => {
  assert.equal(longestOverlapMs([{ t: 0, host: 'a', holds: true }, { t: 10, host: 'b', holds: true }, { t: 40, host: 'c', holds: false }]), 30);
});

test('median', () => {
  assert.equal(median([]), null);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});
