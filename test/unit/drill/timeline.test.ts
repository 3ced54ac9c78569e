import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOutcome, outcome, timeline } from '../../../src/drill/index.js';
import { killRecord } from './record.js';

test('timeline orders marks, VIP moves, the first gratuitous ARP per sender and outages', () => {
  const tl = timeline(killRecord()).map((e) => `${e.sinceFaultMs} ${e.what}`);
  assert.deepEqual(tl, [
    '-1000 observers running',
    '-1000 lb1 holds 198.18.0.100',
    '-1000 lb2 does not hold 198.18.0.100',
    '0 kill -9 keepalived on lb1',
    '0 requests fail (timeout after 1000 ms)',
    '20 keepalived killed on lb1',
    '3600 lb2 took 198.18.0.100',
    '3610 gratuitous ARP for 198.18.0.100 from lb2',
    '3700 requests answer again after 3700 ms',
    '7000 restore lb1',
    '7050 lb1 released 198.18.0.100',
    '7400 keepalived started on lb1',
    '8000 lb1 took 198.18.0.100',
    '8001 gratuitous ARP for 198.18.0.100 from lb1',
    '8010 lb2 released 198.18.0.100',
    '9000 observers stopped',
  ]);
});

test('terminal view names failover, bound, release and requests', () => {
  const text = formatOutcome(outcome(killRecord()));
  assert.match(text, /failover: 3600 ms after the fault to lb2, 3610 ms after lb1's last advert \(bound 3×1 s \+ skew .* = 3609\.4 ms; \+0\.6 ms\)/);
  assert.match(text, /old master released: 7050 ms \(only by the restore\)/);
  assert.match(text, /requests: 101 sent, 37 failed, 37 failed after one retry, longest gap 3800 ms/);
  assert.match(text, /\n  PASS\n$/);
});
