import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logReason, observedCause, withCauses, type MemberStatus, type Transition } from '../../../src/status/index.js';

const at = '2026-12-04T17:00:00.000Z';
const t = (host: string, to: Transition['to'], from?: Transition['from'], when = '2026-12-04T16:59:58Z'): Transition => ({ at: when, host, instance: 'web_51', to, ...(from ? { from } : {}) });
const member = (host: string, o: Partial<MemberStatus> = {}): MemberStatus => ({ host, reachable: true, state: 'BACKUP', speaker: 'keepalived', basePriority: 100, effectivePriority: 100, tracks: [], ...o });
const file = (name: string, value: number, weight: number, ok: boolean) => ({ kind: 'file' as const, name, value, weight, ok });

describe('causes no speaker logged, from the round\'s view', () => {
  it('FAULT: hafleet\'s switchover file, maintenance (who, why), an interface, a script', () => {
    const moved = member('lb1', { state: 'FAULT', tracks: [file('hafleet_maintenance', 0, 0, true), file('hafleet_move_web_51', -254, 1, false)] });
    assert.equal(observedCause(t('lb1', 'FAULT', 'MASTER'), moved, []), 'hafleet switchover: hafleet_move_web_51=-254');
    const maint = member('lb1', { state: 'FAULT', tracks: [file('hafleet_maintenance', 1, 0, false)], maintenance: { by: 'ops@admin', reason: 'kernel update' } });
    assert.equal(observedCause(t('lb1', 'FAULT', 'MASTER'), maint, []), 'hafleet maintenance by ops@admin: kernel update');
    const link = member('lb1', { state: 'FAULT', tracks: [{ kind: 'script', name: 'chk_nginx', ok: false, weight: -60 }, { kind: 'interface', name: 'eth1', ok: false, weight: 0 }] });
    assert.equal(observedCause(t('lb1', 'FAULT', 'MASTER'), link, []), 'interface eth1 down');
    const script = member('lb1', { state: 'FAULT', tracks: [{ kind: 'script', name: 'chk_nginx', ok: false, weight: 0 }] });
    assert.equal(observedCause(t('lb1', 'FAULT', 'MASTER'), script, []), 'track script chk_nginx failed');
    assert.equal(observedCause(t('lb1', 'FAULT', 'MASTER'), member('lb1', { state: 'FAULT' }), []), undefined, 'nothing seen, nothing claimed');
  });

  it('STOP is a shutdown; BACKUP after a higher advert says whose and why ours is lower', () => {
    assert.equal(observedCause(t('lb1', 'STOP', 'MASTER'), member('lb1', { state: 'STOP' }), []), 'speaker stopped (shutdown)');
    const lb1 = member('lb1', { effectivePriority: 40, basePriority: 150, tracks: [{ kind: 'script', name: 'chk_nginx', ok: false, weight: -110 }] });
    const lb2 = member('lb2', { state: 'MASTER', effectivePriority: 100 });
    assert.equal(observedCause(t('lb1', 'BACKUP', 'MASTER'), lb1, [lb2]), 'advert with higher priority 100 from lb2 (ours 40 (track script chk_nginx failed))');
    assert.equal(observedCause(t('lb1', 'BACKUP', 'STOP'), lb1, [lb2]), 'speaker started');
    assert.match(observedCause(t('lb1', 'BACKUP', 'FAULT'), member('lb1', { tracks: [file('hafleet_move_web_51', 0, 1, true)] }), [lb2])!, /^fault cleared \(hafleet_move_web_51 ok\)/);
  });

  it('MASTER: the peer that left, a preempt, or no master left', () => {
    const left = member('lb1', { state: 'STOP', reachable: true, lastTransition: t('lb1', 'STOP', 'MASTER', '2026-12-04T16:59:57Z') });
    assert.equal(observedCause(t('lb2', 'MASTER', 'BACKUP'), member('lb2', { state: 'MASTER' }), [left]), 'lb1 left MASTER (STOP)');
    const outranked = member('lb2', { state: 'BACKUP', effectivePriority: 100, lastTransition: t('lb2', 'BACKUP', 'MASTER') });
    assert.equal(observedCause(t('lb1', 'MASTER', 'BACKUP'), member('lb1', { state: 'MASTER', effectivePriority: 150 }), [outranked]), 'preempted lb2 (priority 150 > 100)');
    const bothStarted = { ...outranked, lastTransition: t('lb2', 'BACKUP') };
    assert.equal(observedCause(t('lb1', 'MASTER', 'BACKUP'), member('lb1', { state: 'MASTER', effectivePriority: 150 }), [bothStarted]), 'no advert from a master (master down timer)', 'nobody was master: not a preempt');
    assert.equal(observedCause(t('lb2', 'MASTER', 'BACKUP'), member('lb2', { state: 'MASTER' }), [member('lb1', { reachable: false, state: 'UNKNOWN' })]), 'no advert from a master (master down timer)');
  });

  it('only fresh transitions are explained by the view; a known cause stays; the speaker\'s own words win', () => {
    const old = member('lb1', { state: 'FAULT', tracks: [file('hafleet_move_web_51', -254, 1, false)], lastTransition: t('lb1', 'FAULT', 'MASTER', '2026-12-04T15:00:00Z') });
    assert.equal(withCauses([old], new Map(), at)[0]!.lastTransition!.reason, undefined, 'an hour ago: not what the view shows now');
    const fresh = { ...old, lastTransition: t('lb1', 'FAULT', 'MASTER') };
    assert.deepEqual(withCauses([fresh], new Map(), at)[0]!.lastTransition, { ...t('lb1', 'FAULT', 'MASTER'), reason: 'hafleet switchover: hafleet_move_web_51=-254', reasonFrom: 'observed' });
    const known = new Map([[`${old.lastTransition!.at}|lb1|web_51|FAULT`, { ...old.lastTransition!, reason: 'seen then', reasonFrom: 'observed' as const }]]);
    assert.equal(withCauses([old], known, at)[0]!.lastTransition!.reason, 'seen then');
    const logged = { ...fresh, lastTransition: { ...fresh.lastTransition!, reason: 'Netlink: eth0 down', reasonFrom: 'log' as const } };
    assert.equal(withCauses([logged], new Map(), at)[0]!.lastTransition!.reason, 'Netlink: eth0 down');
  });

  it('keepalived 2.2\'s own FAULT lines name the cause (log lines as journalctl or syslog give them)', () => {
    const log = [
      'Dec  4 20:48:24 lb1 Keepalived_vrrp[26255]: (VI_1): entering FAULT state (tracked file hafleet_move_VI_1 has status -254)',
      'Dec  4 20:48:24 lb1 Keepalived_vrrp[26255]: (VI_1) Changing effective priority from 100 to 70',
      'Dec  4 20:48:24 lb1 Keepalived_vrrp[26255]: (VI_1) entering FAULT state',
    ];
    assert.equal(logReason(log, 'VI_1', 'FAULT'), 'tracked file hafleet_move_VI_1 has status -254');
    assert.equal(logReason(['Netlink reports eth0 down', '(VI_1) Entering FAULT STATE', '(VI_1) sent 0 priority'], 'VI_1', 'FAULT'), 'interface eth0 down');
  });
});
