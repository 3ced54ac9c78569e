/**
 * The browser half of test/integration/status-serve.test.ts, run inside the lab's admin network
 * namespace (where `status --serve` listens on loopback): Debian's chromium through playwright-core
 * opens the page and reports, one JSON line on stdout each time, what a person would see change:
 * every VIP's data-holder, the clusters in split brain, the hosts shown unreachable, the
 * connection badge, and whether the page is still the one loaded
 * first (no reload). Commands on stdin: `shot PATH` saves a screenshot, `quit` ends. With
 * MOVE_SHOT, a screenshot is saved there the moment a VIP first shows a new holder (the page as a
 * person sees it during a failover, not after the restore).
 *
 *   node --import tsx status-serve-browser.ts URL [MOVE_SHOT]
 */
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const [url, moveShot] = process.argv.slice(2);
const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ t: Date.now(), ...o })}\n`);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
// A CSP that blocked the page's own script or style would show here (the console says "Refused to …").
page.on('console', (m) => {
  if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) emit({ error: m.text() });
});
page.on('pageerror', (e) => emit({ error: String(e) }));
let loads = 0;
page.on('load', () => emit({ load: ++loads }));
await page.goto(url!, { waitUntil: 'load' });
await page.waitForSelector('[data-vip]', { timeout: 30_000 });
await page.evaluate(() => ((window as unknown as { hafleetMarker: number }).hafleetMarker = 1));

let stopped = false;
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  void (async () => {
    const [cmd, arg] = line.split(' ');
    if (cmd === 'shot' && arg) {
      await page.screenshot({ path: arg, fullPage: true });
      emit({ shot: arg });
    } else if (cmd === 'quit') {
      stopped = true;
    }
  })().catch((e: unknown) => emit({ error: String(e) }));
});

let last = '';
let initial: Record<string, string | null> | undefined;
let moveShotTaken = false;
while (!stopped) {
  const seen = await page.evaluate(() => ({
    holders: Object.fromEntries([...document.querySelectorAll('[data-vip]')].map((el) => [el.getAttribute('data-vip'), el.getAttribute('data-holder')])),
    splitBrain: [...document.querySelectorAll('[data-split-brain="1"]')].map((el) => el.getAttribute('data-cluster')),
    unreachable: [...document.querySelectorAll('[data-unreachable]')].map((el) => el.getAttribute('data-unreachable')),
    conn: document.getElementById('conn')?.textContent,
    sameDocument: (window as unknown as { hafleetMarker?: number }).hafleetMarker === 1,
  }));
  const key = JSON.stringify(seen);
  if (key !== last) {
    last = key;
    emit(seen);
    initial ??= seen.holders;
    // A new holder, not the moment between (a round can read the old master released and the new one not yet holding).
    if (moveShot && !moveShotTaken && Object.entries(seen.holders).some(([vip, h]) => h && h !== initial![vip])) {
      moveShotTaken = true;
      await page.screenshot({ path: moveShot, fullPage: true });
      emit({ shot: moveShot });
    }
  }
  await new Promise((r) => setTimeout(r, 50));
}
rl.close();
await browser.close();
emit({ quit: true });
