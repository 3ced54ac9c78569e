import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRACK_DIR } from '../../../src/host-paths/index.js';
import { atMs, maintenanceScript, parseState, readStateScript, releaseAllScript, releaseScript, writeMovesScript } from '../../../src/ops/index.js';

/** Runs a host script under sh with the track dir moved into a temp dir (never the real one). */
function run(script: string, dir: string): string {
  return execFileSync('sh', ['-c', script.split(TRACK_DIR).join(dir)], { encoding: 'utf8' });
}

test('write, read back, maintenance on/off: real sh, one number per file, who/why beside it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-ops-'));
  try {
    assert.deepEqual(parseState('lb1', run(readStateScript(['web_51']), dir)), { host: 'lb1', maintenance: false, moves: { web_51: 0 } }, 'missing files read as 0');
    const out = run(writeMovesScript([{ host: 'lb1', instance: 'web_51', value: -51 }, { host: 'lb1', instance: 'api_52', value: 0 }]), dir);
    assert.ok(atMs(out)! > 1.7e12, out);
    assert.equal(readFileSync(join(dir, 'vrrp-move-web_51'), 'utf8'), '-51\n');
    run(maintenanceScript(true, { by: 'ops@admin', at: '2026-12-04T00:00:00Z', reason: "kernel 'upgrade'" }), dir);
    assert.equal(readFileSync(join(dir, 'maintenance'), 'utf8'), '1\n');
    const s = parseState('lb1', run(readStateScript(['web_51', 'api_52']), dir));
    assert.deepEqual(s, { host: 'lb1', maintenance: true, moves: { web_51: -51, api_52: 0 }, info: { by: 'ops@admin', at: '2026-12-04T00:00:00Z', reason: "kernel 'upgrade'" } });
    run(maintenanceScript(false), dir);
    assert.equal(parseState('lb1', run(readStateScript([]), dir)).maintenance, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('release writes -254 now and its watchdog settles the holder if nobody else did', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-ops-'));
  try {
    run(releaseScript({ host: 'lb1', instance: 'web_51', value: -254 }, -51, 'tok1', 1), dir);
    assert.equal(readFileSync(join(dir, 'vrrp-move-web_51'), 'utf8'), '-254\n');
    const deadline = Date.now() + 5000;
    while (readFileSync(join(dir, 'vrrp-move-web_51'), 'utf8') !== '-51\n' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(readFileSync(join(dir, 'vrrp-move-web_51'), 'utf8'), '-51\n', 'the watchdog took the holder out of FAULT');
    // A watchdog whose token was replaced by a later run leaves the file alone.
    run(releaseScript({ host: 'lb1', instance: 'web_51', value: -254 }, 0, 'old', 1), dir);
    writeFileSync(join(dir, 'vrrp-move-web_51.release'), 'newer\n');
    await new Promise((r) => setTimeout(r, 1800));
    assert.equal(readFileSync(join(dir, 'vrrp-move-web_51'), 'utf8'), '-254\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a sync group lets go in one script: both files -254, each with its own watchdog back to its settle value', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-ops-'));
  try {
    const out = run(releaseAllScript([{ write: { host: 'lb1', instance: 'web_v4', value: -254 }, settleValue: -51 }, { write: { host: 'lb1', instance: 'web_v6', value: -254 }, settleValue: -40 }], 'tok2', 1), dir);
    assert.ok(atMs(out)! > 1.7e12, out);
    assert.equal(readFileSync(join(dir, 'vrrp-move-web_v4'), 'utf8'), '-254\n');
    assert.equal(readFileSync(join(dir, 'vrrp-move-web_v6'), 'utf8'), '-254\n');
    const deadline = Date.now() + 5000;
    const settled = () => readFileSync(join(dir, 'vrrp-move-web_v4'), 'utf8') === '-51\n' && readFileSync(join(dir, 'vrrp-move-web_v6'), 'utf8') === '-40\n';
    while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(settled(), 'both watchdogs took the holder out of FAULT');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('host text that is not ours is ignored; a bad instance name never reaches a path', () => {
  assert.deepEqual(parseState('lb1', 'maintenance x\nmove ../etc 5\ninfo {not json\nmove web_51 -3junk\n'), { host: 'lb1', maintenance: false, moves: { web_51: -3 } });
  assert.throws(() => readStateScript(['a/b']), /cannot name a state file/);
  assert.throws(() => writeMovesScript([{ host: 'x', instance: 'a;b', value: 1 }]), /cannot name a state file/);
});
