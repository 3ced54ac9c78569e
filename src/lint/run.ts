import type { Diagnostic } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';
import { buildTopologyPartial, uniqueDiagnostics, type Topology } from '../topology/index.js';
import { rules } from './rules/index.js';

/** Run every rule over an inventory and the topology built from it. */
export function lint(inv: Inventory, topology: Topology): Diagnostic[] {
  return rules.flatMap((r) => r.check({ inv, topology }));
}

/**
 * What `hafleet lint` prints: build the topology as far as it goes, lint that, and return each
 * finding once (the build and the type rules see the same type errors).
 */
export function lintInventory(inv: Inventory): Diagnostic[] {
  const built = buildTopologyPartial(inv);
  return uniqueDiagnostics([...built.diagnostics, ...lint(inv, built.topology)]);
}
