import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { loadInventory, type Inventory } from '../../../src/inventory/index.js';
import { buildTopology, type Topology } from '../../../src/topology/index.js';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const EXAMPLES = ['nginx-ha', 'lvs-dr', 'dual-master', 'dual-stack'] as const;

/** Load an inventory and its topology, failing loudly: the examples must always be valid. */
export function loadExample(dir: string): { inv: Inventory; topo: Topology } {
  const inv = loadInventory(dir);
  if (!inv.ok) throw new Error(`inventory ${dir}:\n${inv.diagnostics.map(formatDiagnostic).join('\n')}`);
  const topo = buildTopology(inv.value);
  if (!topo.ok) throw new Error(`topology ${dir}:\n${topo.diagnostics.map(formatDiagnostic).join('\n')}`);
  return { inv: inv.value, topo: topo.value };
}

/** A private copy of an example inventory, to add templates/ overrides to. */
export function copyExample(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `hf-render-${name}-`));
  cpSync(join(ROOT, 'inventories', name), dir, { recursive: true });
  return dir;
}
