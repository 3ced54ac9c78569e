import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { renderFleet } from '../../../src/render/index.js';
import { EXAMPLES, ROOT, loadExample } from './example.js';

// Review golden diffs like code: UPDATE_GOLDEN=1 rewrites them from the current templates.
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

for (const name of EXAMPLES) {
  test(`golden files: inventories/${name}`, () => {
    const { inv, topo } = loadExample(join(ROOT, 'inventories', name));
    const r = renderFleet(inv, topo);
    assert.ok(r.ok, r.diagnostics.map(formatDiagnostic).join('\n'));
    assert.deepEqual(r.diagnostics, [], 'the examples render without warnings');
    const goldenDir = join(ROOT, 'test/fixtures/render', name);
    const rendered = new Map<string, string>();
    for (const [host, hd] of r.value) for (const f of hd.files) rendered.set(join(host, f.path), f.content);
    if (UPDATE) {
      rmSync(goldenDir, { recursive: true, force: true });
      for (const [rel, content] of rendered) {
        mkdirSync(dirname(join(goldenDir, rel)), { recursive: true });
        writeFileSync(join(goldenDir, rel), content);
      }
    }
    assert.deepEqual([...rendered.keys()].sort(), listFiles(goldenDir), 'the rendered file set equals the golden file set');
    for (const [rel, content] of rendered) {
      assert.equal(content, readFileSync(join(goldenDir, rel), 'utf8'), `${name}/${rel} differs from its golden file (UPDATE_GOLDEN=1 to accept)`);
    }
  });
}
