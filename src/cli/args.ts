import { Option } from 'commander';
import { loadFleet, type Fleet, type RefSource } from '../fleet/index.js';
import { localUserName, loadUserSshConfig } from '../transport/index.js';
import { CommandExit } from './command-error.js';
import type { CommandContext } from './context.js';
import { ExitCode } from './exit-codes.js';
import { inventoryFor, inventoryOption, type InventoryChoice } from './inventory-source.js';
import { printDiagnostics } from './output.js';

/**
 * The argument bits fleet commands share, written once: -i (inventory-source.ts), -l, -f and
 * its parsing, and "load the fleet or exit 65". A new command adds these options and calls
 * `fleetFor` instead of repeating them.
 */

export { inventoryOption };

/** `-l, --limit`: an Ansible host pattern; `example` is shown in --help. */
export function limitOption(example = "'web*:!web3'"): Option {
  return new Option('-l, --limit <pattern>', `only hosts matching an Ansible pattern, e.g. ${example}`);
}

/** `-f, --forks`: `what` says what is done at once ("hosts contacted at once"). */
export function forksOption(what: string, fallback: number): Option {
  return new Option('-f, --forks <n>', `${what} (default: ansible.cfg forks when set there, else ${fallback})`);
}

/** --forks when given, else ansible.cfg's forks when set there, else the command's own default. */
export function forksFrom(flag: string | undefined, choice: Pick<InventoryChoice, 'forks'>, fallback: number): number {
  if (flag === undefined) return choice.forks ?? fallback;
  if (!/^\d+$/.test(flag) || Number(flag) < 1) throw new CommandExit(ExitCode.usage, `--forks ${flag}: give a whole number ≥ 1`);
  return Number(flag);
}

/** The flags `fleetFor` reads (each command's flags interface extends it). */
export interface FleetFlags {
  /** Every -i given (a string: one source, as bench and tests pass it). */
  inventory?: string[] | string;
  limit?: string;
  forks?: string;
}

export interface FleetArgs {
  fleet: Fleet;
  choice: InventoryChoice;
  forks: number;
}

/**
 * Where the inventory is (or exit 64 with the missing-inventory message), --forks (default
 * `forks`), and the loaded fleet; its diagnostics printed, exit 65 on a bad inventory. With
 * `needHosts`, exit 64 when no host with a role matches --limit.
 */
export function fleetFor(command: string, flags: FleetFlags, ctx: Pick<CommandContext, 'env'>, o: { forks: number; needHosts?: boolean }): FleetArgs {
  const choice = inventoryFor(command, flags.inventory, { connects: true });
  const forks = forksFrom(flags.forks, choice, o.forks);
  const loaded = loadFleet(choice.sources, {
    env: ctx.env, load: choice.load, connectionDefaults: choice.connectionDefaults, refs: refSource(ctx),
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
  });
  printDiagnostics(loaded.diagnostics);
  if (!loaded.ok) throw new CommandExit(ExitCode.badInventory);
  if (o.needHosts && loaded.value.hosts.length === 0) throw new CommandExit(ExitCode.usage, `no host with a role matches${flags.limit ? ` --limit ${flags.limit}` : ''}`);
  return { fleet: loaded.value, choice, forks };
}

let refs: RefSource | undefined;
/** ~/.ssh/config (read once per process) and the local user ($USER when passwd has no entry). */
export function refSource(ctx: Pick<CommandContext, 'env'>): RefSource {
  refs ??= { sshConfig: loadUserSshConfig(), localUser: localUserName(ctx.env.USER) };
  return refs;
}
