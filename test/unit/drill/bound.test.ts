import { test } from 'node:test';
import assert from 'node:assert/strict';
import { masterDownIntervalSec, protocolBound, skewTimeSec } from '../../../src/drill/index.js';
import { killRecord } from './record.js';

test('skew time: RFC 3768 (v2) ignores the interval, RFC 5798 (v3) scales with it', () => {
  assert.equal(skewTimeSec(2, 100, 1), 156 / 256);
  assert.equal(skewTimeSec(2, 100, 3), 156 / 256);
  assert.equal(skewTimeSec(3, 100, 0.5), (156 * 0.5) / 256);
  assert.equal(masterDownIntervalSec(2, 100, 1), 3 + 156 / 256);
});

test('bound per fault with advert_int 1 and backup priority 100', () => {
  const c = killRecord().config;
  assert.equal(protocolBound('kill-keepalived', c)!.ms, 3609.4);
  assert.equal(protocolBound('link-down', c)!.ms, 3609.4);
  assert.equal(protocolBound('stop-keepalived', c)!.ms, 609.4);
  assert.equal(protocolBound('stop-nginx', c)!.ms, 9609.4);
  assert.match(protocolBound('kill-keepalived', c)!.formula, /3×1 s \+ skew \(256−100\)\/256 s/);
  assert.equal(protocolBound('realserver-down', c), null);
  assert.equal(protocolBound('stop-nginx', { ...c, track: undefined }), null);
});
