import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { assembleSnapshot, isQuitKey, runWatch, type StatusSnapshot, type StatusSource } from '../../../src/status/index.js';
import { director, topology2x2 } from './support.js';

const ESC = '\u001b';

/** A source that hands out the given snapshots, then waits (as a real one between rounds). */
function fakeSource(snaps: StatusSnapshot[]): StatusSource & { served: number } {
  const src = {
    served: 0,
    current: () => snaps[Math.max(0, src.served - 1)],
    next: (signal?: AbortSignal) => new Promise<StatusSnapshot>((resolve, reject) => {
      const s = snaps[src.served];
      if (s) {
        src.served++;
        return setImmediate(() => resolve(s));
      }
      signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    }),
    close: async () => undefined,
  };
  return src;
}

class FakeTty extends EventEmitter {
  isTTY = true;
  raw: boolean[] = [];
  paused = false;
  setRawMode(on: boolean) {
    this.raw.push(on);
  }
  resume() {
    this.paused = false;
  }
  pause() {
    this.paused = true;
  }
}

const snaps = () => [
  assembleSnapshot({ topology: topology2x2(), at: '2026-12-04T17:00:00Z', reads: new Map([['lb1', director('lb1', { holds: true, state: 'MASTER', prio: 150 })], ['lb2', director('lb2', { holds: false, state: 'BACKUP', prio: 100 })]]) }),
  assembleSnapshot({ topology: topology2x2(), at: '2026-12-04T17:00:02Z', reads: new Map([['lb1', director('lb1', { holds: false, state: 'BACKUP', prio: 150, running: false })], ['lb2', director('lb2', { holds: true, state: 'MASTER', prio: 100 })]]) }),
];

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond());
}

describe('status --watch', () => {
  it('on a terminal: alternate screen, frames in place, changes marked, q quits and restores', async () => {
    const out: string[] = [];
    const input = new FakeTty();
    const source = fakeSource(snaps());
    const done = runWatch({ source, out: { write: (s) => out.push(s), columns: 120 }, input, inPlace: true, color: true, intervalSec: 2 });
    await until(() => source.served === 2 && out.length >= 3);
    input.emit('data', Buffer.from('q'));
    await done;
    const all = out.join('');
    assert.ok(all.startsWith(`${ESC}[?1049h${ESC}[?25l`), 'enters the alternate screen, hides the cursor');
    assert.ok(all.endsWith(`${ESC}[?1049l${ESC}[?25h`), 'leaves it and shows the cursor');
    assert.equal(out.filter((s) => s.includes(`${ESC}[H`)).length, 3, 'the waiting line and two frames, each from home');
    assert.match(out[2]!, /\*[^\n]*holder lb2/, 'the second frame marks the VIP that moved');
    assert.ok(!/\*[^\n]*holder lb1/.test(out[1]!), 'the first frame marks nothing');
    assert.deepEqual(input.raw, [true, false], 'raw mode on, then off');
    assert.equal(input.paused, true);
    assert.equal(input.listenerCount('data'), 0);
  });

  it('a frame in place never scrolls the screen: fitted to the terminal\'s rows', async () => {
    const out: string[] = [];
    const ac = new AbortController();
    const done = runWatch({ source: fakeSource(snaps()), out: { write: (s) => out.push(s), columns: 120, rows: 6 }, inPlace: true, color: false, intervalSec: 2, signal: ac.signal });
    await until(() => out.length >= 3);
    ac.abort();
    await done;
    const frame = out[1]!.replace(`${ESC}[H`, '').replace(`${ESC}[J`, '');
    const lines = frame.split('\n').slice(0, -1);
    assert.equal(lines.length, 5, 'rows - 1: the newline after the last line stays on the screen');
    assert.match(lines[4]!, /… \d+ more line\(s\)/);
  });

  it('Ctrl-C as a raw key and an aborted signal end it too', async () => {
    assert.ok(isQuitKey('\u0003') && isQuitKey('Q') && !isQuitKey('x'));
    const ac = new AbortController();
    const out: string[] = [];
    const done = runWatch({ source: fakeSource(snaps()), out: { write: (s) => out.push(s) }, inPlace: true, color: false, intervalSec: 1, signal: ac.signal });
    await until(() => out.length >= 3);
    ac.abort();
    await done;
    assert.ok(out.join('').endsWith(`${ESC}[?1049l${ESC}[?25h`));
    assert.ok(!out.join('').includes(`${ESC}[3`), 'no colour when not asked');
  });

  it('TERM=dumb or a pipe: frames one after another, no escape sequence at all', async () => {
    const out: string[] = [];
    const source = fakeSource(snaps());
    const ac = new AbortController();
    const done = runWatch({ source, out: { write: (s) => out.push(s) }, inPlace: false, color: false, intervalSec: 2, signal: ac.signal });
    await until(() => out.length === 2);
    ac.abort();
    await done;
    const all = out.join('');
    assert.ok(!all.includes(ESC), JSON.stringify(all));
    assert.equal(all.match(/hafleet status /g)?.length, 2);
    assert.match(all, /\n\n  hafleet status  2026-12-04T17:00:02Z/, 'a blank line between frames');
    assert.match(all, /^\* +VIP 198\.18\.0\.100 +holder lb2/m);
  });

  it('--json --watch: one JSON line per snapshot', async () => {
    const out: string[] = [];
    const ac = new AbortController();
    const done = runWatch({ source: fakeSource(snaps()), out: { write: (s) => out.push(s) }, inPlace: false, color: false, json: true, intervalSec: 2, signal: ac.signal });
    await until(() => out.length === 2);
    ac.abort();
    await done;
    const docs = out.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as StatusSnapshot);
    assert.deepEqual(docs.map((d) => d.vips[0]!.holder), ['lb1', 'lb2']);
  });
});
