import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialTracker, observe, trackEffect } from '../../../src/vrrp/tracking.js';

test('fall/rise: N failures in a row to go down, M successes to come back; a blip resets the streak', () => {
  let t = initialTracker();
  const seq = (oks: boolean[]) => oks.map((ok) => (t = observe(t, ok, 3, 2)).up);
  assert.deepEqual(seq([false, false, true, false, false, false]), [true, true, true, true, true, false]);
  assert.deepEqual(seq([true, false, true, true]), [false, false, false, true]);
});

test('weights: positive while up, negative while down, 0 = fault, reverse swaps', () => {
  assert.deepEqual(trackEffect([{ name: 'script a', up: true, weight: 10 }, { name: 'script b', up: false, weight: -30 }]), { weight: -20, faults: [] });
  assert.deepEqual(trackEffect([{ name: 'script a', up: false, weight: 10 }, { name: 'script b', up: true, weight: -30 }]), { weight: 0, faults: [] });
  assert.deepEqual(trackEffect([{ name: 'interface eth1', up: false, weight: 0 }, { name: 'script c', up: true, weight: 0 }]), { weight: 0, faults: ['interface eth1'] });
  assert.deepEqual(trackEffect([{ name: 'script r', up: true, weight: -5, reverse: true }]), { weight: -5, faults: [] });
});

test('script command lines split like keepalived: quotes group words', async () => {
  const { splitCommand } = await import('../../../src/vrrp/io/scripts.js');
  assert.deepEqual(splitCommand('/etc/keepalived/notify.sh MASTER VIP_WEB'), ['/etc/keepalived/notify.sh', 'MASTER', 'VIP_WEB']);
  assert.deepEqual(splitCommand(`/bin/bash -c 'pidof nginx || exit 1'`), ['/bin/bash', '-c', 'pidof nginx || exit 1']);
  assert.deepEqual(splitCommand(`a "b c"d  e`), ['a', 'b cd', 'e']);
});
