import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatStates } from '../../../src/ops/index.js';

test('the list: who is in maintenance since when, by whom and why; moved priorities; hosts that did not answer', () => {
  const text = formatStates([
    { host: 'lb1', cluster: 'web', read: true, state: { host: 'lb1', maintenance: true, moves: { web_51: 0 }, info: { by: 'ops@admin', at: '2026-12-04T18:00:00Z', reason: 'kernel' } } },
    { host: 'lb2', cluster: 'web', read: true, state: { host: 'lb2', maintenance: false, moves: { web_51: -51, api_52: 154 } } },
    { host: 'lb3', cluster: 'web', read: false },
  ]);
  assert.equal(text, [
    'lb1   web  in maintenance since 2026-12-04T18:00:00Z by ops@admin (kernel)',
    'lb2   web  in service; priority moved: web_51 -51, api_52 +154',
    'lb3   web  could not be read',
    '',
  ].join('\n'));
});
