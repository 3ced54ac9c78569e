import type { Command } from 'commander';
import { error, hasErrors, type Diagnostic } from '../../diagnostics/index.js';
import { hostVars, loadInventory, selectHosts, toAnsibleList, toGraph } from '../../inventory/index.js';
import { printable } from '../../terminal/index.js';
import { CommandExit } from '../command-error.js';
import { inventoryFor, inventoryOption } from '../inventory-source.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../context.js';
import { printDiagnostics, printJson } from '../output.js';

interface InventoryOptions {
  inventory?: string[];
  limit?: string;
  list?: boolean;
  graph?: boolean;
  host?: string;
}

const EXAMPLES = `
Examples:
  hafleet inventory -i inventory/hosts.yml --graph
  hafleet inventory -i inventory/ --list --limit 'directors:&prod'
  HAFLEET_INVENTORY=inventory/hosts.ini hafleet inventory --host lb1

Output is ansible-inventory's: --list and --host print JSON on stdout (secrets masked),
--graph prints the group tree. Exit 65 when the inventory has errors, 64 on bad usage.
`;

/** `hafleet inventory`: the inventory as `ansible-inventory --list|--graph|--host` shows it. */
export function register(program: Command, ctx: CommandContext): void {
  program
    .command('inventory')
    .description('show the inventory as ansible-inventory does: --list, --graph or --host H')
    .addOption(inventoryOption())
    .option('-l, --limit <pattern>', "only hosts matching an Ansible pattern, e.g. 'web*:!web3'")
    .option('--list', 'all groups and hosts with their merged variables, as JSON')
    .option('--graph', 'the group tree')
    .option('--host <host>', "one host's merged variables, as JSON")
    .addHelpText('after', EXAMPLES)
    .action((opts: InventoryOptions) => run(opts, ctx));
}

function run(opts: InventoryOptions, ctx: CommandContext): void {
  const modes = [opts.list && '--list', opts.graph && '--graph', opts.host !== undefined && '--host'].filter(Boolean);
  if (modes.length !== 1) {
    throw new CommandExit(ExitCode.usage, modes.length === 0
      ? 'hafleet inventory: choose one of --list, --graph or --host H (see --help)'
      : `hafleet inventory: ${modes.join(' and ')} cannot be used together; choose one`);
  }
  const choice = inventoryFor('inventory', opts.inventory, { connects: false });

  const loaded = loadInventory(choice.sources, ctx.env, choice.load);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  if (!loaded.ok) return fail(diagnostics);
  const inv = loaded.value;

  let hosts: string[] | undefined;
  if (opts.limit !== undefined) {
    const selected = selectHosts(inv, opts.limit);
    diagnostics.push(...selected.diagnostics);
    if (!selected.ok) return fail(diagnostics);
    hosts = selected.value;
  }

  if (opts.host !== undefined) {
    const vars = hostVars(inv, opts.host);
    if (!vars) {
      diagnostics.push(error('unknown-host', `host '${opts.host}' is not in the inventory`, { file: choice.sources.join(', ') }, 'run `hafleet inventory --graph` to see the hosts'));
      return fail(diagnostics);
    }
    printDiagnostics(diagnostics);
    printJson(vars);
    return;
  }
  printDiagnostics(diagnostics);
  // Host and group names are the inventory's words: shown, never obeyed by the terminal.
  if (opts.graph) process.stdout.write(printable(toGraph(inv, hosts), { keepOwnColour: false }) + '\n');
  else printJson(toAnsibleList(inv, hosts));
}

function fail(diagnostics: Diagnostic[]): never {
  printDiagnostics(diagnostics);
  throw new CommandExit(hasErrors(diagnostics) ? ExitCode.badInventory : ExitCode.failed);
}
