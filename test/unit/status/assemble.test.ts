import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assembleSnapshot, statusExitCode, type HostRead } from '../../../src/status/index.js';
import { director, topology2x2 } from './support.js';

const at = '2026-12-04T17:00:00.000Z';
const snap = (reads: [string, HostRead | undefined][], extra: Partial<Parameters<typeof assembleSnapshot>[0]> = {}) =>
  assembleSnapshot({ topology: topology2x2(), reads: new Map(reads), at, ...extra });

describe('assembleSnapshot', () => {
  it('names the holder, states, effective priority over base, tracks with weights, the probe', () => {
    const s = snap([
      ['lb1', director('lb1', { holds: true, state: 'MASTER', prio: 150, base: 150 })],
      ['lb2', director('lb2', { holds: false, state: 'BACKUP', prio: 40, base: 100, scriptOk: false })],
    ], { probes: new Map([['198.18.0.100', { ok: true, ms: 1.2, status: 200 }]]) });
    assert.deepEqual(s.vips, [{ vip: '198.18.0.100', cluster: 'web', instance: 'web_51', holder: 'lb1', holders: ['lb1'], expectedHolder: 'lb1', probe: { ok: true, ms: 1.2, status: 200 } }]);
    const [lb1, lb2] = s.clusters[0]!.instances[0]!.members;
    assert.equal(lb1!.state, 'MASTER');
    assert.deepEqual({ state: lb2!.state, eff: lb2!.effectivePriority, base: lb2!.basePriority, tracks: lb2!.tracks },
      { state: 'BACKUP', eff: 40, base: 100, tracks: [{ kind: 'script', name: 'chk_nginx', ok: false, weight: -60 }] });
    assert.deepEqual({ splitBrain: s.clusters[0]!.splitBrain, up: s.clusters[0]!.membersUp, of: s.clusters[0]!.members }, { splitBrain: false, up: 2, of: 2 });
    assert.equal(statusExitCode(s), 0);
  });

  it('split brain: both hold the VIP → no single holder, the cluster flagged, exit 1', () => {
    const s = snap([
      ['lb1', director('lb1', { holds: true, state: 'MASTER', prio: 150 })],
      ['lb2', director('lb2', { holds: true, state: 'MASTER', prio: 100 })],
    ]);
    assert.deepEqual({ holder: s.vips[0]!.holder, holders: s.vips[0]!.holders }, { holder: null, holders: ['lb1', 'lb2'] });
    assert.equal(s.clusters[0]!.splitBrain, true);
    assert.equal(statusExitCode(s), 1);
  });

  it('an unreachable and a refused host keep their rows; no holder → exit 1, only unreachable → 4', () => {
    const refused: HostRead = { host: 'lb2', ok: false, failure: 'refused', error: 'refused: host key changed' };
    const s = snap([['lb1', director('lb1', { holds: true, state: 'MASTER', prio: 150 })], ['lb2', refused]]);
    const lb2 = s.clusters[0]!.instances[0]!.members[1]!;
    assert.deepEqual({ reachable: lb2.reachable, state: lb2.state, failure: lb2.failure, error: lb2.error }, { reachable: false, state: 'UNKNOWN', failure: 'refused', error: 'refused: host key changed' });
    assert.deepEqual(s.unreachable, [{ host: 'lb2', error: 'refused: host key changed', failure: 'refused' }]);
    assert.equal(statusExitCode(s), 4);
    const none = snap([['lb1', undefined], ['lb2', director('lb2', { holds: false, state: 'BACKUP', prio: 100 })]]);
    assert.equal(none.vips[0]!.holder, null);
    assert.equal(none.unreachable[0]!.error, 'no answer yet');
    assert.equal(statusExitCode(none), 1);
  });

  it('a stopped speaker shows STOP, its VIP left behind still counts as held', () => {
    const s = snap([
      ['lb1', director('lb1', { holds: false, state: 'MASTER', prio: 150, running: false })],
      ['lb2', director('lb2', { holds: true, state: 'MASTER', prio: 100 })],
    ]);
    const lb1 = s.clusters[0]!.instances[0]!.members[0]!;
    assert.deepEqual({ state: lb1.state, speaker: lb1.speaker }, { state: 'STOP', speaker: null });
    assert.equal(s.vips[0]!.holder, 'lb2');
  });

  it('last transition from the notify log with keepalived\'s cause; transitions merged, newest first', () => {
    const notify = ['2026-12-04T16:00:00Z lb2 INSTANCE web_51 BACKUP priority=100', '2026-12-04T16:59:58Z lb2 INSTANCE web_51 MASTER priority=100'];
    const log = ['Dec  4 16:59:58 lb2 Keepalived_vrrp[7]: (web_51) Receive advertisement timeout', 'Dec  4 16:59:58 lb2 Keepalived_vrrp[7]: (web_51) Entering MASTER STATE'];
    const known = [{ at: '2026-12-04T15:00:00Z', host: 'lb1', instance: 'web_51', to: 'MASTER' as const }];
    const s = snap([
      ['lb1', director('lb1', { holds: false, state: 'BACKUP', prio: 150 })],
      ['lb2', director('lb2', { holds: true, state: 'MASTER', prio: 100, notify, log })],
    ], { known });
    const lb2 = s.clusters[0]!.instances[0]!.members[1]!;
    assert.deepEqual(lb2.lastTransition, { at: '2026-12-04T16:59:58Z', host: 'lb2', instance: 'web_51', from: 'BACKUP', to: 'MASTER', reason: 'Receive advertisement timeout', reasonFrom: 'log' });
    assert.deepEqual(s.transitions.map((t) => `${t.host} ${t.to} ${t.at}`), ['lb2 MASTER 2026-12-04T16:59:58Z', 'lb1 MASTER 2026-12-04T15:00:00Z']);
    assert.equal(s.vips[0]!.expectedHolder, 'lb1', 'the inventory expects the higher priority');
  });

  it('drift: a recorded file whose live checksum differs or vanished; the newest deploy record', () => {
    const rec = (at: string) => ({ at, by: 'ops@admin', planId: 'p', files: [{ path: '/etc/keepalived/keepalived.conf', sha256: 'a'.repeat(64) }, { path: '/etc/nginx/nginx.conf', sha256: 'b'.repeat(64) }] });
    const file = (path: string, sha256: string | null) => ({ path, content: null, sha256, mode: null, owner: null, group: null });
    const s = snap([
      ['lb1', director('lb1', { holds: true, state: 'MASTER', prio: 150, facts: { lastDeploy: rec('2026-12-04T10:00:00Z'), files: {
        '/etc/keepalived/keepalived.conf': file('/etc/keepalived/keepalived.conf', 'c'.repeat(64)), '/etc/nginx/nginx.conf': file('/etc/nginx/nginx.conf', 'b'.repeat(64)) } } })],
      ['lb2', director('lb2', { holds: false, state: 'BACKUP', prio: 100, facts: { lastDeploy: rec('2026-12-04T11:00:00Z'), files: {
        '/etc/keepalived/keepalived.conf': file('/etc/keepalived/keepalived.conf', null) } } })],
    ]);
    assert.deepEqual(s.drift, [{ host: 'lb1', paths: ['/etc/keepalived/keepalived.conf'] }, { host: 'lb2', paths: ['/etc/keepalived/keepalived.conf'] }]);
    assert.deepEqual(s.lastDeploy, { at: '2026-12-04T11:00:00Z', by: 'ops@admin', ok: true });
  });
});
