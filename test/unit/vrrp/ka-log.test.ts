/** The agent's log lines are keepalived 2.2.7's (vrrp.c), and a flood of bad adverts costs a few lines. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { advertLine, dropLine, LogLimiter, priorityLine, scriptLines, transitionLines } from '../../../src/vrrp/ka-log.js';

const ours = { advertIntervalCs: 100, vips: ['198.18.0.100', '198.18.0.101'], version: 2 as const, vrid: 51 };

test('dropped adverts: keepalived’s words for each reason, nothing where keepalived logs nothing', () => {
  const c = { name: 'VI_1', ours };
  const cases: [Parameters<typeof dropLine>[0], Partial<Parameters<typeof dropLine>[1]>, string | undefined][] = [
    ['auth-mismatch', { detail: 'password differs' }, '(VI_1) received an invalid passwd!'],
    ['auth-mismatch', { detail: 'auth type 0, expected PASS' }, '(VI_1) received a 0 auth, expecting 1!'],
    ['auth-mismatch', { detail: 'auth type 1, expected none' }, '(VI_1) received a 1 auth, expecting 0!'],
    ['bad-ttl', { detail: 'TTL 64' }, '(VI_1) invalid TTL/HL. Received 64 and expect 255'],
    ['bad-checksum', {}, '(VI_1) Invalid VRRPv2 checksum'],
    ['bad-version', { detail: 'version 1' }, '(VI_1) wrong version. Received 1 and expect 2'],
    ['truncated', { detail: '12 bytes of VRRP' }, '(VI_1) vrrp packet too short, length 12 and expect more'],
    ['advert-interval-mismatch', { advert: { advertIntervalCs: 300, addresses: ours.vips, vrid: 51 } }, "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=3 sec"],
    ['addr-list-mismatch', { advert: { advertIntervalCs: 100, addresses: ['198.18.0.100'], vrid: 51 } }, '(VI_1) received an unexpected ip number count 1, expected 2!'],
    ['addr-list-mismatch', { advert: { advertIntervalCs: 100, addresses: ['198.18.0.100', '198.18.0.9'], vrid: 51 } }, '(VI_1) ip address associated with VRID 51 not present in MASTER advert: 198.18.0.101'],
    ['unknown-unicast-src', { src: '198.18.0.9' }, '(VI_1) unicast source address 198.18.0.9 not a unicast peer'],
    ['wrong-vrid', {}, undefined],
    ['own-advert', {}, undefined],
  ];
  for (const [reason, extra, want] of cases) assert.equal(dropLine(reason, { ...c, ...extra }), want, reason);
});

test('transitions: the cause as keepalived words it, then "Entering X STATE"', () => {
  const t = (from: string, to: string, reason: string) => transitionLines('VI_1', { from, to, reason } as never, { priority: 100 });
  assert.deepEqual(t('BACKUP', 'MASTER', 'no advert for 3609.4 ms (Master_Down_Interval)'), ['(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE']);
  assert.deepEqual(t('MASTER', 'BACKUP', 'higher priority 150 > 100 from 198.18.0.2'), ['(VI_1) Master received advert from 198.18.0.2 with higher priority 150, ours 100', '(VI_1) Entering BACKUP STATE']);
  assert.deepEqual(t('BACKUP', 'MASTER', 'master 198.18.0.2 left (priority 0), after Skew_Time 609.4 ms'), ['(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE']);
  assert.equal(advertLine('VI_1', 'BACKUP', { priority: 0 }, '198.18.0.2', false), '(VI_1) Backup received priority 0 advertisement');
  assert.equal(advertLine('VI_1', 'MASTER', { priority: 0 }, '198.18.0.2', false), '(VI_1) Master received priority 0 message');
  assert.equal(advertLine('VI_1', 'BACKUP', { priority: 90 }, '198.18.0.2', true), '(VI_1) received lower priority (90) advert from 198.18.0.2 - discarding');
  assert.equal(advertLine('VI_1', 'BACKUP', { priority: 150 }, '198.18.0.2', false), undefined);
  assert.equal(priorityLine('VI_1', 150, 90), '(VI_1) Changing effective priority from 150 to 90');
  assert.deepEqual(t('MASTER', 'FAULT', 'fault: interface eth0 down'), ['(VI_1) fault: interface eth0 down', '(VI_1) Entering FAULT STATE']);
  assert.deepEqual(t('MASTER', 'INIT', 'shutdown'), ['(VI_1) sent 0 priority']);
  assert.deepEqual(scriptLines('chk', false, 1), ['Script `chk` now returning 1', 'VRRP_Script(chk) failed']);
  assert.deepEqual(scriptLines('chk', true), ['VRRP_Script(chk) succeeded']);
});

test('rate limit: a flood of 10,000 bad adverts in 60 s writes a handful of lines, and says how many it held back', () => {
  let now = 0;
  const l = new LogLimiter(() => now, 5, 10_000);
  const out: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    now = i * 6; // 10,000 packets over 60 s
    const line = l.pass('auth-mismatch', '(VI_1) received an invalid passwd!');
    if (line) out.push(line);
  }
  assert.ok(out.length >= 5 && out.length <= 11, `${out.length} lines`);
  assert.match(out[5]!, /\(\d+ similar messages suppressed\)$/);
  // Other reasons have their own budget.
  assert.equal(l.pass('bad-ttl', 'x'), 'x');
  // After a quiet spell the budget is back.
  now += 60_000;
  const after = Array.from({ length: 5 }, () => l.pass('auth-mismatch', 'y'));
  assert.equal(after.filter(Boolean).length, 5);
});
