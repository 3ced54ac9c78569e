import type { Result } from '../diagnostics/index.js';
import type { ConnectionDefaults, LoadOptions } from '../inventory/index.js';
import { loadFleet as load, type Fleet } from '../fleet/index.js';

/**
 * The fleet layer moved to src/fleet (issue 19 part 1). This adapter keeps the old positional
 * signature for the callers outside the CLI's owner's files that still import it
 * (test/unit/lint/gate.test.ts, bench/facts-scope.bench.ts, bench/deploy.bench.ts); delete it
 * once they import src/fleet. Commands use cli/args.ts's `fleetFor`.
 */
export function loadFleet(inventoryPath: string | readonly string[], limit?: string, o: { load?: LoadOptions; connectionDefaults?: ConnectionDefaults } = {}): Result<Fleet> {
  return load(inventoryPath, { env: process.env, ...(limit !== undefined ? { limit } : {}), ...o });
}

export { whoAmI, type Fleet } from '../fleet/index.js';
