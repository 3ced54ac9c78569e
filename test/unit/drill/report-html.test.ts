import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcome, reportHtml } from '../../../src/drill/index.js';
import { killRecord } from './record.js';

test('HTML report is self-contained: inline SVG, no scripts, no external references', () => {
  const html = reportHtml([outcome(killRecord())]);
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal(/<script|<link|src=|href=|url\(|@import/i.test(html), false);
  // one ownership bar per holding interval: lb1 twice (before the kill, after the preempt), lb2 once
  assert.equal((html.match(/class="vip"/g) ?? []).length, 3);
  assert.equal((html.match(/class="fail"/g) ?? []).length, 37);
  assert.match(html, /3600 ms to lb2/);
  // seconds −1 … +9 around the fault at 1 s of a 10 s record
  assert.equal((html.match(/class="tick"/g) ?? []).length, 11);
  assert.equal((html.match(/class="mark"/g) ?? []).length, 2, 'fault and restore lines');
});

test('HTML escapes what it prints', () => {
  const r = killRecord();
  r.marks[1]!.note = '<b>kill & "see"</b>';
  const html = reportHtml([outcome(r)]);
  assert.equal(html.includes('<b>kill'), false);
  assert.match(html, /&lt;b&gt;kill &amp; &quot;see&quot;/);
});
