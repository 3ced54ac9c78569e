/**
 * The terminal view as a picture, for the README: test/integration/status.test.ts saves the tmux
 * pane of `status --watch` with its colours (`capture-pane -e`) to test-artifacts/status-watch.ansi;
 * this draws that text as a terminal would (the SGR codes status paints with: bold, dim, red,
 * green, yellow) and screenshots it with Debian's chromium through playwright-core. Run by hand
 * after the lab test, not by it (a browser start is not worth the test's time):
 *
 *   node --import tsx test/integration/status-terminal-shot.ts test-artifacts/status-watch.ansi docs/images/status-terminal.png
 */
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: status-terminal-shot.ts PANE.ansi OUT.png');

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLOURS: Record<string, string> = { 31: '#ff6b6b', 32: '#69db7c', 33: '#ffd43b' };

/** ANSI text → HTML spans: only SGR is kept (the pane has no other sequence; anything else is dropped). */
function toHtml(text: string): string {
  let bold = false, dim = false, colour = '';
  let out = '';
  for (const part of text.replace(/\s+$/, '').split(/(\u001b\[[0-9;]*m)/)) {
    const sgr = /^\u001b\[([0-9;]*)m$/.exec(part);
    if (sgr) {
      for (const c of (sgr[1] || '0').split(';')) {
        if (c === '0' || c === '') [bold, dim, colour] = [false, false, ''];
        else if (c === '1') bold = true;
        else if (c === '2') dim = true;
        else if (c === '22') [bold, dim] = [false, false];
        else if (c === '39') colour = '';
        else if (COLOURS[c]) colour = COLOURS[c]!;
      }
      continue;
    }
    const clean = part.replace(/\u001b[^m]*m?/g, '');
    if (!clean) continue;
    const style = `${bold ? 'font-weight:bold;' : ''}${dim ? 'opacity:.6;' : ''}${colour ? `color:${colour};` : ''}`;
    out += style ? `<span style="${style}">${esc(clean)}</span>` : esc(clean);
  }
  return out;
}

const html = `<!doctype html><meta charset="utf-8"><style>
body { margin: 0; background: #1e1e1e; }
pre { margin: 0; padding: 14px 16px; color: #d4d4d4; font: 13px/1.35 "DejaVu Sans Mono", monospace; display: inline-block; }
</style><pre>${toHtml(readFileSync(input, 'utf8'))}</pre>`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 400 } });
  await page.setContent(html);
  await page.locator('pre').screenshot({ path: output });
} finally {
  await browser.close();
}
