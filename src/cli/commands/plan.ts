import type { Command } from 'commander';
import type { Transport } from '../../transport/index.js';
import { cliTransport, connectionOptions } from '../transport.js';
import { plan as makePlan, maskText, renderPlanText, planJson, withValidations, hostsToDeploy, renderRolloutText, type Plan, type RolloutOrder, type ValidationOutcome } from '../../plan/index.js';
import { rollingOrder, validatePlanOnHosts } from '../../apply/index.js';
import type { AddressFact } from '../../facts/index.js';
import { CommandExit } from '../command-error.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { info, printDiagnostics, printJson, useColor } from '../output.js';
import { gatherFleetFacts, loadFleet, type Fleet } from '../fleet.js';
import { forksFrom, inventoryFor, inventoryOption } from '../inventory-source.js';
import type { FactsByHost } from '../../plan/index.js';

export interface PlanFlags {
  /** Every -i given (a string: one source, as bench and tests pass it). */
  inventory?: string[] | string;
  limit?: string;
  json?: boolean;
  detailedExitcode?: boolean;
  validate?: boolean;
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
  forks?: string;
}

export interface Planned {
  fleet: Fleet;
  /** --forks, else ansible.cfg's forks, else 50. */
  forks: number;
  transport: Transport;
  facts: FactsByHost;
  plan: Plan;
}


/** Load, connect, gather facts, plan; validate on the hosts unless told not to. The caller closes the transport. */
export async function preparePlan(flags: PlanFlags, o: { validate: boolean; quiet: boolean; command?: string }): Promise<Planned> {
  const choice = inventoryFor(o.command ?? 'plan', flags.inventory, { connects: true });
  const forks = forksFrom(flags.forks, choice, 50);
  const loaded = loadFleet(choice.sources, flags.limit, { load: choice.load, connectionDefaults: choice.connectionDefaults });
  printDiagnostics(loaded.diagnostics);
  if (!loaded.ok) throw new CommandExit(ExitCode.badInventory);
  const fleet = loaded.value;
  if (fleet.hosts.length === 0) throw new CommandExit(ExitCode.usage, `no host with a role matches${flags.limit ? ` --limit ${flags.limit}` : ''}`);
  const transport = cliTransport(flags, choice);
  const signal = globalThis.hafleetAbort;
  if (!o.quiet) info(`gathering facts from ${fleet.hosts.length} host${fleet.hosts.length === 1 ? '' : 's'}…`);
  // Each host is validated as soon as its own facts are in, while the others are still read.
  const checks: Promise<Map<string, ValidationOutcome[]>>[] = [];
  const facts = await gatherFleetFacts(transport, fleet, {
    forks,
    ...(signal ? { signal } : {}),
    onHost: (host, got) => {
      if (!o.validate || !got.ok) return;
      const one = makePlan(new Map([[host, fleet.desired.get(host)!]]), new Map([[host, got]]));
      checks.push(validatePlanOnHosts(one, fleet.desired, transport, fleet.refs, { forks: 1, ...(signal ? { signal } : {}) }));
    },
  });
  let p = makePlan(fleet.desired, facts);
  if (o.validate) {
    const outcomes = new Map<string, ValidationOutcome[]>();
    for (const m of await Promise.all(checks)) for (const [host, vs] of m) outcomes.set(host, vs.map((v) => ({ ...v, message: maskText(v.message, fleet.secrets) })));
    p = withValidations(p, outcomes);
  }
  return { fleet, forks, transport, facts, plan: p };
}

/** 1 when a host failed or a file would be rejected, 4 when hosts were only unreachable, 2 for changes if asked. */
export function planExitCode(p: Plan, detailed: boolean): ExitCodeValue {
  if (p.summary.failed > 0 || (p.summary.validationFailed ?? 0) > 0) return ExitCode.failed;
  if (p.summary.unreachable > 0) return ExitCode.unreachable;
  if (detailed && p.summary.filesToChange > 0) return ExitCode.changes;
  return ExitCode.ok;
}

/**
 * The order deploy would follow for this plan: apply's own `rollingOrder`, given what deploy
 * gives it (the hosts it would run, the topology, where the VIPs are per the facts).
 */
export function rolloutOf(planned: Pick<Planned, 'fleet' | 'facts' | 'plan'>): RolloutOrder {
  const addresses = new Map<string, AddressFact[]>();
  for (const [host, f] of planned.facts) if (f.ok) addresses.set(host, f.value.addresses);
  const o = rollingOrder(hostsToDeploy(planned.plan), planned.fleet.topology, addresses);
  return { lanes: o.lanes.map((l) => ({ cluster: l.cluster, directors: l.hosts, holderLast: l.served })), batches: o.batches, free: o.free };
}

/** `hafleet plan` and `hafleet deploy --check --diff`. */
export async function runPlan(flags: PlanFlags): Promise<void> {
  const planned = await preparePlan(flags, { validate: flags.validate !== false, quiet: Boolean(flags.json), command: 'plan' });
  try {
    const rollout = rolloutOf(planned);
    if (flags.json) printJson({ ...planJson(planned.plan), rollout });
    else process.stdout.write(renderPlanText(planned.plan, { color: useColor(process.stdout) }) + renderRolloutText(rollout));
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
Exit: 0 nothing to change, 2 changes (--detailed-exitcode), 1 a host failed or a file would be
rejected, 4 hosts unreachable, 65 bad inventory.
`;

export function planOptions(cmd: Command): Command {
  return connectionOptions(cmd
    .addOption(inventoryOption())
    .option('-l, --limit <pattern>', "only hosts matching an Ansible pattern, e.g. 'lb*:!lb3'")
    .option('--json', 'the plan as one JSON document on stdout')
    .option('-f, --forks <n>', 'hosts contacted at once (default: ansible.cfg forks when set there, else 50)'));
}

/** `hafleet plan`: what deploy would change, with diffs (secrets masked) and on-host validation. */
export function register(program: Command): void {
  planOptions(program.command('plan').description('dry-run: what deploy would change on each host, with diffs'))
    .option('--detailed-exitcode', 'exit 2 when there are changes (as terraform)')
    .option('--no-validate', 'skip validating changed files on the hosts')
    .addHelpText('after', EXAMPLES)
    .action((flags: PlanFlags) => runPlan(flags));
}
