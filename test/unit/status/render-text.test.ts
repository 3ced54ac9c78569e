import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assembleSnapshot, changedKeys, fitRows, frameLines, statusRows, type HostRead } from '../../../src/status/index.js';
import { director, topology2x2 } from './support.js';

const snap = (reads: [string, HostRead][]) => assembleSnapshot({ topology: topology2x2(), reads: new Map(reads), at: '2026-12-04T17:00:00.123Z', probes: new Map([['198.18.0.100', { ok: true, ms: 1.5, status: 200 }]]) });
const healthy = () => snap([
  ['lb1', director('lb1', { holds: true, state: 'MASTER', prio: 150, base: 150 })],
  ['lb2', director('lb2', { holds: false, state: 'BACKUP', prio: 40, base: 100, scriptOk: false })],
]);
const failedOver = () => snap([
  ['lb1', director('lb1', { holds: false, state: 'MASTER', prio: 150, running: false })],
  ['lb2', director('lb2', { holds: true, state: 'MASTER', prio: 100, base: 100 })],
]);
const ESC = '\u001b';

describe('status text', () => {
  it('cluster → instance → VIP and members, as a person reads it', () => {
    const text = frameLines(statusRows(healthy()), new Set(), { color: false }).join('\n');
    assert.equal(text, [
      '  hafleet status  2026-12-04T17:00:00Z',
      '  cluster web  directors 2/2 up',
      '    web_51  VRID 51',
      '      VIP 198.18.0.100    holder lb1  probe 1.5 ms 200',
      '        lb1        MASTER  prio 150',
      '            tracks  script chk_nginx ok (-60)',
      '        lb2        BACKUP  prio 40 (base 100 -60)',
      '            tracks  script chk_nginx FAIL (-60)',
      '  drift since last deploy: none',
    ].join('\n'));
  });

  it('marks what changed since the last frame, and only that', () => {
    const before = statusRows(healthy());
    const now = statusRows(failedOver());
    const changed = changedKeys(before, now);
    assert.deepEqual([...changed].sort(), ['member web web_51 lb1', 'member web web_51 lb2', 'tracks web web_51 lb1', 'tracks web web_51 lb2', 'vip web web_51 198.18.0.100']);
    const lines = frameLines(now, changed, { color: false });
    assert.deepEqual(lines.filter((l) => l.startsWith('*')).map((l) => l.replace(/\s+/g, ' ')), [
      '* VIP 198.18.0.100 holder lb2 (expected lb1) probe 1.5 ms 200',
      '* lb1 STOP prio 150 (base) speaker not running',
      '* tracks script chk_nginx FAIL (-60)',
      '* lb2 MASTER prio 100',
      '* tracks script chk_nginx ok (-60)',
    ]);
    assert.equal(changedKeys(undefined, now).size, 0, 'the first frame marks nothing');
    assert.equal(changedKeys(now, statusRows(failedOver())).size, 0, 'the same fleet again: nothing');
  });

  it('no escape sequence without colour (NO_COLOR, TERM=dumb); colour and bold for changes with it', () => {
    const rows = statusRows(failedOver());
    const changed = changedKeys(statusRows(healthy()), rows);
    assert.ok(!frameLines(rows, changed, { color: false }).join('\n').includes(ESC));
    const painted = frameLines(rows, changed, { color: true });
    assert.ok(painted.find((l) => l.includes('holder lb2'))!.startsWith(`${ESC}[1m${ESC}[32m*`), 'changed and good: bold green');
    assert.ok(painted.find((l) => l.includes('lb1 ') && l.includes('STOP'))!.includes(`${ESC}[31m`), 'a stopped speaker is red');
  });

  it('a frame fits the terminal\'s height: transitions go first, then passing tracks rows, then the end is cut and says so', () => {
    const rows = statusRows(snap([
      ['lb1', director('lb1', { holds: true, state: 'MASTER', prio: 150, notify: ['2026-12-04T16:00:00Z lb1 INSTANCE web_51 BACKUP priority=150', '2026-12-04T16:00:03Z lb1 INSTANCE web_51 MASTER priority=150'] })],
      ['lb2', director('lb2', { holds: false, state: 'BACKUP', prio: 40, base: 100, scriptOk: false })],
    ]));
    const keys = (n: number) => fitRows(rows, n).map((r) => r.key);
    assert.equal(rows.length, 11);
    assert.deepEqual(fitRows(rows, 11), rows, 'fits: all of it');
    assert.deepEqual(keys(10), rows.slice(0, 9).map((r) => r.key), 'the transitions list goes first');
    assert.deepEqual(keys(8), ['header', 'cluster web', 'instance web web_51', 'vip web web_51 198.18.0.100', 'member web web_51 lb1', 'member web web_51 lb2', 'tracks web web_51 lb2', 'drift'], 'then the tracks rows where all pass; a failing one stays');
    const cut = fitRows(rows, 4);
    assert.equal(cut.length, 4);
    assert.equal(cut[3]!.text, '… 5 more line(s): a taller terminal shows them (or --json)');
  });

  it('a host\'s words cannot drive the terminal; refused hosts say so; long lines are cut to the width', () => {
    const evil: HostRead = { host: 'lb2', ok: false, failure: 'refused', error: `refused: host key changed ${ESC}]0;pwned${ESC}\\ ${ESC}[2J` };
    const rows = statusRows(snap([['lb1', director('lb1', { holds: true, state: 'MASTER', prio: 150, notify: [`2026-12-04T16:00:00Z lb1 INSTANCE web_51 MASTER priority=150`], log: [`(web_51) Receive ${ESC}[31mtimeout`, '(web_51) Entering MASTER STATE'] })], ['lb2', evil]]));
    const text = frameLines(rows, new Set(), { color: true }).join('\n');
    assert.ok(!/\u001b\]|\u001b\[2J|\u001b\[31mtimeout/.test(text), 'no OSC, no erase, no foreign colour');
    assert.match(text, /lb2\s+REFUSED: refused: host key changed \\x1b\]0;pwned/);
    assert.match(text, /last →MASTER 16:00:00 \(Receive \\x1b\[31mtimeout\)/);
    const cut = frameLines(rows, new Set(), { color: false, columns: 40 });
    assert.ok(cut.every((l) => l.length <= 40), cut.join('\n'));
  });
});
