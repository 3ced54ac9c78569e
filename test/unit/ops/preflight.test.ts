import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maintenancePreflight, switchoverPreflight, type OpsState } from '../../../src/ops/index.js';
import { cluster, healthy, instance, member, observations, report } from './fixtures.js';

const inst = instance([member('lb1', 150, '198.18.0.11'), member('lb2', 100, '198.18.0.12')]);
const c = cluster([inst]);
const none = new Map<string, OpsState | null>();
const codes = (p: ReturnType<typeof switchoverPreflight>) => (p.ok ? [] : p.refusals.map((r) => r.code));

test('a healthy pair: lb2 can take the VIP from lb1', () => {
  const p = switchoverPreflight({ cluster: c, instances: [inst], target: 'lb2', observations: observations([healthy('lb1', 'MASTER'), healthy('lb2', 'BACKUP')]), report: report(['lb1']), states: none });
  assert.equal(p.ok, true);
  assert.equal(p.ok && p.holders.get('web_51'), 'lb1');
  assert.equal(p.ok && p.alreadyThere, false);
});

test('a target that is not a director of the instance is a usage error, said before anything else', () => {
  const p = switchoverPreflight({ cluster: c, instances: [inst], target: 'web1', observations: observations([]), report: report([]), states: none });
  assert.deepEqual(codes(p), ['not-member']);
  assert.equal(!p.ok && p.refusals[0]!.usage, true);
  assert.match(!p.ok ? p.refusals[0]!.message : '', /web1 is not a director of web_51 .*lb1, lb2/);
});

test('split brain, nobody holding, an unreachable director: refused with each reason', () => {
  const obs = observations([healthy('lb1', 'MASTER'), healthy('lb2', 'MASTER')]);
  assert.deepEqual(codes(switchoverPreflight({ cluster: c, instances: [inst], target: 'lb2', observations: obs, report: report(['lb1', 'lb2']), states: none })), ['split-brain']);
  assert.deepEqual(codes(switchoverPreflight({ cluster: c, instances: [inst], target: 'lb2', observations: obs, report: report([]), states: none })), ['no-holder']);
  const gone = observations([{ host: 'lb1', reachable: false, message: 'timeout' }, healthy('lb2', 'BACKUP')]);
  assert.deepEqual(codes(switchoverPreflight({ cluster: c, instances: [inst], target: 'lb2', observations: gone, report: report(['lb2']), states: none })), ['unreachable']);
});

test('an unhealthy target: speaker down, nginx down, a failing track script, FAULT, maintenance', () => {
  const cases: [Parameters<typeof healthy>[2], RegExp][] = [
    [{ running: { keepalived: false, nginx: true } }, /VRRP speaker \(keepalived\) is not running/],
    [{ running: { keepalived: true, nginx: false } }, /nginx is not running/],
    [{ speaker: { source: 'keepalived', instances: [{ name: 'web_51', state: 'FAULT', authFailures: 0 }], scripts: [{ name: 'chk_nginx', ok: false }] } }, /track script chk_nginx fails; web_51 is FAULT/],
  ];
  for (const [o, re] of cases) {
    const p = switchoverPreflight({ cluster: c, instances: [inst], target: 'lb2', observations: observations([healthy('lb1', 'MASTER'), healthy('lb2', 'BACKUP', o)]), report: report(['lb1']), states: none });
    assert.deepEqual(codes(p), ['unhealthy']);
    assert.match(!p.ok ? p.refusals[0]!.message : '', re);
  }
  const inMaint = new Map([['lb2', { host: 'lb2', maintenance: true, moves: {} }]]);
  const p = switchoverPreflight({ cluster: c, instances: [inst], target: 'lb2', observations: observations([healthy('lb1', 'MASTER'), healthy('lb2', 'BACKUP')]), report: report(['lb1']), states: inMaint });
  assert.deepEqual(codes(p), ['in-maintenance']);
  assert.match(!p.ok ? p.refusals[0]!.hint! : '', /maintenance lb2 off/);
});

test('another verify error in the cluster refuses; one about a host in maintenance does not', () => {
  const drift = { kind: 'daemon-down' as const, ok: false, severity: 'error' as const, host: 'lb1', message: 'keepalived is not running on lb1' };
  const obs = observations([healthy('lb1', 'BACKUP'), healthy('lb2', 'MASTER')]);
  assert.deepEqual(codes(switchoverPreflight({ cluster: c, instances: [inst], target: 'lb1', observations: obs, report: report(['lb2'], [{ ...drift, host: 'lb2', message: 'x' }]), states: none })), ['verify']);
  const m = new Map([['lb2', { host: 'lb2', maintenance: true, moves: {} }]]);
  assert.equal(switchoverPreflight({ cluster: c, instances: [inst], target: 'lb1', observations: obs, report: report(['lb2'], [{ ...drift, host: 'lb2' }]), states: m }).ok, true);
});

test('the target already holds it: nothing to move', () => {
  const p = switchoverPreflight({ cluster: c, instances: [inst], target: 'lb1', observations: observations([healthy('lb1', 'MASTER'), healthy('lb2', 'BACKUP')]), report: report(['lb1']), states: none });
  assert.equal(p.ok && p.alreadyThere, true);
});

test('maintenance on the last healthy director of an instance is refused; off never is', () => {
  const obs = observations([healthy('lb1', 'MASTER'), healthy('lb2', 'BACKUP', { running: { keepalived: false, nginx: true } })]);
  const r = maintenancePreflight({ cluster: c, host: 'lb1', on: true, observations: obs, report: report(['lb1']), states: none });
  assert.deepEqual(r.map((x) => x.code), ['last-director']);
  assert.match(r[0]!.message, /web_51: no other healthy director would hold 198\.18\.0\.100/);
  assert.deepEqual(maintenancePreflight({ cluster: c, host: 'lb1', on: false, observations: obs, report: report(['lb1']), states: none }), []);
  const ok = observations([healthy('lb1', 'MASTER'), healthy('lb2', 'BACKUP')]);
  assert.deepEqual(maintenancePreflight({ cluster: c, host: 'lb1', on: true, observations: ok, report: report(['lb1']), states: none }), []);
});
