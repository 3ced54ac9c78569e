/** verify reads keepalived's and the agent's auth mismatch lines, in keepalived 2.2.7's words. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authLogLines, authLogSources, speakerLogGrep, transitionLogLines } from '../../../src/verify/speaker-logs.js';
import { dropLine } from '../../../src/vrrp/ka-log.js';

test('the agent’s lines are found like keepalived’s, since the agent last started, with the sender', () => {
  const ours = { advertIntervalCs: 100, vips: ['198.18.0.100'], version: 2 as const, vrid: 51 };
  const agentLine = `2026-12-04T14:50:00.000Z info ${dropLine('auth-mismatch', { name: 'web_51', ours, detail: 'password differs' })} instance=web_51 drop=auth-mismatch src=198.18.1.11`;
  const typeLine = `2026-12-04T14:50:01.000Z info ${dropLine('auth-mismatch', { name: 'web_51', ours, detail: 'auth type 0, expected PASS' })} instance=web_51 drop=auth-mismatch src=198.18.1.12`;
  const lines = [
    '2026-12-04T14:40:00.000Z info (web_51) received an invalid passwd! instance=web_51 src=198.18.1.99',
    '2026-12-04T14:49:59.000Z info agent started pid=9 config=/etc/keepalived/keepalived.conf',
    agentLine,
    typeLine,
    'Fri Dec  4 14:50:02 2026: (web_51) received a 1 auth, expecting 0!',
  ];
  assert.deepEqual(authLogLines(lines), [agentLine, typeLine, lines[4]]);
  assert.deepEqual(authLogSources(authLogLines(lines)), ['198.18.1.11', '198.18.1.12']);
  const json = '{"ts":"x","level":"info","msg":"(web_51) received an invalid passwd!","instance":"web_51","drop":"auth-mismatch","src":"198.18.1.13"}';
  assert.deepEqual(authLogSources(authLogLines([json])), ['198.18.1.13']);
  // The remote grep keeps exactly these lines.
  const grep = new RegExp(speakerLogGrep);
  for (const l of [...lines, json]) assert.match(l, grep);
});

test('keepalived 2.2’s own FAULT causes pass the remote grep and are kept as transition lines; unrelated lines are not', () => {
  const causes = [
    'Fri Dec  4 21:00:01 2026: (web_8) entering FAULT state (tracked file hafleet_move_web_8 has status -254)',
    'Fri Dec  4 21:00:02 2026: Netlink reports eth0 down',
    'Fri Dec  4 21:00:03 2026: (web_8) Entering FAULT STATE',
  ];
  const other = 'Fri Dec  4 21:00:04 2026: Netlink reports eth0 up';
  const grep = new RegExp(speakerLogGrep);
  for (const l of causes) assert.match(l, grep);
  assert.doesNotMatch(other, grep);
  assert.deepEqual(transitionLogLines([...causes, other]), causes);
});
