import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadInventory, type Inventory } from '../../../src/inventory/index.js';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';

export const FIXTURES = new URL('../../fixtures/inventory/', import.meta.url).pathname;

/** Writes `files` (path → content) into a fresh temp dir and returns the dir. */
export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-inv-'));
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
