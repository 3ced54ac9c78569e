import type { Command } from 'commander';
import { gatherFacts } from '../../facts/index.js';
import { formatReport } from '../../verify/index.js';
import { runMaintenance, type MaintenanceRun } from '../../ops/index.js';
import { whoAmI } from '../../fleet/index.js';
import { CommandExit } from '../command-error.js';
import { cliTransport, connectionOptions } from '../transport.js';
import { ExitCode } from '../exit-codes.js';
import { info, printJson, writeHuman } from '../output.js';
import { fleetFor, forksOption, inventoryOption, type FleetFlags } from '../args.js';
import type { CommandContext } from '../context.js';
import { confirmProduction, refuse } from './switchover.js';

interface MaintenanceFlags extends Omit<FleetFlags, 'limit'> {
  drainTimeout?: string;
  reason?: string;
  json?: boolean;
  yes?: boolean;
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
}

const EXAMPLES = `
Examples:
  hafleet maintenance -i inventory/ lb1 on --reason "kernel upgrade"
  hafleet maintenance -i inventory/ lb1 off

A director in maintenance holds no VIP: a flag file under /var/lib/hafleet that keepalived (or
the hafleet agent) tracks puts every instance on it in FAULT — a holder sends priority 0 and
the best backup takes over after Skew_Time. The flag is state on the host, not config: it
survives a speaker restart, a reboot and a deploy, and every admin box sees it. off clears it;
the director comes back as a backup and takes its VIPs back if preempt says so.
Refused when no other healthy director would hold the VIPs, or the cluster is locked by another
hafleet run (named). A production inventory (hafleet_environment) asks unless --yes.
Realserver maintenance (drain through the directors' nginx upstreams) is not built yet.
`;

function formatRun(r: Extract<MaintenanceRun, { kind: 'ran' }>): string {
  const lines = [`${r.host}: maintenance ${r.on ? 'on' : 'off'}${r.unchanged ? ' (already)' : ''}  ${r.ok ? 'ok' : 'PROBLEMS'}`];
  if (r.move) {
    const x = r.move.measures;
    lines.push(`  ${r.move.record.vip} moved off ${r.host} in ${x.moveMs ?? '—'} ms; requests through it: ${x.requests.sent} sent, ${x.requests.failed} failed; two holders: ${x.twoHoldersMs ? `${x.twoHoldersMs} ms` : 'never'}`);
  }
  for (const [vip, h] of Object.entries(r.placement)) lines.push(`  ${vip}: ${h ?? 'no single holder'}`);
  for (const p of r.problems) lines.push(`  problem: ${p}`);
  return lines.join('\n') + '\n';
}

async function run(host: string, state: string, flags: MaintenanceFlags, ctx: CommandContext): Promise<void> {
  if (state !== 'on' && state !== 'off') throw new CommandExit(ExitCode.usage, `maintenance ${host} ${state}: say on or off`);
  const drain = flags.drainTimeout === undefined ? undefined : Number(flags.drainTimeout);
  if (drain !== undefined && !(drain > 0)) throw new CommandExit(ExitCode.usage, `--drain-timeout ${flags.drainTimeout}: a number of seconds above 0`);
  const { fleet, choice, forks } = fleetFor('maintenance', flags, ctx, { forks: 20 });
  await confirmProduction(fleet, flags.yes, ctx, 'Maintenance', 'maintenance');
  const transport = cliTransport(flags, choice, ctx);
  let r: MaintenanceRun;
  try {
    r = await runMaintenance(
      { topology: fleet.topology, hosts: fleet.refs, desired: fleet.desired },
      { transport, gatherFacts, forks, host, on: state === 'on', by: whoAmI(), log: info, signal: ctx.signal, ...(flags.reason ? { reason: flags.reason } : {}), ...(drain ? { drainTimeoutSec: drain } : {}) },
    );
  } finally {
    await transport.close();
  }
  if (r.kind === 'refused') {
    if (r.verify && !flags.json) writeHuman(process.stderr, formatReport(fleet.topology, r.verify));
    refuse('maintenance', r.refusals, flags.json, { ...(r.lockedBy ? { lockedBy: r.lockedBy } : {}) });
  }
  if (flags.json) printJson(r);
  else writeHuman(process.stdout, formatRun(r));
  if (!r.ok) throw new CommandExit(ExitCode.failed);
}

/** `hafleet maintenance HOST on|off`: take a director out of VIP duty, and back. */
export function register(program: Command, ctx: CommandContext): void {
  connectionOptions(program
    .command('maintenance')
    .description('take a director out of VIP duty (it stays out across restarts and deploys), or bring it back')
    .argument('<host>', 'the director')
    .argument('<state>', 'on | off')
    .addOption(inventoryOption())
    .option('--drain-timeout <s>', 'how long to wait for the VIPs to leave (on) or settle (off); default 2 × Master_Down_Interval + 5 s')
    .option('--reason <text>', 'why (stored on the host beside the flag)')
    .option('--json', 'one JSON document on stdout')
    .option('-y, --yes', 'do not ask for confirmation on a production inventory')
    .addOption(forksOption('hosts probed at once by verify', 20)))
    .addHelpText('after', EXAMPLES)
    .action((host: string, state: string, flags: MaintenanceFlags) => run(host, state, flags, ctx));
}
