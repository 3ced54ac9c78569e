import type { Command } from 'commander';
import { gatherFacts } from '../../facts/index.js';
import { formatReport, verify, type VerifyReport } from '../../verify/index.js';
import { CommandExit } from '../command-error.js';
import { cliTransport, connectionOptions } from '../transport.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { info, printJson, writeHuman } from '../output.js';
import { fleetFor, forksOption, inventoryOption, limitOption, type FleetFlags } from '../args.js';
import type { CommandContext } from '../context.js';

export interface VerifyFlags extends FleetFlags {
  json?: boolean;
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
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

export function verifyExitCode(r: VerifyReport): ExitCodeValue {
  if (r.ok) return ExitCode.ok;
  const errors = r.findings.filter((f) => f.severity === 'error');
  return errors.every((f) => f.kind === 'host-unreachable') ? ExitCode.unreachable : ExitCode.failed;
}

async function run(flags: VerifyFlags, ctx: CommandContext): Promise<void> {
  const { fleet, choice, forks } = fleetFor('verify', flags, ctx, { forks: 20 });
  const transport = cliTransport(flags, choice, ctx);
  let result;
  try {
    if (!flags.json) info(`probing ${fleet.hosts.length} host(s), ARP and traffic…`);
    result = await verify(
      { topology: fleet.topology, hosts: fleet.refs, desired: fleet.desired },
      { transport, gatherFacts, forks, signal: ctx.signal },
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
export function register(program: Command, ctx: CommandContext): void {
  connectionOptions(program
    .command('verify')
    .description('where every VIP is, whether keepalived agrees, ARP, services, drift and traffic')
    .addOption(inventoryOption())
    .addOption(limitOption("'lb*:!lb3'"))
    .option('--json', 'the report (and what the probes saw) as one JSON document on stdout')
    .addOption(forksOption('hosts probed at once', 20)))
    .addHelpText('after', EXAMPLES)
    .action((flags: VerifyFlags) => run(flags, ctx));
}
