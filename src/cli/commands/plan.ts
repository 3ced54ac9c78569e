import type { Command } from 'commander';
import type { Transport } from '../../transport/index.js';
import { cliTransport, connectionOptions } from '../transport.js';
import { renderPlanText, planJson, renderRolloutText, type FactsByHost, type Plan } from '../../plan/index.js';
import { hostsInMaintenance, maintenanceText, planFleet, rolloutOf, type Fleet } from '../../fleet/index.js';
import { CommandExit } from '../command-error.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { info, printJson, useColor } from '../output.js';
import { fleetFor, forksOption, inventoryOption, limitOption, type FleetFlags } from '../args.js';
import type { CommandContext } from '../context.js';

export interface PlanFlags extends FleetFlags {
  json?: boolean;
  detailedExitcode?: boolean;
  validate?: boolean;
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
  contactAll?: boolean;
}

export interface Planned {
  fleet: Fleet;
  /** --forks, else ansible.cfg's forks, else 50. */
  forks: number;
  transport: Transport;
  facts: FactsByHost;
  plan: Plan;
  /** Realservers in maintenance (drained on the directors). */
  drained: string[];
}

/**
 * plan's and deploy's arguments → the fleet layer's `planFleet`: load, connect, gather facts,
 * plan; validate on the hosts unless told not to. The caller closes the transport.
 */
export async function preparePlan(flags: PlanFlags, o: { validate: boolean; quiet: boolean; command: 'plan' | 'deploy' }, ctx: CommandContext): Promise<Planned> {
  const { fleet, choice, forks } = fleetFor(o.command, flags, ctx, { forks: 50, needHosts: true });
  const transport = cliTransport(flags, choice, ctx);
  if (!o.quiet) info(`gathering facts from ${fleet.hosts.length} host${fleet.hosts.length === 1 ? '' : 's'}…`);
  try {
    const { facts, plan, maintenance } = await planFleet(fleet, transport, { forks, validate: o.validate, signal: ctx.signal, ...(flags.contactAll ? { contactAll: true } : {}) });
    return { fleet, forks, transport, facts, plan, drained: maintenance };
  } catch (e) {
    await transport.close();
    throw e;
  }
}

/** 1 when a host failed or a file would be rejected, 4 when hosts were only unreachable, 2 for changes if asked. */
export function planExitCode(p: Plan, detailed: boolean): ExitCodeValue {
  if (p.summary.failed > 0 || (p.summary.validationFailed ?? 0) > 0) return ExitCode.failed;
  if (p.summary.unreachable > 0) return ExitCode.unreachable;
  if (detailed && p.summary.filesToChange > 0) return ExitCode.changes;
  return ExitCode.ok;
}

/** `hafleet plan` and `hafleet deploy --check --diff`. */
export async function runPlan(flags: PlanFlags, ctx: CommandContext): Promise<void> {
  const planned = await preparePlan(flags, { validate: flags.validate !== false, quiet: Boolean(flags.json), command: 'plan' }, ctx);
  try {
    const rollout = rolloutOf(planned.fleet, planned.facts, planned.plan);
    const maintenance = hostsInMaintenance(planned.fleet, planned.facts, planned.drained);
    if (flags.json) printJson({ ...planJson(planned.plan), rollout, maintenance });
    else process.stdout.write(renderPlanText(planned.plan, { color: useColor(process.stdout) }) + renderRolloutText(rollout) + maintenanceText(maintenance));
  } finally {
    await planned.transport.close();
  }
  const code = planExitCode(planned.plan, Boolean(flags.detailedExitcode));
  if (code !== ExitCode.ok) throw new CommandExit(code);
}

const EXAMPLES = `
Examples:
  hafleet plan -i inventory/hosts.yml
  hafleet plan -i inventory/ --limit directors --detailed-exitcode
  hafleet plan -i inventory/hosts.yml --json | jq '.summary'

Each changed file with a validator is checked on its host with the real tool (keepalived -t,
nginx -t on a copy of /etc/nginx), in a temporary directory outside every include dir.
Behaviour: a changed keepalived.conf or nginx file also says what the change does, read with
hafleet's own parsers (e.g. "web_51 on lb1: priority 150 → 140", "upstream web: server
198.18.1.21:80 weight 1 → 2"), or "no behaviour change (formatting only)"; in --json each update
carries \`behaviour\` (empty when only formatting, comments or order differ) and \`hafleetHooks\`:
hafleet's own switchover/maintenance track_files and notify logger, inert until used.
Hosts in maintenance (hafleet maintenance) are listed after the plan (--json: \`maintenance\`);
deploy keeps them so.
Exit: 0 nothing to change, 2 changes (--detailed-exitcode), 1 a host failed or a file would be
rejected, 4 hosts unreachable, 65 bad inventory.
`;

export function planOptions(cmd: Command): Command {
  return connectionOptions(cmd
    .addOption(inventoryOption())
    .addOption(limitOption("'lb*:!lb3'"))
    .option('--json', 'the plan as one JSON document on stdout')
    .addOption(forksOption('hosts contacted at once', 50))
    .option('--contact-all', "also contact realservers that render no file and that the directors' realserver ledger says carry nothing of hafleet's (skipped otherwise)"));
}

/** `hafleet plan`: what deploy would change, with diffs (secrets masked) and on-host validation. */
export function register(program: Command, ctx: CommandContext): void {
  planOptions(program.command('plan').description('dry-run: what deploy would change on each host, with diffs'))
    .option('--detailed-exitcode', 'exit 2 when there are changes (as terraform)')
    .option('--no-validate', 'skip validating changed files on the hosts')
    .addHelpText('after', EXAMPLES)
    .action((flags: PlanFlags) => runPlan(flags, ctx));
}
