import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandLoaders } from '../../../src/cli/commands/index.js';

/**
 * `bin` runs the esbuild bundle of dist/src (scripts/bundle.mjs), not dist/src itself. It must do
 * what dist/src does: every command there, the templates found from its directory, the CommonJS
 * packages (handlebars, yaml) working inside ESM chunks. Built here into its own directory (two
 * levels below the root, as the real one) from the dist/src of `make build`.
 */
const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const DIST_MAIN = join(ROOT, 'dist/src/cli/main.js');

function run(entry: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [entry, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function filesUnder(dir: string): Map<string, { text: string; mode: number }> {
  const out = new Map<string, { text: string; mode: number }>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), { text: readFileSync(p, 'utf8'), mode: statSync(p).mode & 0o777 });
    }
  };
  walk(dir);
  return out;
}

test('the bundled CLI runs every command and renders exactly what dist/src renders', (t) => {
  assert.ok(existsSync(DIST_MAIN), 'dist/src is built first (make build, or npm run build)');
  const out = join(ROOT, 'dist', `bundle-test-${process.pid}`);
  const scratch = mkdtempSync(join(tmpdir(), 'hf-bundle-'));
  t.after(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), out], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(b.status, 0, b.stderr);
  const entry = join(out, 'hafleet.mjs');
  assert.match(readFileSync(entry, 'utf8'), /^#!\/usr\/bin\/env node\n/, 'the bin file keeps its shebang');

  const help = run(entry, '--help');
  assert.equal(help.code, 0, help.stderr);
  for (const name of Object.keys(commandLoaders)) {
    assert.match(help.stdout, new RegExp(`^  ${name}\\b`, 'm'), `--help lists ${name}`);
    const one = run(entry, name, '--help');
    assert.equal(one.code, 0, `${name} --help: ${one.stderr}`);
    assert.match(one.stdout, new RegExp(`^Usage: hafleet ${name}\\b`, 'm'));
  }

  // render reads the inventory (yaml), finds templates/ by climbing from the bundle's directory
  // and runs handlebars: the bundle's files must be the same bytes and modes as dist/src's.
  const args = ['render', '-i', 'inventories/lvs-dr', '--limit', 'lvs1:rs2', '--out'];
  // (The same outcome is what is asserted: in a tree whose templates are being edited, dist/src
  // itself may refuse to render; then the bundle must refuse with the same words.)
  const viaBundle = run(entry, ...args, join(scratch, 'bundle'));
  const viaDist = run(DIST_MAIN, ...args, join(scratch, 'dist'));
  assert.equal(viaBundle.code, viaDist.code, viaBundle.stderr);
  assert.equal(viaBundle.stderr.replaceAll(join(scratch, 'bundle'), 'OUT'), viaDist.stderr.replaceAll(join(scratch, 'dist'), 'OUT'));
  const d = viaDist.code === 0 ? filesUnder(join(scratch, 'dist')) : new Map();
  const a = viaBundle.code === 0 ? filesUnder(join(scratch, 'bundle')) : new Map();
  if (viaDist.code === 0) assert.ok(d.size >= 4, `dist/src rendered files (${[...d.keys()].join(', ')})`);
  else t.diagnostic(`dist/src did not render (exit ${viaDist.code}): only the same outcome was compared`);
  assert.deepEqual([...a.keys()].sort(), [...d.keys()].sort());
  for (const [p, f] of d) assert.deepEqual(a.get(p), f, p);
});
