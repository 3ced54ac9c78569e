import type { Command } from 'commander';
import { hasErrors, type Diagnostic } from '../../diagnostics/index.js';
import { loadInventory } from '../../inventory/index.js';
import { lintInventory } from '../../lint/index.js';
import { CommandExit } from '../command-error.js';
import { inventoryFor, inventoryOption } from '../inventory-source.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../context.js';
import { info, printDiagnostics, printJson } from '../output.js';

interface LintOptions {
  inventory?: string[];
  json?: boolean;
}

const EXAMPLES = `
Examples:
  hafleet lint -i inventory/
  hafleet lint -i inventory/hosts.yml --json | jq '.diagnostics[] | select(.severity == "error")'

Checks the inventory and the HA model built from it (VRIDs, priorities, VIPs, peers, services).
Exit 0 when there are no errors (warnings allowed), 65 when there are.
`;

/** `hafleet lint`: inventory + cluster consistency, every finding at once. */
export function register(program: Command, ctx: CommandContext): void {
  program
    .command('lint')
    .description('check the inventory and the HA model: VRIDs, priorities, VIPs, peers, services')
    .addOption(inventoryOption())
    .option('--json', 'print {diagnostics: [...]} on stdout')
    .addHelpText('after', EXAMPLES)
    .action((opts: LintOptions) => run(opts, ctx));
}

function run(opts: LintOptions, ctx: CommandContext): void {
  const choice = inventoryFor('lint', opts.inventory, { connects: false });
  const loaded = loadInventory(choice.sources, ctx.env, choice.load);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  if (loaded.ok) diagnostics.push(...lintInventory(loaded.value));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (opts.json) printJson({ diagnostics });
  else printDiagnostics(diagnostics);
  if (!opts.json) info(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${loaded.ok ? '' : ' (the inventory could not be read; fix these first)'}`);
  if (hasErrors(diagnostics)) throw new CommandExit(ExitCode.badInventory);
}
