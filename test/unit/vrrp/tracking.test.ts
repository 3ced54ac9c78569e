import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fileTrackInput, initialQuorum, initialTracker, observe, observeQuorum, parseTrackFileValue, processMatches, trackEffect,
} from '../../../src/vrrp/tracking.js';
import type { TrackProcessConf } from '../../../src/keepalived-conf/config-types.js';

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

const proc = (over: Partial<TrackProcessConf>): TrackProcessConf => ({
  name: 't', process: 'nginx', params: [], paramMatch: 'none', fullCommand: false, weight: 0, reverse: false,
  quorum: 1, quorumMax: Number.MAX_SAFE_INTEGER, forkDelaySec: 0, terminateDelaySec: 0, where: {}, ...over,
});

test('track_process matching: comm exactly (ssh is not sshd), argv[0] with full_command, parameters exact / partial / initial', () => {
  assert.equal(processMatches(proc({}), { comm: 'nginx' }), true);
  assert.equal(processMatches(proc({ process: 'ssh' }), { comm: 'sshd' }), false, 'not a regular expression, not a prefix');
  assert.equal(processMatches(proc({}), { comm: 'nginx: worker' }), false);
  const full = proc({ process: '/usr/sbin/haproxy', fullCommand: true });
  assert.equal(processMatches(full, { comm: 'haproxy', argv: ['/usr/sbin/haproxy', '-Ws'] }), true);
  assert.equal(processMatches(full, { comm: 'haproxy', argv: ['haproxy', '-Ws'] }), false, 'argv[0] exactly');
  const argv = ['/usr/sbin/haproxy', '-Ws', '-f', '/etc/haproxy/haproxy.cfg', '-p', '/run/haproxy.pid'];
  const exact = proc({ process: '/usr/sbin/haproxy', fullCommand: true, params: ['-Ws', '-f', '/etc/haproxy/haproxy.cfg'], paramMatch: 'exact' });
  assert.equal(processMatches(exact, { comm: 'haproxy', argv }), false, 'exact wants no more parameters');
  assert.equal(processMatches(exact, { comm: 'haproxy', argv: argv.slice(0, 4) }), true);
  assert.equal(processMatches({ ...exact, paramMatch: 'partial' }, { comm: 'haproxy', argv }), true, 'partial: the first three match');
  assert.equal(processMatches({ ...exact, paramMatch: 'partial', params: ['-Ws', '-f', '/etc/haproxy'] }, { comm: 'haproxy', argv }), false, 'partial: each given parameter whole');
  assert.equal(processMatches({ ...exact, paramMatch: 'initial', params: ['-Ws', '-f', '/etc/haproxy'] }, { comm: 'haproxy', argv }), true, 'initial: the last may be longer');
  assert.equal(processMatches({ ...exact, paramMatch: 'initial', params: ['-W', '-f'] }, { comm: 'haproxy', argv }), false, 'initial: only the last');
  assert.equal(processMatches(proc({ process: 'nginx', fullCommand: true, paramMatch: 'exact' }), { comm: 'nginx', argv: ['nginx'] }), true, 'param_match with no parameters: none allowed');
  assert.equal(processMatches(proc({ process: 'nginx', fullCommand: true, paramMatch: 'exact' }), { comm: 'nginx', argv: ['nginx', '-g'] }), false);
  assert.equal(processMatches(full, { comm: 'haproxy' }), false, 'no argv read: no full-command match');
});

test('track_process quorum: in [quorum, quorum_max]; fork_delay before up, terminate_delay before down; a blip resets', () => {
  const p = proc({ quorum: 2, quorumMax: 3, forkDelaySec: 0.5, terminateDelaySec: 1 });
  assert.equal(initialQuorum(p, 1).up, false, 'no delay at start');
  assert.equal(initialQuorum(p, 4).up, false, 'above quorum_max');
  let s = initialQuorum(p, 2);
  assert.equal(s.up, true);
  s = observeQuorum(s, p, 1, 1000);
  assert.deepEqual(s, { up: true, pending: { to: false, since: 1000 } });
  s = observeQuorum(s, p, 1, 1999);
  assert.equal(s.up, true, 'terminate_delay 1 s not over');
  s = observeQuorum(s, p, 2, 2100);
  assert.deepEqual(s, { up: true }, 'back in quorum: the pending change is forgotten');
  s = observeQuorum(s, p, 0, 3000);
  s = observeQuorum(s, p, 0, 4000);
  assert.equal(s.up, false, 'down after 1 s');
  s = observeQuorum(s, p, 3, 4100);
  assert.equal(s.up, false);
  s = observeQuorum(s, p, 3, 4600);
  assert.equal(s.up, true, 'up after fork_delay 0.5 s');
  const none = proc({ quorum: 0, quorumMax: 0 });
  assert.equal(initialQuorum(none, 0).up, true, 'quorum_max 0: up while nothing runs');
  assert.equal(observeQuorum({ up: true }, none, 1, 0).up, false);
});

test('track_file: value × weight added, reverse negates, below −253 or non-zero at weight 0 is a fault; parsing', () => {
  const eff = (v: number, w: number, rev = false) => trackEffect([fileTrackInput('file f', v, w, rev)]);
  assert.deepEqual(eff(0, -1), { weight: 0, faults: [] });
  assert.deepEqual(eff(60, -1), { weight: -60, faults: [] });
  assert.deepEqual(eff(5, 10), { weight: 50, faults: [] });
  assert.deepEqual(eff(5, 10, true), { weight: -50, faults: [] });
  assert.deepEqual(eff(254, -1), { weight: 0, faults: ['file f'] });
  assert.deepEqual(eff(253, -1), { weight: -253, faults: [] });
  assert.deepEqual(eff(1, 0), { weight: 0, faults: ['file f'] });
  assert.deepEqual(eff(0, 0), { weight: 0, faults: [] });
  assert.deepEqual(parseTrackFileValue(' -40\n'), { value: -40, ok: true });
  assert.deepEqual(parseTrackFileValue('+7 extra'), { value: 7, ok: true });
  assert.deepEqual(parseTrackFileValue('maintenance'), { value: 0, ok: false });
  assert.deepEqual(parseTrackFileValue(''), { value: 0, ok: false });
});

test('weight 0 reverse: down while the tracked thing is up', () => {
  assert.deepEqual(trackEffect([{ name: 'process p', up: true, weight: 0, reverse: true }]), { weight: 0, faults: ['process p'] });
  assert.deepEqual(trackEffect([{ name: 'process p', up: false, weight: 0, reverse: true }]), { weight: 0, faults: [] });
});
