/**
 * The page's own script in Debian's chromium (playwright-core), against serveStatus over a fake
 * source on loopback: the token reaches the EventSource, live updates land without a reload, and
 * host text with markup stays text under the page's CSP. The lab test does the same against
 * the real gatherer; this one needs no lab and shows the token path, which the lab test does not take.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { serveStatus } from '../../../src/status/serve.js';
import { FakeSource, HOSTILE, hostileSnapshot, snapshot } from './serve-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'b0a710ad'.repeat(4);

async function withPage(source: FakeSource, token: string | undefined, fn: (url: string, browser: Browser) => Promise<void>): Promise<void> {
  const ac = new AbortController();
  const r = await serveStatus(source, { addr: '127.0.0.1', port: 0, token, signal: ac.signal });
  assert.ok(r.ok);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    await fn(r.value.url, browser);
  } finally {
    await browser.close();
    ac.abort();
    await r.value.closed;
  }
}

test('with a token in the page\'s address, the page goes live and follows a change without a reload', { skip: !existsSync(CHROMIUM) && 'no /usr/bin/chromium (make test installs it)' }, async () => {
  const source = new FakeSource(snapshot());
  await withPage(source, TOKEN, async (url, browser) => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    assert.equal((await page.goto(url))!.status(), 401, 'no token, no page');
    await page.goto(`${url}?token=${TOKEN}`);
    problems.length = 0;
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live', undefined, { timeout: 10_000 });
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    source.push(snapshot({ holder: 'lb2', at: '2026-12-04T10:00:02.000Z' }));
    await page.waitForFunction(() => document.querySelector('[data-vip="198.18.0.100"]')?.getAttribute('data-holder') === 'lb2', undefined, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'same document');
    assert.equal(await page.textContent('#at'), '2026-12-04 10:00:02Z');
    assert.match((await page.getAttribute('a.keep[href*="metrics"]', 'href'))!, new RegExp(`/metrics\\?token=${TOKEN}$`), 'links carry the token');
    assert.deepEqual(problems, [], 'no script error, no CSP refusal');
  });
});

test('host text with markup is shown as text in the browser: no script runs, no element is made', { skip: !existsSync(CHROMIUM) && 'no /usr/bin/chromium (make test installs it)' }, async () => {
  const source = new FakeSource(snapshot());
  await withPage(source, undefined, async (url, browser) => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live', undefined, { timeout: 10_000 });
    source.push(hostileSnapshot()); // through /events and innerHTML, the path a live update takes
    await page.waitForFunction(() => document.querySelector('[data-unreachable]') !== null && document.body.innerText.includes('log line <script>'), undefined, { timeout: 10_000 });
    assert.deepEqual(dialogs, []);
    assert.equal(await page.evaluate(() => document.querySelectorAll('script').length), 1, 'only the page\'s own script element');
    const holder = await page.evaluate(() => document.querySelector('[data-vip="198.18.0.100"]')!.getAttribute('data-holder'));
    assert.equal(holder, `lb1${HOSTILE}`, 'the attribute holds the host name as it is');
    assert.ok((await page.evaluate(() => document.body.innerText)).includes(`log line ${HOSTILE}`));
  });
});
