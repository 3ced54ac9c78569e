import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PAGE_CSP, pageHtml, viewHtml } from '../../../src/status/page.js';
import { emptyHistory, recordSnapshot } from '../../../src/status/serve-history.js';
import { HOSTILE, hostileSnapshot, snapshot } from './serve-fixture.js';

const T0 = Date.parse('2026-12-04T10:00:00Z');

test('each VIP element carries data-vip and data-holder; split brain shows both and no single holder', () => {
  const s = snapshot({ holder: 'lb2' });
  const html = viewHtml(s, recordSnapshot(emptyHistory(), s, T0), T0);
  assert.match(html, /<div class="vipline" data-vip="198\.18\.0\.100" data-holder="lb2" data-holders="lb2">/);
  assert.match(html, /data-vip="198\.18\.0\.200" data-holder="lb3"/);
  assert.match(html, /\(expected lb1\)/);
  const sb = snapshot({ splitBrain: true });
  const sbHtml = viewHtml(sb, recordSnapshot(emptyHistory(), sb, T0), T0);
  assert.match(sbHtml, /data-vip="198\.18\.0\.100" data-holder="" data-holders="lb1 lb2"/);
  assert.match(sbHtml, /data-cluster="web" data-split-brain="1"/);
  assert.match(sbHtml, /SPLIT BRAIN: lb1, lb2/);
});

test('the same view as the terminal: members\' state, priority, tracks, maintenance, last transition, probe, drift, unreachable', () => {
  const s = snapshot();
  const html = viewHtml(s, recordSnapshot(emptyHistory(), s, T0), T0);
  assert.match(html, /<tr data-host="lb1" data-state="MASTER"><td>lb1 <b>\(holder\)<\/b><\/td><td><span class="ok">MASTER<\/span><\/td><td>150<\/td>/);
  assert.match(html, /<td>70 \(base 100\)<\/td>/);
  assert.match(html, /script chk_nginx ok \(weight -30\)/);
  assert.match(html, /maintenance by ops: kernel/);
  assert.match(html, /2026-12-04 09:00:00Z BACKUP→MASTER: higher priority/);
  assert.match(html, /probe <span class="ok">3 ms<\/span> \(HTTP 200\)/);
  assert.match(html, /probe <span class="bad">failed: connect ECONNREFUSED/);
  assert.match(html, /drift<\/span> on lb3: \/etc\/keepalived\/keepalived\.conf/);
  assert.match(html, /<li data-unreachable="lb4" data-failure="refused"><span class="bad">refused \(host key\)<\/span> lb4: host key changed: refused/);
  assert.match(html, /<tr data-host="lb4" data-state="UNKNOWN"><td>lb4<\/td><td><span class="bad">refused \(host key\)<\/span>/);
  assert.match(html, /1\/2 up/);
  assert.match(html, /last deploy 2026-12-04 08:00:00Z by ops: <span class="ok">ok/);
});

test('ownership timeline per VIP is the drill chart; transitions listed with their reason', () => {
  let h = emptyHistory();
  h = recordSnapshot(h, snapshot(), T0);
  h = recordSnapshot(h, snapshot({ holder: 'lb2', at: '2026-12-04T10:00:30Z' }), T0 + 30_000);
  const moved = { ...snapshot({ holder: 'lb2' }), transitions: [{ at: '2026-12-04T10:00:29Z', host: 'lb2', instance: 'VI_1', from: 'BACKUP' as const, to: 'MASTER' as const, reason: 'master down timer expired' },
    { at: '2026-12-04T09:59:00Z', host: 'lb1', instance: 'VI_1', from: 'MASTER' as const, to: 'BACKUP' as const, reason: 'received priority 0' }] };
  h = recordSnapshot(h, moved, T0 + 32_000);
  const html = viewHtml(moved, h, T0 + 60_000);
  const web = html.slice(html.indexOf('<h3>web / VI_1 / 198.18.0.100</h3>'));
  const svg = web.slice(0, web.indexOf('</svg>'));
  assert.match(svg, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<text x="4" y="26" class="l">lb1<\/text>/, 'the expected holder has the first lane');
  assert.equal((svg.match(/class="vip"/g) ?? []).length, 2, 'lb1 until 30 s, lb2 after');
  assert.match(svg, /<title>lb2 holds 198\.18\.0\.100<\/title>/);
  assert.equal((svg.match(/class="fail"/g) ?? []).length, 0, 'every probe answered');
  const db = html.slice(html.indexOf('<h3>db / VI_DB / 198.18.0.200</h3>'));
  assert.equal((db.slice(0, db.indexOf('</svg>')).match(/class="fail"/g) ?? []).length, 3, 'the db probe failed in each of the three rounds');
  assert.match(html, /<td>2026-12-04 10:00:29Z<\/td><td>lb2<\/td><td>VI_1<\/td><td>BACKUP → MASTER<\/td><td>master down timer expired<\/td>/);
  const list = html.slice(html.indexOf('<h2>Transitions</h2>'));
  assert.ok(list.indexOf('master down timer expired') < list.indexOf('received priority 0'), 'newest first');
  assert.equal(list.includes('higher priority'), false, 'the 09:00 transition is older than the hour');
});

test('host-provided text is escaped everywhere: no markup from a host reaches the page', () => {
  const s = hostileSnapshot();
  const page = pageHtml(s, recordSnapshot(emptyHistory(), s, T0), T0);
  assert.equal(page.includes(HOSTILE), false);
  assert.equal(page.includes('<script>alert'), false);
  assert.equal((page.match(/<script/g) ?? []).length, 1, 'only the page\'s own script');
  assert.ok(page.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;'));
  // Every attribute value is quoted and holds no quote or angle bracket of its own.
  for (const m of page.matchAll(/ data-[a-z-]+=("[^"]*")/g)) assert.doesNotMatch(m[1]!, /[<>']/);
  assert.match(page, / data-holder="lb1&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&amp;&#39;"/);
});

test('self-contained under its CSP: the inline script and style are the ones the policy hashes, nothing external', () => {
  const s = snapshot();
  const page = pageHtml(s, recordSnapshot(emptyHistory(), s, T0), T0);
  const hash = (x: string) => `'sha256-${createHash('sha256').update(x).digest('base64')}'`;
  const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
  const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
  assert.ok(PAGE_CSP.includes(`script-src ${hash(script)}`), PAGE_CSP);
  assert.ok(PAGE_CSP.includes(`style-src ${hash(style)}`), PAGE_CSP);
  assert.match(PAGE_CSP, /default-src 'none'/);
  assert.doesNotMatch(PAGE_CSP, /unsafe/);
  assert.equal(/<link|<img|<iframe| src=|href="(?!status\.json|metrics)|url\(|@import/i.test(page), false);
  assert.equal(/ style=| on[a-z]+=/i.test(page), false, 'no inline style or handler attributes (the CSP would block them)');
  assert.match(script, /new EventSource\(url\)/);
});

test('before the first snapshot the page says it is waiting', () => {
  assert.match(pageHtml(undefined, emptyHistory(), T0), /waiting for the first round/);
});

test('an hour of timeline is drawn in minutes: a dozen ticks, not 720', () => {
  let h = emptyHistory();
  for (let k = 0; k <= 1800; k++) h = recordSnapshot(h, snapshot({ holder: Math.floor(k / 300) % 2 ? 'lb2' : 'lb1' }), T0 + k * 2000);
  const now = T0 + 1800 * 2000;
  const html = viewHtml(snapshot(), h, now);
  assert.match(html, /minutes from the left edge/);
  const web = html.slice(html.indexOf('<h3>web / VI_1 / 198.18.0.100</h3>'));
  const svg = web.slice(0, web.indexOf('</svg>'));
  const ticks = (svg.match(/class="tick"/g) ?? []).length;
  assert.ok(ticks >= 12 && ticks <= 13, `${ticks} ticks`);
  assert.equal((svg.match(/class="vip"/g) ?? []).length, 7, 'a move every 10 minutes: lb1 4 stretches (the last just begun), lb2 3');
  const short = viewHtml(snapshot(), recordSnapshot(emptyHistory(), snapshot(), T0), T0 + 30_000);
  assert.match(short, /seconds from the left edge/);
});
