import { hasErrors, type Result } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';
import { buildTopology, uniqueDiagnostics, type Topology } from '../topology/index.js';
import { lintInventory } from './run.js';

/**
 * The one validation gate: render, plan and deploy run exactly what `hafleet lint` runs (the
 * model builder and every lint rule), and any error stops them before a host is contacted
 * (exit 65). Warnings pass through. The topology is the one the builder makes (a clean build).
 */
export function gateInventory(inv: Inventory): Result<Topology> {
  const built = buildTopology(inv);
  // lint's findings first, in its order; the builder's extra range checks after, each once.
  const diagnostics = uniqueDiagnostics([...lintInventory(inv), ...built.diagnostics]);
  if (!built.ok || hasErrors(diagnostics)) return { ok: false, diagnostics };
  return { ok: true, value: built.value, diagnostics };
}
