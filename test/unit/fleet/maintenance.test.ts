/** Plan's maintenance lines: directors from their facts' flag, realservers from the drained list. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostsInMaintenance, maintenanceText, type Fleet } from '../../../src/fleet/index.js';
import type { FactsByHost } from '../../../src/plan/index.js';

const fleet = {
  hosts: ['lb1', 'lb2', 'web1', 'web2'],
  topology: { clusters: [{ directors: ['lb1', 'lb2'], realservers: ['web1', 'web2'] }] },
} as unknown as Fleet;
const facts = (flags: Record<string, boolean>): FactsByHost =>
  new Map(Object.entries(flags).map(([h, m]) => [h, { ok: true, value: { maintenance: m } }])) as unknown as FactsByHost;

test('a director whose flag is set and a drained realserver are listed with what the flag does', () => {
  const got = hostsInMaintenance(fleet, facts({ lb1: false, lb2: true, web1: true, web2: false }), ['web1']);
  assert.deepEqual(got, [{ host: 'lb2', role: 'director' }, { host: 'web1', role: 'realserver' }]);
  const text = maintenanceText(got);
  assert.match(text, /lb2: director, holds no VIP/);
  assert.match(text, /web1: realserver, drained/);
});

test('nothing in maintenance prints nothing; an unreachable director is not guessed', () => {
  const f = facts({ lb1: false });
  (f as Map<string, unknown>).set('lb2', { ok: false });
  assert.deepEqual(hostsInMaintenance(fleet, f, []), []);
  assert.equal(maintenanceText([]), '');
});
