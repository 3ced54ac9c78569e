import type { Diagnostic } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';
import type { Topology } from '../topology/index.js';

/** What a rule sees: the inventory (for raw values and positions) and the model built from it. */
export interface LintContext {
  inv: Inventory;
  topology: Topology;
}

/** One check with a stable code; `check` returns every finding, never stops at the first. */
export interface Rule {
  code: string;
  /** One line for `--help`-like listings and docs. */
  summary: string;
  check(ctx: LintContext): Diagnostic[];
}
