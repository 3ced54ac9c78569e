/**
 * Every example inventory renders keepalived.conf files the agent runs (`agent -t` exits 0).
 * agent -t, as keepalived -t, refuses a track script that is not there: as deploy's validation
 * does, the config is checked with its script paths pointing at the rendered copies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hafleet = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

function findConfs(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.conf') && e.parentPath.endsWith(path.join('etc', 'keepalived')))
    .map((e) => path.join(e.parentPath, e.name));
}

for (const inv of fs.readdirSync(path.join(root, 'inventories'))) {
  test(`inventories/${inv}: every rendered keepalived.conf passes agent -t`, () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hfag-render-'));
    try {
      const r = hafleet('render', '-i', path.join('inventories', inv), '--out', out);
      assert.equal(r.status, 0, r.stderr);
      const confs = findConfs(out);
      assert.ok(confs.length >= 2, `expected a config per director, found ${confs.length}`);
      for (const c of confs) {
        const hostRoot = path.dirname(path.dirname(path.dirname(c)));
        const text = fs.readFileSync(c, 'utf8').replaceAll('/usr/local/sbin/hafleet-', `${hostRoot}/usr/local/sbin/hafleet-`);
        fs.writeFileSync(c, text);
        const t = hafleet('agent', '-t', '-f', c);
        assert.equal(t.status, 0, `${c}:\n${t.stderr}`);
        assert.doesNotMatch(t.stderr, /^warning/m, t.stderr);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
}
