import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadInventory, type Inventory } from '../../../src/inventory/index.js';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';

export const FIXTURES = new URL('../../fixtures/inventory/', import.meta.url).pathname;

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (path → content) into a fresh temp dir (removed at exit) and returns the dir. */
export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-inv-'));
  created.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** Loads and insists on success, showing the diagnostics if not. */
export function mustLoad(path: string): Inventory {
  const r = loadInventory(path);
  if (!r.ok) throw new Error('inventory failed to load:\n' + r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.value;
}
