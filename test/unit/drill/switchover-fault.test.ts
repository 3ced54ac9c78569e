import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRACK_DIR } from '../../../src/host-paths/index.js';
import { faultScript, parseFaultOutput, restoreScript } from '../../../src/drill/index.js';

/** Under real sh, with the track dir moved into a temp dir (never the real one). */
const run = (script: string, dir: string) => execFileSync('sh', ['-c', script.split(TRACK_DIR).join(dir)], { encoding: 'utf8' });

test('switchover fault: -254 in the instance move file, stamped; the restore writes back what was there', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-drill-'));
  try {
    writeFileSync(join(dir, 'vrrp-move-web_51'), '-51\n');
    const info = parseFaultOutput(run(faultScript('switchover', { instance: 'web_51' }), dir));
    assert.equal(info.moveValue, -51);
    assert.ok(info.atMs! > 1.7e12);
    assert.equal(readFileSync(join(dir, 'vrrp-move-web_51'), 'utf8'), '-254\n');
    run(restoreScript('switchover', info, { instance: 'web_51' }), dir);
    assert.equal(readFileSync(join(dir, 'vrrp-move-web_51'), 'utf8'), '-51\n');
    // A file keepalived's init_file has not made yet reads as 0, and goes back as 0.
    const fresh = parseFaultOutput(run(faultScript('switchover', { instance: 'api_52' }), dir));
    assert.equal(fresh.moveValue, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('switchover fault: no instance, or one that cannot name a file, writes nothing', () => {
  for (const instance of [undefined, '../x']) {
    const s = faultScript('switchover', instance === undefined ? {} : { instance });
    assert.doesNotMatch(s, /mv -f/);
    assert.match(s, /exit 1/);
  }
});
