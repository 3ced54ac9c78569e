import type { Command } from 'commander';
import { error, hasErrors, type Diagnostic } from '../../diagnostics/index.js';
import { hostVars, loadInventory, selectHosts, toAnsibleList, toGraph } from '../../inventory/index.js';
import { printable } from '../../terminal/index.js';
import { CommandExit } from '../command-error.js';
import { inventoryFor, inventoryOption } from '../inventory-source.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../context.js';
import { printDiagnostics, printJson, writeHuman } from '../output.js';
import { maintenanceText, readStates } from '../../ops/index.js';
import { fleetFor } from '../args.js';
import { cliTransport, connectionOptions } from '../transport.js';

interface InventoryOptions {
  inventory?: string[];
  limit?: string;
  list?: boolean;
  graph?: boolean;
  host?: string;
  live?: boolean;
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
}

const EXAMPLES = `
Examples:
  hafleet inventory -i inventory/hosts.yml --graph
  hafleet inventory -i inventory/ --list --limit 'directors:&prod'
  HAFLEET_INVENTORY=inventory/hosts.ini hafleet inventory --host lb1

Output is ansible-inventory's: --list and --host print JSON on stdout (secrets masked),
--graph prints the group tree. Exit 65 when the inventory has errors, 64 on bad usage.
--host H --live also reads H's day-2 state over SSH (hafleet maintenance: in maintenance since
when, by whom, why) and says it on stderr: stdout stays ansible-inventory's JSON, byte for byte,
because the state is on the host, not in the inventory (as hafleet maintenance --list shows it for
every director). Exit 1 when the host could not be read.
`;

/** `hafleet inventory`: the inventory as `ansible-inventory --list|--graph|--host` shows it. */
export function register(program: Command, ctx: CommandContext): void {
  connectionOptions(program
    .command('inventory')
    .description('show the inventory as ansible-inventory does: --list, --graph or --host H')
    .addOption(inventoryOption())
    .option('-l, --limit <pattern>', "only hosts matching an Ansible pattern, e.g. 'web*:!web3'")
    .option('--list', 'all groups and hosts with their merged variables, as JSON')
    .option('--graph', 'the group tree')
    .option('--host <host>', "one host's merged variables, as JSON")
    .option('--live', "with --host: read the host's maintenance state over SSH and say it on stderr (the JSON is unchanged)"))
    .addHelpText('after', EXAMPLES)
    .action((opts: InventoryOptions) => run(opts, ctx));
}

async function run(opts: InventoryOptions, ctx: CommandContext): Promise<void> {
  const modes = [opts.list && '--list', opts.graph && '--graph', opts.host !== undefined && '--host'].filter(Boolean);
  if (modes.length !== 1) {
    throw new CommandExit(ExitCode.usage, modes.length === 0
      ? 'hafleet inventory: choose one of --list, --graph or --host H (see --help)'
      : `hafleet inventory: ${modes.join(' and ')} cannot be used together; choose one`);
  }
  if (opts.live && opts.host === undefined) throw new CommandExit(ExitCode.usage, 'hafleet inventory: --live goes with --host H');
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
    if (opts.live) await live(opts, opts.host, ctx);
    return;
  }
  printDiagnostics(diagnostics);
  // Host and group names are the inventory's words: shown, never obeyed by the terminal.
  if (opts.graph) process.stdout.write(printable(toGraph(inv, hosts), { keepOwnColour: false }) + '\n');
  else printJson(toAnsibleList(inv, hosts));
}

/**
 * `--host H --live`: H's day-2 state, read from the host (the file hafleet maintenance writes),
 * as one line on stderr after the JSON. Not in the JSON: that stays ansible-inventory's, so the
 * oracle holds and tools that read it see what Ansible would; the state is the host's, not a var.
 */
async function live(opts: InventoryOptions, host: string, ctx: CommandContext): Promise<void> {
  const { fleet, choice } = fleetFor('inventory', { ...(opts.inventory ? { inventory: opts.inventory } : {}) }, ctx, { forks: 1 });
  const ref = fleet.refs.get(host);
  if (!ref) {
    writeHuman(process.stderr, `hafleet: ${host} has no hafleet role: no day-2 state to read\n`);
    return;
  }
  const transport = cliTransport(opts, choice, ctx);
  let state;
  try {
    state = (await readStates(transport, [ref], [], ctx.signal)).get(host);
  } finally {
    await transport.close();
  }
  if (!state) throw new CommandExit(ExitCode.failed, `hafleet: ${host}: its maintenance state could not be read (is it reachable? hafleet verify says more)`);
  // by/at/reason are text from the host: maintenanceText keeps them on one line, writeHuman printable.
  writeHuman(process.stderr, `hafleet: ${host} is ${maintenanceText(state)}${state.maintenance ? '' : ' (not in maintenance)'}\n`);
}

function fail(diagnostics: Diagnostic[]): never {
  printDiagnostics(diagnostics);
  throw new CommandExit(hasErrors(diagnostics) ? ExitCode.badInventory : ExitCode.failed);
}
