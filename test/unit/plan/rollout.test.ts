/** The rolling order as plan shows it: which hosts deploy runs, and the text of the order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostsToDeploy, renderRolloutText, type Plan } from '../../../src/plan/index.js';

const change = { kind: 'update' as const, path: '/etc/x', diff: '', mode: '0644', owner: 'root', group: 'root', notify: [], sha256: 'x' };
const same = { kind: 'unchanged' as const, path: '/etc/y', reason: 'same' };
function planOf(hosts: Plan['hosts']): Plan {
  return { id: 'p', createdAt: '2026-01-01T00:00:00Z', hosts, summary: { filesToChange: 0, hostsChanged: 0, handlers: {}, unreachable: 0, failed: 0 } };
}

test('hostsToDeploy: a host with changes, a stale record, or no answer is run; an up-to-date one is not', () => {
  const p = planOf([
    { host: 'changed', status: 'planned', changes: [change, same], handlers: [], validations: [], recordCurrent: true },
    { host: 'current', status: 'planned', changes: [same], handlers: [], validations: [], recordCurrent: true },
    { host: 'stale-record', status: 'planned', changes: [same], handlers: [], validations: [], recordCurrent: false },
    { host: 'no-record-flag', status: 'planned', changes: [], handlers: [], validations: [] },
    { host: 'gone', status: 'unreachable', message: 'timeout' },
  ]);
  assert.deepEqual(hostsToDeploy(p), ['changed', 'stale-record', 'no-record-flag', 'gone']);
});

test('the text names each cluster lane in order with the holder last, the batches, and the rest', () => {
  const text = renderRolloutText({
    lanes: [{ cluster: 'web', directors: ['lb2', 'lb1'], holderLast: true }, { cluster: 'api', directors: ['lb3', 'lb4'], holderLast: false }],
    batches: [['rs1', 'rs2'], ['rs3']],
    free: ['bastion'],
  });
  assert.equal(text, [
    'Rolling order (deploy checks VIP placement again under each cluster lock):',
    '  cluster web: lb2 → lb1 (VIP holder last)',
    '  cluster api: lb3 → lb4 (no VIP held yet: highest priority first)',
    '  realservers: [rs1, rs2] then [rs3]',
    '  other hosts, at once: bastion',
    '',
  ].join('\n'));
});

test('nothing to run: no order section, so a plan without changes prints as before', () => {
  assert.equal(renderRolloutText({ lanes: [], batches: [], free: [] }), '');
});
