import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdersAt, measure, outcome, requestStats } from '../../../src/drill/index.js';
import { killRecord } from './record.js';

test('kill-keepalived: failover vs bound, stale VIP released only by the restore, preempt back', () => {
  const m = measure(killRecord());
  assert.equal(m.failoverMs, 3600);
  assert.equal(m.newHolder, 'lb2');
  assert.equal(m.sinceLastAdvertMs, 3610);
  assert.equal(m.overBoundMs, 0.6, 'compared from the last advert, where the backup timer starts');
  assert.equal(m.releasedMs, 7050);
  assert.equal(m.releasedBeforeRestore, false);
  assert.equal(m.returned, 'moved-back');
  assert.equal(m.expectedReturn, 'moved-back');
  assert.equal(m.recoveryMs, 1010);
  assert.equal(m.garpSeen, 6);
  assert.deepEqual(m.requests, { sent: 101, failed: 37, failedAfterRetry: 37, longestGapMs: 3800 });
  assert.equal(outcome(killRecord()).ok, true);
});

test('without adverts (unicast) the bound is compared from the fault', () => {
  const r = killRecord();
  r.adverts = [];
  const m = measure(r);
  assert.equal(m.sinceLastAdvertMs, null);
  assert.equal(m.overBoundMs, -9.4);
});

test('graceful stop: the priority-0 advert starts the clock', () => {
  const r = killRecord();
  r.fault = 'stop-keepalived';
  r.adverts.push({ t: 1004, src: '198.18.0.11', priority: 0 });
  r.ownership = r.ownership.map((s) => (s.host === 'lb2' && s.t === 4600 ? { ...s, t: 1620 } : s));
  r.ownership.push({ t: 1010, host: 'lb1', holds: false });
  const m = measure(r);
  assert.equal(m.sinceLastAdvertMs, 616);
  assert.equal(m.bound!.ms, 609.4);
});

test('stop-nginx: the bound counts from the fault, not from an advert', () => {
  const r = killRecord();
  r.fault = 'stop-nginx';
  const m = measure(r);
  assert.equal(m.sinceLastAdvertMs, null);
  assert.equal(m.overBoundMs, 3600 - 9609.4);
});

test('nopreempt expected but the VIP moved back is a problem', () => {
  const r = killRecord();
  r.config.preempt = false;
  const o = outcome(r);
  assert.equal(o.ok, false);
  assert.match(o.problems[0]!, /moved-back, expected it to have stayed \(nopreempt\)/);
});

test('no takeover is a problem; a graceful fault that left two holders is too', () => {
  const r = killRecord();
  r.ownership = r.ownership.filter((s) => s.host !== 'lb2');
  assert.match(outcome(r).problems.join(), /did not move to lb2/);
  const g = killRecord();
  g.fault = 'stop-keepalived';
  assert.match(outcome(g).problems.join(), /lb1 kept the VIP until the restore/);
});

test('realserver-down: VIP stays, traffic drains from the stopped backend', () => {
  const r = killRecord();
  r.fault = 'realserver-down';
  r.target = 'web2';
  r.ownership = [{ t: 0, host: 'lb1', holds: true }, { t: 0, host: 'lb2', holds: false }];
  r.requests = r.requests.map((q) => ({ ...q, ok: true, error: undefined, servedBy: q.t >= 1000 && q.t < 8000 ? 'web1' : q.servedBy }));
  const o = outcome(r);
  assert.deepEqual(o.problems, []);
  assert.equal(o.measures.drainMs, 0);
  assert.equal(o.measures.returned, 'none');
  r.requests.push({ t: 5000, ok: true, okAfterRetry: false, ms: 2, servedBy: 'web2' });
  assert.match(outcome(r).problems.join(), /1 request\(s\) still reached web2/);
});

test('holders at a time and request stats with retries', () => {
  const r = killRecord();
  assert.deepEqual(holdersAt(r.ownership, 5000), ['lb1', 'lb2']);
  assert.deepEqual(holdersAt(r.ownership, 9500), ['lb1']);
  const s = requestStats([
    { t: 0, ok: true, okAfterRetry: false, ms: 1 },
    { t: 100, ok: false, okAfterRetry: true, ms: 1 },
    { t: 200, ok: false, okAfterRetry: false, ms: 1 },
    { t: 450, ok: true, okAfterRetry: false, ms: 1 },
  ]);
  assert.deepEqual(s, { sent: 4, failed: 2, failedAfterRetry: 1, longestGapMs: 450 });
});
