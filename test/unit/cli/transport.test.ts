import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { readSecret } from '../../../src/cli/transport.js';

/** A terminal stand-in: records raw-mode switches; the test types into it. */
function terminal() {
  const raw: boolean[] = [];
  const input = Object.assign(new EventEmitter(), {
    setRawMode: (on: boolean) => raw.push(on),
    resume: () => undefined,
    pause: () => undefined,
  });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d) => (shown += d));
  return { input, output, raw, shown: () => shown, type: (s: string) => input.emit('data', Buffer.from(s)) };
}

test('readSecret reads a line without echo, honours backspace, and leaves raw mode', async () => {
  const t = terminal();
  const p = readSecret(t.input, t.output, 'BECOME password: ');
  t.type('sekrex');
  t.type('\u007ft\r');
  assert.equal(await p, 'sekret');
  assert.equal(t.shown(), 'BECOME password: \n', 'only the prompt and a newline are shown');
  assert.deepEqual(t.raw, [true, false]);
});

test('readSecret: Ctrl-C, or Ctrl-D on an empty line, gives no password', async () => {
  for (const key of ['abc\u0003', '\u0004']) {
    const t = terminal();
    const p = readSecret(t.input, t.output, '> ');
    t.type(key);
    assert.equal(await p, undefined, JSON.stringify(key));
    assert.deepEqual(t.raw, [true, false]);
  }
});
