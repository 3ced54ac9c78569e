import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { gatherFacts } from '../../facts/index.js';
import { formatReport } from '../../verify/index.js';
import { FAULT_KINDS, faultNamesHelp, formatOutcome, parseFaultList, reportHtml, runDrill, type DrillRun, type FaultKind } from '../../drill/index.js';
import { CommandExit } from '../command-error.js';
import { cliTransport, connectionOptions } from '../transport.js';
import { ExitCode } from '../exit-codes.js';
import { info, printJson, writeHuman } from '../output.js';
import { serviceManagerOf, type Fleet } from '../../fleet/index.js';
import { fleetFor, forksOption, inventoryOption, type FleetFlags } from '../args.js';
import type { CommandContext } from '../context.js';

interface DrillFlags extends Omit<FleetFlags, 'limit'> {
  cluster?: string;
  fault: string;
  json?: boolean;
  report?: string;
  yes?: boolean;
  instance?: string;
  vip?: string;
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
}

const EXAMPLES = `
Examples:
  hafleet drill -i inventory/hosts.yml --fault stop-keepalived
  hafleet drill -i inventory/ --cluster web --fault all --report drill.html
  hafleet drill -i inventory/ --cluster web --vip 198.18.1.100 --fault switchover
  hafleet drill -i inventory/ --fault kill-keepalived --json | jq '.outcomes[0].measures'

Faults: ${faultNamesHelp()}.
stop-keepalived / kill-keepalived act on the director's VRRP speaker: keepalived, or the
hafleet agent on vrrp_engine: agent directors (SIGTERM: priority-0 advert; SIGKILL: silence).
A cluster with several instances (dual-master) is drilled instance by instance; the report
shows every VIP. --fault switchover drills a planned move (the holder releases, the speaker
keeps running) beside the failures.
The drill refuses to start unless verify passes, always restores (on error and on Ctrl-C
too) and runs verify again at the end. An inventory with hafleet_environment: production
asks for confirmation unless --yes.
Exit 0 when every fault behaved as the HA model says and the fleet is healthy afterwards.
`;

function faultsOf(v: string): FaultKind[] {
  const { faults, unknown } = parseFaultList(v);
  if (unknown.length || !faults.length) throw new CommandExit(ExitCode.usage, `--fault ${unknown.join(',') || v}: unknown fault (known: ${faultNamesHelp()})`);
  return faults;
}

/** `hafleet_environment: production` on any host of the fleet. */
function isProduction(fleet: Fleet): boolean {
  return fleet.hosts.some((h) => fleet.inventory.hosts.get(h)?.vars.hafleet_environment === 'production');
}

async function confirm(fleet: Fleet, flags: DrillFlags, ctx: CommandContext): Promise<void> {
  if (flags.yes || !isProduction(fleet)) return;
  if (!ctx.stdin.isTTY) throw new CommandExit(ExitCode.failed, 'this inventory is production (hafleet_environment): pass --yes to drill it without a terminal');
  const rl = createInterface({ input: ctx.stdin, output: ctx.stderr });
  const answer = await rl.question(`This inventory is production. A drill fails over live VIPs. Type "drill" to go on: `);
  rl.close();
  if (answer.trim() !== 'drill') throw new CommandExit(ExitCode.failed, 'drill cancelled');
}

function runJson(r: Extract<DrillRun, { kind: 'ran' }>): unknown {
  return {
    ok: r.ok, cluster: r.cluster, ...(r.stoppedEarly ? { stoppedEarly: r.stoppedEarly } : {}), skipped: r.skipped,
    outcomes: r.outcomes.map((o) => ({ fault: o.record.fault, target: o.record.target, master: o.record.master, ok: o.ok, problems: o.problems, measures: o.measures, timeline: o.timeline, record: o.record })),
    verifyBefore: r.verifyBefore, verifyAfter: r.verifyAfter,
  };
}

async function run(flags: DrillFlags, ctx: CommandContext): Promise<void> {
  const faults = faultsOf(flags.fault);
  const { fleet, choice, forks } = fleetFor('drill', flags, ctx, { forks: 20 });
  await confirm(fleet, flags, ctx);
  const transport = cliTransport(flags, choice, ctx);
  let r: DrillRun;
  try {
    r = await runDrill(
      { topology: fleet.topology, hosts: fleet.refs, desired: fleet.desired },
      { transport, gatherFacts, forks, faults, log: info, serviceManager: (h) => serviceManagerOf(fleet.inventory, h), ...(flags.cluster ? { cluster: flags.cluster } : {}), ...(flags.instance ? { instance: flags.instance } : {}), ...(flags.vip ? { vip: flags.vip } : {}), signal: ctx.signal },
    );
  } finally {
    await transport.close();
  }
  if (r.kind === 'refused') {
    if (r.verify) writeHuman(process.stderr, formatReport(fleet.topology, r.verify));
    if (flags.json) printJson({ ok: false, refused: r.reason, ...(r.verify ? { verify: r.verify } : {}) });
    throw new CommandExit(ExitCode.failed, `drill refused: ${r.reason}`);
  }
  if (flags.report) {
    writeFileSync(flags.report, reportHtml(r.outcomes, `hafleet drill: cluster ${r.cluster}`));
    info(`report written to ${flags.report}`);
  }
  if (flags.json) printJson(runJson(r));
  else {
    for (const o of r.outcomes) writeHuman(process.stdout, formatOutcome(o) + '\n');
    for (const s of r.skipped) writeHuman(process.stdout, `skipped ${s.fault} on ${s.instance}: ${s.reason}\n`);
    if (r.stoppedEarly) writeHuman(process.stdout, `stopped early: ${r.stoppedEarly}\n`);
    process.stdout.write(`verify after the drill: ${r.verifyAfter.ok ? 'passed' : 'FAILED'}\n`);
    if (!r.verifyAfter.ok) writeHuman(process.stdout, formatReport(fleet.topology, r.verifyAfter));
  }
  if (!r.ok) throw new CommandExit(ExitCode.failed);
}

/** `hafleet drill`: fault → observe → restore, with a timeline and measured failover times. */
export function register(program: Command, ctx: CommandContext): void {
  connectionOptions(program
    .command('drill')
    .description('failover drill: inject a fault, measure the failover, always restore')
    .addOption(inventoryOption())
    .option('--cluster <name>', 'cluster to drill (default: the first with two directors)')
    .option('--instance <name>', 'drill this VRRP instance only (default: every instance of the cluster, in turn)')
    .option('--vip <address>', 'drill the instance that carries this VIP only')
    .option('--fault <fault>', `${FAULT_KINDS.join(' | ')} | all (comma-separated list allowed)`, 'all')
    .option('--json', 'one JSON document on stdout: measures, timelines, raw samples, verify before/after')
    .option('--report <file>', 'write a self-contained HTML report with charts')
    .option('-y, --yes', 'do not ask for confirmation on a production inventory')
    .addOption(forksOption('hosts probed at once by verify', 20)))
    .addHelpText('after', EXAMPLES)
    .action((flags: DrillFlags) => run(flags, ctx));
}
