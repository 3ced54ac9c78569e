/**
 * The RFC timer formulas (src/vrrp/timing.ts), checked against the RFCs' own definitions with
 * worked values: the machine arms its timers with them and drill's bounds quote them.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { rfcMasterDownIntervalMs, rfcSkewTimeMs } from '../../../src/vrrp/index.js';
import { masterDownIntervalSec, skewTimeSec } from '../../../src/drill/index.js';

test('RFC 3768 §6.1 (v2): Skew_Time = (256 − Priority)/256 s, whatever the advert interval', () => {
  // The default backup (priority 100, advert_int 1): 156/256 s.
  assert.equal(rfcSkewTimeMs(2, 100, 1000), 609.375);
  assert.equal(rfcSkewTimeMs(2, 100, 3000), 609.375, 'v2 skew does not scale with the interval');
  assert.equal(rfcSkewTimeMs(2, 254, 1000), 7.8125, 'the highest non-owner priority skews least');
  assert.equal(rfcSkewTimeMs(2, 1, 1000), 996.09375, 'the lowest priority skews almost a second');
  // Master_Down_Interval = 3 × Advertisement_Interval + Skew_Time.
  assert.equal(rfcMasterDownIntervalMs(2, 100, 1000), 3609.375);
  assert.equal(rfcMasterDownIntervalMs(2, 100, 3000), 9609.375);
});

test('RFC 5798 §6.1 (v3): Skew_Time = ((256 − Priority) × Master_Adver_Interval)/256, in the interval\'s unit', () => {
  // Master_Adver_Interval 100 cs (1 s): the same numbers as v2.
  assert.equal(rfcSkewTimeMs(3, 100, 1000), 609.375);
  assert.equal(rfcMasterDownIntervalMs(3, 100, 1000), 3609.375);
  // 10 cs (100 ms): everything shrinks tenfold.
  assert.equal(rfcSkewTimeMs(3, 100, 100), 60.9375);
  assert.equal(rfcMasterDownIntervalMs(3, 100, 100), 360.9375);
  // 50 cs, priority 200: (56 × 50 cs)/256 = 10.9375 cs.
  assert.equal(rfcSkewTimeMs(3, 200, 500), 109.375);
  assert.equal(rfcMasterDownIntervalMs(3, 200, 500), 1609.375);
});

test('a backup with a higher priority always takes over first (the point of Skew_Time)', () => {
  for (const v of [2, 3] as const) {
    for (let p = 1; p < 254; p++) assert.ok(rfcMasterDownIntervalMs(v, p + 1, 1000) < rfcMasterDownIntervalMs(v, p, 1000), `v${v} ${p}`);
  }
});

test("drill's bounds in seconds are the same formula, not a copy", () => {
  for (const [v, p, sec] of [[2, 100, 1], [2, 50, 3], [3, 100, 0.5], [3, 254, 0.1]] as const) {
    assert.equal(skewTimeSec(v, p, sec), rfcSkewTimeMs(v, p, sec * 1000) / 1000);
    assert.equal(masterDownIntervalSec(v, p, sec), rfcMasterDownIntervalMs(v, p, sec * 1000) / 1000);
  }
});
