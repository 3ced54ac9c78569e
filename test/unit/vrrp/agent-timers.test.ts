/** One Node timer for every instance: deadlines due together share a wake-up; take-overs never run early. */
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { TimerWheel } from '../../../src/vrrp/agent-timers.js';

function setup() {
  mock.timers.enable({ apis: ['setTimeout'] });
  let now = 0;
  const wakes: number[] = [];
  const wheel = new TimerWheel(() => now);
  const ran: string[] = [];
  /** Advance both clocks by 1 ms steps (the timers' clock is whole ms, like Node's). */
  const advance = (ms: number) => {
    for (let i = 0; i < ms; i++) {
      now += 1;
      mock.timers.tick(1);
    }
  };
  const real = globalThis.setTimeout;
  return { wheel, ran, wakes, advance, real, clock: (ms: number) => (now += ms), get now() { return now; } };
}

test('two adverts 0.3 ms apart run in one wake-up, each re-armed from its own deadline', () => {
  const t = setup();
  try {
    const times: string[] = [];
    const a = t.wheel.slot(() => 2, (d) => {
      times.push(`a ${d} @${t.now}`);
      a.arm(d + 100);
    });
    const b = t.wheel.slot(() => 2, (d) => {
      times.push(`b ${d} @${t.now}`);
      b.arm(d + 100);
    });
    a.arm(100);
    b.arm(100.3);
    t.advance(100);
    assert.deepEqual(times, ['a 100 @100', 'b 100.3 @100'], 'b rides a\'s wake-up');
    t.advance(100);
    assert.deepEqual(times.slice(2), ['a 200 @200', 'b 200.3 @200'], 'deadlines keep their phase: no drift');
    a.cancel();
    b.cancel();
    t.advance(300);
    assert.equal(times.length, 4, 'cancelled slots stay quiet');
  } finally {
    mock.timers.reset();
  }
});

test('a take-over timer that Node fires before its deadline waits out the rest', () => {
  const t = setup();
  try {
    const ran: number[] = [];
    const s = t.wheel.slot(() => 0.05, () => ran.push(t.now));
    s.arm(3609.375);
    // Node's timer ran while the high-resolution clock said 3608.9.
    t.clock(3608.9);
    mock.timers.tick(3610);
    assert.deepEqual(ran, [], 'not before the bound');
    assert.ok(s.armed);
    t.clock(0.5);
    mock.timers.tick(1);
    assert.deepEqual(ran, [3609.4]);
    assert.ok(!s.armed);
  } finally {
    mock.timers.reset();
  }
});

test('a run may cancel a slot due in the same wake-up; a slot re-armed as already due runs on the next wake-up, not in a loop', () => {
  const t = setup();
  try {
    const ran: string[] = [];
    const victim = t.wheel.slot(() => 2, () => ran.push('victim'));
    const self = t.wheel.slot(() => 2, (d) => {
      ran.push(`self ${d} @${t.now}`);
      if (d === 10) self.arm(t.now);
    });
    const killer = t.wheel.slot(() => 2, () => {
      ran.push('killer');
      victim.cancel();
    });
    victim.arm(11);
    killer.arm(10);
    self.arm(10.2);
    t.advance(10);
    assert.deepEqual(ran, ['killer', 'self 10.2 @10'], 'earliest first; the victim (due: 1 ms early is allowed) was cancelled');
    self.arm(10);
    assert.deepEqual(ran.slice(2), [], 'arming never runs synchronously');
    t.advance(1);
    // Re-armed at 11 by its own run: not run again in that loop, but on the next wake-up (a 0 ms timer).
    assert.deepEqual(ran.slice(2), ['self 10 @11', 'self 11 @11']);
    t.advance(5);
    assert.equal(ran.length, 4, 'and no more');
    assert.ok(!victim.armed);
  } finally {
    mock.timers.reset();
  }
});

test('poke (a packet woke the process): a slot within its early window runs then, a take-over slot does not', () => {
  const t = setup();
  try {
    const ran: string[] = [];
    const poll = t.wheel.slot(() => 100, (d) => {
      ran.push(`poll ${d} @${t.now}`);
      poll.arm(d + 500);
    });
    const down = t.wheel.slot(() => 0.05, () => ran.push('down'));
    poll.arm(500);
    down.arm(420);
    t.advance(300);
    t.wheel.poke();
    assert.deepEqual(ran, [], 'nothing within its window yet');
    t.advance(110);
    t.wheel.poke();
    assert.deepEqual(ran, ['poll 500 @410'], 'the poll rode the packet’s wake-up, 90 ms early; masterDown (10 ms out) waits');
    t.advance(10);
    assert.deepEqual(ran, ['poll 500 @410', 'down'], 'masterDown on its own timer, on time');
    t.advance(580);
    assert.deepEqual(ran.slice(2), ['poll 1000 @1000'], 'the poll re-armed from its deadline, not from the poke');
  } finally {
    mock.timers.reset();
  }
});
