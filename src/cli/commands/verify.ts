import type { Command } from 'commander';
import { gatherFacts } from '../../facts/index.js';
import { formatReport, verify, type VerifyReport } from '../../verify/index.js';
import { CommandExit } from '../command-error.js';
import { cliTransport, connectionOptions } from '../transport.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { info, printDiagnostics, printJson, writeHuman } from '../output.js';
import { loadFleet, type Fleet } from '../fleet.js';
import { forksFrom, inventoryFor, inventoryOption, type InventoryChoice } from '../inventory-source.js';

export interface VerifyFlags {
  inventory?: string[];
  limit?: string;
  json?: boolean;
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
  forks?: string;
}

const EXAMPLES = `
Examples:
  hafleet verify -i inventory/hosts.yml
  hafleet verify -i inventory/ --json | jq '.report.findings[] | select(.ok | not)'

For each cluster: who holds every VIP (and whether keepalived agrees), split brain, orphan,
stale VIPs after keepalived -9, auth mismatches, daemons, drift since the last deploy, track
scripts, lvs-dr realservers (VIP on lo, live ARP sysctls), ARP answers from the admin box and
traffic through each VIP. Exit 0 only when all hold, 4 when hosts were only unreachable, 1 else.
`;

/**
 * Load the inventory for a command that probes the fleet; exits 65 on a bad inventory. forks:
 * --forks, else ansible.cfg's, else 20.
 */
export function fleetOrExit(command: string, flags: { inventory?: string[]; limit?: string; forks?: string }): { fleet: Fleet; choice: InventoryChoice; forks: number } {
  const choice = inventoryFor(command, flags.inventory, { connects: true });
  const forks = forksFrom(flags.forks, choice, 20);
  const loaded = loadFleet(choice.sources, flags.limit, { load: choice.load, connectionDefaults: choice.connectionDefaults });
  printDiagnostics(loaded.diagnostics);
  if (!loaded.ok) throw new CommandExit(ExitCode.badInventory);
  return { fleet: loaded.value, choice, forks };
}

export function verifyExitCode(r: VerifyReport): ExitCodeValue {
  if (r.ok) return ExitCode.ok;
  const errors = r.findings.filter((f) => f.severity === 'error');
  return errors.every((f) => f.kind === 'host-unreachable') ? ExitCode.unreachable : ExitCode.failed;
}

async function run(flags: VerifyFlags): Promise<void> {
  const { fleet, choice, forks } = fleetOrExit('verify', flags);
  const transport = cliTransport(flags, choice);
  const signal = globalThis.hafleetAbort;
  let result;
  try {
    if (!flags.json) info(`probing ${fleet.hosts.length} host(s), ARP and traffic…`);
    result = await verify(
      { topology: fleet.topology, hosts: fleet.refs, desired: fleet.desired },
      { transport, gatherFacts, forks, ...(signal ? { signal } : {}) },
    );
  } finally {
    await transport.close();
  }
  if (flags.json) printJson({ ok: result.report.ok, report: result.report, observations: result.observations });
  else writeHuman(process.stdout, formatReport(fleet.topology, result.report));
  const code = verifyExitCode(result.report);
  if (code !== ExitCode.ok) throw new CommandExit(code);
}

/** `hafleet verify`: where every VIP is, ARP, services, traffic. */
export function register(program: Command): void {
  connectionOptions(program
    .command('verify')
    .description('where every VIP is, whether keepalived agrees, ARP, services, drift and traffic')
    .addOption(inventoryOption())
    .option('-l, --limit <pattern>', 'only hosts matching an Ansible pattern')
    .option('--json', 'the report (and what the probes saw) as one JSON document on stdout')
    .option('-f, --forks <n>', 'hosts probed at once (default: ansible.cfg forks when set there, else 20)'))
    .addHelpText('after', EXAMPLES)
    .action((flags: VerifyFlags) => run(flags));
}
