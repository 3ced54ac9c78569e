import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SSE_KEEPALIVE, sseFrame, sseRetry } from '../../../src/status/serve-sse.js';

/** The browser's parsing of an event stream (HTML standard §9.2.6), enough to read frames back. */
function parseStream(text: string): { event: string; data: string; id?: string }[] {
  const out: { event: string; data: string; id?: string }[] = [];
  let data: string[] = [];
  let event = 'message';
  let id: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length) out.push({ event, data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
      data = [];
      event = 'message';
      continue;
    }
    if (line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
  }
  return out;
}

test('one event per frame; multi-line data split into data lines and joined back', () => {
  const json = JSON.stringify({ html: '<p>a\nb</p>' });
  assert.equal(sseFrame('snapshot', json), `event: snapshot\ndata: ${json}\n\n`);
  const text = sseRetry(2000) + sseFrame('snapshot', 'line1\nline2\r\nline3\rline4') + SSE_KEEPALIVE + sseFrame('tick', '{}', '7');
  assert.deepEqual(parseStream(text), [
    { event: 'snapshot', data: 'line1\nline2\nline3\nline4' },
    { event: 'tick', data: '{}', id: '7' },
  ]);
  assert.equal(sseRetry(2000), 'retry: 2000\n\n');
});

test('an event name or id cannot break out of its field', () => {
  const f = sseFrame('a\nevent: evil', 'x', '1\ndata: injected');
  assert.deepEqual(parseStream(f), [{ event: 'a event: evil', data: 'x', id: '1 data: injected' }]);
});
