import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { failureOf, lastTransitionOf, logReason, mergeTransitions, parseMaintenance, parseNotifyLines } from '../../../src/status/index.js';
import { agentReport } from '../../../src/verify/index.js';

describe('transitions', () => {
  it('notify lines → transitions with the state before; other lines skipped', () => {
    const t = parseNotifyLines(['2026-12-04T16:00:00Z lb1 INSTANCE web_51 BACKUP priority=150', 'garbage', '2026-12-04T16:00:03Z lb1 INSTANCE web_51 MASTER priority=150', '2026-12-04T16:00:04Z lb1 GROUP g MASTER priority=0'], 'lb1');
    assert.deepEqual(t, [
      { at: '2026-12-04T16:00:00Z', host: 'lb1', instance: 'web_51', to: 'BACKUP' },
      { at: '2026-12-04T16:00:03Z', host: 'lb1', instance: 'web_51', from: 'BACKUP', to: 'MASTER' },
    ]);
  });

  it('keepalived\'s cause before the last Entering line of that state, in its words', () => {
    const log = [
      '(web_51) Entering BACKUP STATE',
      'Wed Dec  4 16:00:03 2026: (web_51) Master received advert from 198.18.0.11 with higher priority 150, ours 100',
      'Wed Dec  4 16:00:03 2026: (web_51) Entering BACKUP STATE',
      'VRRP_Script(chk_nginx) failed',
      '(web_51) Entering FAULT STATE',
    ];
    assert.equal(logReason(log, 'web_51', 'BACKUP'), 'Master received advert from 198.18.0.11 with higher priority 150, ours 100');
    assert.equal(logReason(log, 'web_51', 'FAULT'), 'track script chk_nginx failed');
    assert.equal(logReason(log, 'web_51', 'MASTER'), undefined);
    assert.equal(logReason(['(other) Receive advertisement timeout', '(web_51) Entering MASTER STATE'], 'web_51', 'MASTER'), undefined, 'another instance\'s cause is not ours');
  });

  it('the agent\'s own record wins over the notify log', () => {
    const report = agentReport(JSON.stringify({ instances: [{ name: 'web_51', vrid: 51, state: 'MASTER', priority: 100, basePriority: 100, lastTransition: { from: 'BACKUP', to: 'MASTER', reason: 'no advert for 3.6 s (master down)', at: '2026-12-04T16:00:05.120Z' } }] }))!;
    const sp = report.instances[0]!;
    assert.equal(sp.basePriority, 100);
    const notify = parseNotifyLines(['2026-12-04T15:00:00Z lb2 INSTANCE web_51 BACKUP priority=100'], 'lb2');
    assert.deepEqual(lastTransitionOf('lb2', 'web_51', sp, notify, []), { at: '2026-12-04T16:00:05.120Z', host: 'lb2', instance: 'web_51', from: 'BACKUP', to: 'MASTER', reason: 'no advert for 3.6 s (master down)', reasonFrom: 'speaker' });
    assert.deepEqual(lastTransitionOf('lb2', 'web_51', undefined, notify, []), { at: '2026-12-04T15:00:00Z', host: 'lb2', instance: 'web_51', to: 'BACKUP' });
    assert.equal(lastTransitionOf('lb2', 'other', undefined, notify, []), undefined);
  });

  it('merges once each, newest first, keeps a known cause, caps the list', () => {
    const a = { at: '2026-12-04T16:00:00Z', host: 'lb1', instance: 'i', to: 'MASTER' as const, reason: 'why' };
    const b = { at: '2026-12-04T16:00:01Z', host: 'lb2', instance: 'i', to: 'MASTER' as const };
    assert.deepEqual(mergeTransitions([a], [{ ...a, reason: undefined } as never, b]), [b, a]);
    assert.equal(mergeTransitions([], Array.from({ length: 150 }, (_, n) => ({ ...b, at: `2026-12-04T16:${String(n % 60).padStart(2, '0')}:${String(Math.floor(n / 60)).padStart(2, '0')}Z` }))).length, 100);
  });

  it('maintenance flag and its info; a host key refusal is "refused"', () => {
    assert.equal(parseMaintenance('flag 0\n'), null);
    assert.deepEqual(parseMaintenance('flag 1\ninfo {"by":"ops@admin","at":"2026-12-04T16:00:00Z","reason":"kernel update"}\n'), { since: '2026-12-04T16:00:00Z', by: 'ops@admin', reason: 'kernel update' });
    assert.deepEqual(parseMaintenance('flag 1\ninfo not json\n'), {});
    assert.equal(parseMaintenance(''), null);
    assert.deepEqual(failureOf({ kind: 'host-key-changed', host: 'lb1', expected: 'x', got: 'y', message: 'host lb1: host key changed', hint: 'h' }), { failure: 'refused', error: 'refused: host lb1: host key changed' });
    assert.equal(failureOf({ kind: 'timeout', host: 'lb1', message: 'm' }).failure, 'unreachable');
  });
});
