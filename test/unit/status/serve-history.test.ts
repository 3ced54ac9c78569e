import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyHistory, recordSnapshot } from '../../../src/status/serve-history.js';
import { snapshot } from './serve-fixture.js';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const HOUR = 3_600_000;

test('a sample per change of holders, not per snapshot', () => {
  let h = emptyHistory();
  for (let k = 0; k < 5; k++) h = recordSnapshot(h, snapshot(), T0 + k * 2000);
  h = recordSnapshot(h, snapshot({ holder: 'lb2' }), T0 + 10_000);
  h = recordSnapshot(h, snapshot({ splitBrain: true }), T0 + 12_000);
  const web = h.vips.find((v) => v.vip === '198.18.0.100')!;
  assert.deepEqual(web.samples, [{ t: T0, holders: ['lb1'] }, { t: T0 + 10_000, holders: ['lb2'] }, { t: T0 + 12_000, holders: ['lb1', 'lb2'] }]);
  assert.deepEqual(web.hosts, ['lb1', 'lb2']);
  assert.equal(h.since, T0);
});

test('an hour window: older samples go, the state at the window start stays', () => {
  let h = recordSnapshot(emptyHistory(), snapshot(), T0);
  h = recordSnapshot(h, snapshot({ holder: 'lb2' }), T0 + 60_000);
  h = recordSnapshot(h, snapshot({ holder: 'lb2' }), T0 + 2 * HOUR);
  const web = h.vips.find((v) => v.vip === '198.18.0.100')!;
  assert.deepEqual(web.samples, [{ t: T0 + HOUR, holders: ['lb2'] }]);
});

test('transitions deduplicated across snapshots, newest first, the hour kept', () => {
  const tr = (at: string, to: 'MASTER' | 'BACKUP') => ({ at, host: 'lb1', instance: 'VI_1', to, reason: 'r' });
  let h = recordSnapshot(emptyHistory(), { ...snapshot(), transitions: [tr('2026-12-04T09:59:00Z', 'MASTER')] }, T0);
  h = recordSnapshot(h, { ...snapshot(), transitions: [tr('2026-12-04T10:00:05Z', 'BACKUP'), tr('2026-12-04T09:59:00Z', 'MASTER')] }, T0 + 10_000);
  assert.deepEqual(h.transitions.map((t) => t.at), ['2026-12-04T10:00:05Z', '2026-12-04T09:59:00Z']);
  h = recordSnapshot(h, { ...snapshot(), transitions: [] }, T0 + HOUR);
  assert.deepEqual(h.transitions.map((t) => t.at), ['2026-12-04T10:00:05Z']);
});

test('probes kept for the chart: failures and the first answer after them, not every answer', () => {
  const withProbe = (ok: boolean) => {
    const s = snapshot();
    s.vips[0]!.probe = ok ? { ok: true, ms: 2 } : { ok: false, error: 'timeout' };
    return s;
  };
  let h = emptyHistory();
  [true, true, false, false, true, true].forEach((ok, k) => (h = recordSnapshot(h, withProbe(ok), T0 + k * 1000)));
  assert.deepEqual(h.vips[0]!.probes.map((p) => [p.t - T0, p.ok]), [[2000, false], [3000, false], [4000, true]]);
});
