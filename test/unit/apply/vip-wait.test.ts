import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitForVips } from '../../../src/apply/vip-wait.js';
import type { ExecOptions, HostRef } from '../../../src/transport/types.js';
import { FakeClock, FakeFleet, ref } from './fake-transport.js';

const VIP = '198.18.0.100';

/** A fleet whose lb1 takes the VIP at `electedAt`; records when each look (of lb1) was taken. */
function electing(electedAt: number) {
  const clock = new FakeClock();
  const t = new FakeFleet(clock);
  const looks: number[] = [];
  const exec = t.exec.bind(t);
  t.exec = async (h: HostRef, cmd: string, o?: ExecOptions) => {
    if (h.name === 'lb1') {
      looks.push(clock.now());
      if (clock.now() >= electedAt) t.addrs.set('lb1', [VIP]);
    }
    return exec(h, cmd, o);
  };
  return { clock, t, looks };
}

test('the VIPs due at a known time: no look before, short steps in the window, the settled look confirmed a poll later', async () => {
  const { clock, t, looks } = electing(560);
  const w = await waitForVips(t, [ref('lb1'), ref('lb2')], [VIP], { clock, deadlineMs: 30_000, pollMs: 100, due: { at: 500, every: 25, until: 1000 } });
  assert.equal(w.settled, true);
  assert.deepEqual(w.holders, { [VIP]: ['lb1'] });
  // 500, 525, 550 see nothing; 575 sees lb1; the second settled look a full poll after it.
  assert.deepEqual(looks, [500, 525, 550, 575, 675]);
});

test('an election later than the window: back to the usual poll once the window is over', async () => {
  const { clock, t, looks } = electing(1250);
  const w = await waitForVips(t, [ref('lb1'), ref('lb2')], [VIP], { clock, deadlineMs: 30_000, pollMs: 100, due: { at: 500, every: 25, until: 600 } });
  assert.equal(w.settled, true);
  assert.deepEqual(looks.slice(0, 6), [500, 525, 550, 575, 600, 700]);
  assert.deepEqual(looks.slice(-3), [1200, 1300, 1400]);
});

test('without a due time: a look at once, then one every poll', async () => {
  const { clock, t, looks } = electing(150);
  await waitForVips(t, [ref('lb1'), ref('lb2')], [VIP], { clock, deadlineMs: 30_000, pollMs: 100 });
  assert.deepEqual(looks, [0, 100, 200, 300]);
});

test('a due time past the deadline: the wait still ends at its deadline, having looked', async () => {
  const { clock, t, looks } = electing(Infinity);
  const w = await waitForVips(t, [ref('lb1')], [VIP], { clock, deadlineMs: 1000, pollMs: 100, due: { at: 5000, every: 25, until: 6000 } });
  assert.equal(w.settled, false);
  assert.equal(looks[0], 1000);
  assert.ok(clock.now() <= 1000 + 100, `${clock.now()}`);
});
