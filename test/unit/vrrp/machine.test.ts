import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialMachine, masterDownIntervalMs, skewTimeMs, step, type Action, type MachineEvent, type MachineState } from '../../../src/vrrp/machine.js';
import type { Advert } from '../../../src/vrrp/packet.js';
import { Sim, params } from './sim.js';

const PEER = '198.18.250.2';
const advert = (over: Partial<Advert> = {}): Advert => ({ version: 2, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100'], ...over });
const rx = (over: Partial<Advert> = {}, src = PEER): MachineEvent => ({ kind: 'advert', advert: advert(over), src });

function run(s: MachineState, ...events: MachineEvent[]): { s: MachineState; actions: Action[] } {
  let actions: Action[] = [];
  for (const e of events) {
    const r = step(s, e);
    s = r.state;
    actions = r.actions;
  }
  return { s, actions };
}
const kinds = (as: Action[]) => as.map((a) => (a.kind === 'arm' || a.kind === 'cancel' ? `${a.kind}:${a.timer}` : a.kind === 'notify' ? `notify:${a.state}` : a.kind));

test('timers per version: v2 skew in seconds, v3 skew scaled by the (learned) interval', () => {
  const v2 = initialMachine(params({ priority: 100 }));
  assert.equal(skewTimeMs(v2), 609.375);
  assert.equal(masterDownIntervalMs(v2), 3609.375);
  const v3 = initialMachine(params({ version: 3, priority: 100, advertIntervalCs: 10 }));
  assert.equal(skewTimeMs(v3), 60.9375);
  assert.equal(masterDownIntervalMs(v3), 360.9375);
  // v3 learns the master's interval from its adverts (RFC 5798 §6.4.2).
  const b = run(v3, { kind: 'startup' }, rx({ version: 3, advertIntervalCs: 50, priority: 200 }));
  assert.equal(b.s.masterAdverIntervalCs, 50);
  assert.deepEqual(b.actions, [{ kind: 'arm', timer: 'masterDown', ms: 1500 + (156 * 50 * 10) / 256 }]);
});

test('Initialize → Backup arms Master_Down_Interval; owner (255) goes straight to Master', () => {
  const b = run(initialMachine(params()), { kind: 'startup' });
  assert.equal(b.s.state, 'BACKUP');
  assert.deepEqual(b.actions, [{ kind: 'arm', timer: 'masterDown', ms: 3609.375 }, { kind: 'notify', state: 'BACKUP', reason: 'startup' }]);
  const m = run(initialMachine(params({ priority: 255 })), { kind: 'startup' });
  assert.equal(m.s.state, 'MASTER');
  assert.deepEqual(kinds(m.actions), ['cancel:masterDown', 'cancel:preemptDelay', 'add-vips', 'send-advert', 'send-garp', 'arm:advert', 'notify:MASTER']);
  assert.deepEqual(m.actions[3], { kind: 'send-advert', priority: 255 });
});

test('Backup → Master when Master_Down_Interval runs out; Master re-adverts on its timer', () => {
  const m = run(initialMachine(params()), { kind: 'startup' }, { kind: 'timer', timer: 'masterDown' });
  assert.equal(m.s.state, 'MASTER');
  assert.match(m.s.lastTransition!.reason, /Master_Down_Interval/);
  const t = step(m.s, { kind: 'timer', timer: 'advert' });
  assert.deepEqual(t.actions, [{ kind: 'send-advert', priority: 100 }, { kind: 'arm', timer: 'advert', ms: 1000 }]);
  assert.equal(t.state.counters.advertsSent, 2);
});

test('Backup: higher/equal advert resets the timer; lower one is discarded when preempting, honoured with nopreempt', () => {
  const b = run(initialMachine(params()), { kind: 'startup' });
  assert.deepEqual(step(b.s, rx({ priority: 100 })).actions, [{ kind: 'arm', timer: 'masterDown', ms: 3609.375 }]);
  const low = step(b.s, rx({ priority: 50 }));
  assert.deepEqual(low.actions, []);
  assert.equal(low.state.counters.lowerPriorityIgnored, 1);
  const np = run(initialMachine(params({ preempt: false })), { kind: 'startup' }, rx({ priority: 50 }));
  assert.deepEqual(np.actions, [{ kind: 'arm', timer: 'masterDown', ms: 3609.375 }]);
  assert.equal(np.s.masterIp, PEER);
});

test('Backup: priority 0 from the master → take over after Skew_Time only', () => {
  const b = run(initialMachine(params()), { kind: 'startup' }, rx({ priority: 200 }), rx({ priority: 0 }));
  assert.deepEqual(b.actions, [{ kind: 'arm', timer: 'masterDown', ms: 609.375 }]);
  assert.equal(b.s.counters.priorityZeroReceived, 1);
  const m = step(b.s, { kind: 'timer', timer: 'masterDown' });
  assert.match(m.state.lastTransition!.reason, /left \(priority 0\), after Skew_Time 609.4 ms/);
});

test('preempt_delay: a lower master is honoured until the delay runs out, then we preempt', () => {
  const b = run(initialMachine(params({ preemptDelayMs: 5000 })), { kind: 'startup' }, rx({ priority: 50 }));
  assert.deepEqual(b.actions, [{ kind: 'arm', timer: 'masterDown', ms: 3609.375 }, { kind: 'arm', timer: 'preemptDelay', ms: 5000 }]);
  const again = step(b.s, rx({ priority: 50 }));
  assert.deepEqual(again.actions, [{ kind: 'arm', timer: 'masterDown', ms: 3609.375 }], 'the delay is not restarted');
  const m = step(again.state, { kind: 'timer', timer: 'preemptDelay' });
  assert.equal(m.state.state, 'MASTER');
  // A higher advert in the meantime cancels the pending preemption.
  const c = run(b.s, rx({ priority: 200 }));
  assert.deepEqual(kinds(c.actions), ['arm:masterDown', 'cancel:preemptDelay']);
  assert.equal(step(c.s, { kind: 'timer', timer: 'preemptDelay' }).state.state, 'BACKUP');
});

test('Master: higher priority → Backup; equal priority goes to the higher address; lower → assert at once', () => {
  const m = run(initialMachine(params({ primaryIp: '198.18.250.5' })), { kind: 'startup' }, { kind: 'timer', timer: 'masterDown' });
  const hi = step(m.s, rx({ priority: 101 }));
  assert.equal(hi.state.state, 'BACKUP');
  assert.deepEqual(kinds(hi.actions), ['cancel:advert', 'del-vips', 'arm:masterDown', 'notify:BACKUP']);
  const eqHigherIp = step(m.s, rx({ priority: 100 }, '198.18.250.9'));
  assert.equal(eqHigherIp.state.state, 'BACKUP');
  assert.match(eqHigherIp.state.lastTransition!.reason, /higher address/);
  const eqLowerIp = step(m.s, rx({ priority: 100 }, '198.18.250.2'));
  assert.equal(eqLowerIp.state.state, 'MASTER');
  assert.deepEqual(eqLowerIp.actions, [{ kind: 'send-advert', priority: 100 }, { kind: 'arm', timer: 'advert', ms: 1000 }]);
  const zero = step(m.s, rx({ priority: 0 }));
  assert.equal(zero.state.state, 'MASTER');
  assert.deepEqual(kinds(zero.actions), ['send-advert', 'arm:advert']);
});

test('Master shutdown sends priority 0 and removes the VIPs; Backup shutdown just stops', () => {
  const m = run(initialMachine(params()), { kind: 'startup' }, { kind: 'timer', timer: 'masterDown' }, { kind: 'shutdown' });
  assert.equal(m.s.state, 'INIT');
  assert.deepEqual(m.actions, [{ kind: 'cancel', timer: 'advert' }, { kind: 'send-advert', priority: 0 }, { kind: 'del-vips' }, { kind: 'notify', state: 'STOP', reason: 'shutdown' }]);
  assert.equal(m.s.counters.priorityZeroSent, 1);
  const b = run(initialMachine(params()), { kind: 'startup' }, { kind: 'shutdown' });
  assert.deepEqual(kinds(b.actions), ['cancel:masterDown', 'cancel:preemptDelay', 'notify:STOP']);
});

test('Fault: from Master (priority 0 + VIPs off), from Backup, at startup, and back when cleared', () => {
  const m = run(initialMachine(params()), { kind: 'startup' }, { kind: 'timer', timer: 'masterDown' }, { kind: 'fault', cause: 'eth0 down', active: true });
  assert.equal(m.s.state, 'FAULT');
  assert.deepEqual(kinds(m.actions), ['cancel:advert', 'send-advert', 'del-vips', 'notify:FAULT']);
  const ignored = step(m.s, rx({ priority: 200 }));
  assert.equal(ignored.state.counters.drops['not-running'], 1);
  const two = run(m.s, { kind: 'fault', cause: 'chk_nginx', active: true }, { kind: 'fault', cause: 'eth0 down', active: false });
  assert.equal(two.s.state, 'FAULT', 'one fault still active');
  const back = step(two.s, { kind: 'fault', cause: 'chk_nginx', active: false });
  assert.equal(back.state.state, 'BACKUP');
  assert.deepEqual(kinds(back.actions), ['arm:masterDown', 'notify:BACKUP']);
  const b = run(initialMachine(params()), { kind: 'startup' }, { kind: 'fault', cause: 'x', active: true });
  assert.deepEqual(kinds(b.actions), ['cancel:masterDown', 'cancel:preemptDelay', 'notify:FAULT']);
  const f = run(initialMachine(params()), { kind: 'fault', cause: 'x', active: true }, { kind: 'startup' });
  assert.equal(f.s.state, 'FAULT');
});

test('adverts not for us are dropped and counted by reason, state unchanged', () => {
  const b = run(initialMachine(params({ primaryIp: '198.18.250.1' })), { kind: 'startup' });
  const cases: [MachineEvent, string][] = [
    [rx({ vrid: 52 }), 'wrong-vrid'],
    [rx({ version: 3 }), 'version-mismatch'],
    [rx({ advertIntervalCs: 200 }), 'advert-interval-mismatch'],
    [rx({ addresses: ['198.18.0.101'] }), 'addr-list-mismatch'],
    [rx({ addresses: ['198.18.0.100', '198.18.0.101'] }), 'addr-list-mismatch'],
    [rx({}, '198.18.250.1'), 'own-advert'],
    [{ kind: 'drop', reason: 'auth-mismatch' }, 'auth-mismatch'],
  ];
  for (const [e, reason] of cases) {
    const r = step(b.s, e);
    assert.deepEqual(r.actions, [], reason);
    assert.equal(r.state.state, 'BACKUP');
    assert.equal(r.state.counters.drops[reason as 'wrong-vrid'], 1, reason);
  }
  // v3 accepts another interval (it learns it) but v2 must not.
  const v3 = run(initialMachine(params({ version: 3 })), { kind: 'startup' }, rx({ version: 3, advertIntervalCs: 200 }));
  assert.equal(v3.s.counters.advertsReceived, 1);
});

test('tracking weights move the effective priority within 1–254; the owner stays 255', () => {
  const s = initialMachine(params({ priority: 100 }));
  assert.equal(step(s, { kind: 'priority', weight: -30 }).state.priority, 70);
  assert.equal(step(s, { kind: 'priority', weight: -300 }).state.priority, 1);
  assert.equal(step(s, { kind: 'priority', weight: 200 }).state.priority, 254);
  assert.equal(step(initialMachine(params({ priority: 255 })), { kind: 'priority', weight: -50 }).state.priority, 255);
  const m = run(s, { kind: 'startup' }, { kind: 'timer', timer: 'masterDown' }, { kind: 'priority', weight: -20 }, { kind: 'timer', timer: 'advert' });
  assert.deepEqual(m.actions[0], { kind: 'send-advert', priority: 80 });
});

test('stale timers of another state are ignored', () => {
  const b = run(initialMachine(params()), { kind: 'startup' });
  assert.deepEqual(step(b.s, { kind: 'timer', timer: 'advert' }).actions, []);
  assert.deepEqual(step(b.s, { kind: 'timer', timer: 'preemptDelay' }).actions, []);
  assert.deepEqual(step(initialMachine(params()), { kind: 'timer', timer: 'masterDown' }).actions, []);
});

// Two machines on an in-memory bus in fake time, adverts through the real codec.
function pair(version: 2 | 3, advertIntervalCs: number, over: { preemptA?: boolean } = {}) {
  const sim = new Sim();
  const a = sim.add('a', params({ version, advertIntervalCs, priority: 150, primaryIp: '198.18.250.1', preempt: over.preemptA ?? true }), version === 2 ? 'pw' : undefined);
  const b = sim.add('b', params({ version, advertIntervalCs, priority: 100, primaryIp: '198.18.250.2' }), version === 2 ? 'pw' : undefined);
  return { sim, a, b };
}

for (const [version, cs] of [[2, 100], [3, 100], [3, 10]] as const) {
  test(`sim v${version} advert ${cs} cs: higher priority wins, kill → takeover at exactly Master_Down_Interval after the last advert`, () => {
    const { sim, a, b } = pair(version, cs);
    sim.start(a);
    sim.start(b);
    const mdiA = masterDownIntervalMs(a.s);
    sim.run(mdiA);
    assert.deepEqual(sim.masters(), ['a']);
    assert.equal(a.transitions.at(-1)!.at, mdiA);
    sim.run(mdiA + 20 * cs * 10);
    assert.deepEqual(sim.masters(), ['a'], 'no split brain');
    assert.equal(b.holdsVips, false);
    const lastAdvert = a.sentAt.at(-1)!;
    sim.kill(a);
    sim.run(lastAdvert + 10 * cs * 10);
    const take = b.transitions.find((t) => t.to === 'MASTER')!;
    assert.equal(take.at - lastAdvert, masterDownIntervalMs(b.s));
    assert.equal(b.garpAt[0], take.at, 'gratuitous ARP at the transition');
  });

  test(`sim v${version} advert ${cs} cs: shutdown of the master → backup takes over after Skew_Time`, () => {
    const { sim, a, b } = pair(version, cs);
    sim.start(a);
    sim.start(b);
    sim.run(10_000);
    const t0 = sim.now;
    sim.feed(a, { kind: 'shutdown' });
    a.alive = false;
    sim.run(t0 + 5000);
    const take = b.transitions.find((t) => t.to === 'MASTER')!;
    assert.equal(take.at - t0, skewTimeMs(b.s));
    assert.equal(a.holdsVips, false);
    assert.deepEqual(sim.masters(), ['b']);
  });
}

test('sim: preempt — a returning higher-priority router takes over; nopreempt — it stays backup', () => {
  for (const preemptA of [true, false]) {
    const { sim, a, b } = pair(2, 100, { preemptA });
    sim.start(b);
    sim.run(5000);
    assert.deepEqual(sim.masters(), ['b']);
    sim.start(a);
    sim.run(20_000);
    assert.deepEqual(sim.masters(), preemptA ? ['a'] : ['b'], `preempt ${preemptA}`);
  }
});

test('sim: a healed split brain has one master again within one advert interval', () => {
  const { sim, a, b } = pair(2, 100);
  sim.linked = false;
  sim.start(a);
  sim.start(b);
  sim.run(10_000);
  assert.deepEqual(sim.masters().sort(), ['a', 'b']);
  sim.linked = true;
  const healed = sim.now;
  sim.run(healed + 1000);
  assert.deepEqual(sim.masters(), ['a']);
  assert.ok(b.transitions.at(-1)!.at - healed <= 1000);
});

test('sim: a wrong password isolates the routers (both master), every advert counted as auth-mismatch', () => {
  const sim = new Sim();
  const a = sim.add('a', params({ priority: 150, primaryIp: '198.18.250.1' }), 'right');
  const b = sim.add('b', params({ priority: 100, primaryIp: '198.18.250.2' }), 'wrong');
  sim.start(a);
  sim.start(b);
  sim.run(10_000);
  assert.deepEqual(sim.masters().sort(), ['a', 'b']);
  assert.equal(b.s.counters.drops['auth-mismatch'], a.sentAt.length);
  assert.equal(a.s.counters.drops['auth-mismatch'], b.sentAt.length);
});

test('sync group: a held-back backup records that it wants master; sync events pull a member along', () => {
  const b = run(initialMachine(params()), { kind: 'startup' });
  const held = step(b.s, { kind: 'timer', timer: 'masterDown', groupReady: false });
  assert.equal(held.state.state, 'BACKUP');
  assert.equal(held.state.wantsMaster, true);
  assert.deepEqual(held.actions, [{ kind: 'arm', timer: 'masterDown', ms: 3609.375 }]);
  // A valid advert from a master resets the wish.
  assert.equal(step(held.state, rx({ priority: 200 })).state.wantsMaster, false);
  const m = step(held.state, { kind: 'sync', to: 'MASTER', reason: 'sync group G: X became MASTER' });
  assert.equal(m.state.state, 'MASTER');
  assert.equal(m.state.wantsMaster, false);
  const back = step(m.state, { kind: 'sync', to: 'BACKUP', reason: 'sync group G: X became BACKUP' });
  assert.equal(back.state.state, 'BACKUP');
  // keepalived's sync backup leaves without a priority-0 advert.
  assert.deepEqual(kinds(back.actions), ['cancel:advert', 'del-vips', 'arm:masterDown', 'notify:BACKUP']);
  assert.deepEqual(step(back.state, { kind: 'sync', to: 'BACKUP', reason: 'x' }).actions, [], 'already there');
  assert.deepEqual(step(initialMachine(params()), { kind: 'sync', to: 'MASTER', reason: 'x' }).actions, [], 'not running');
});
