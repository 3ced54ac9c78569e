import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { gatherFacts } from '../../facts/index.js';
import { formatReport } from '../../verify/index.js';
import { median, runSwitchover, type MoveOutcome, type Refusal, type SwitchoverRun } from '../../ops/index.js';
import { whoAmI, type Fleet } from '../../fleet/index.js';
import { CommandExit } from '../command-error.js';
import { cliTransport, connectionOptions } from '../transport.js';
import { ExitCode } from '../exit-codes.js';
import { info, printJson, writeHuman } from '../output.js';
import { fleetFor, forksOption, inventoryOption, type FleetFlags } from '../args.js';
import type { CommandContext } from '../context.js';

interface SwitchoverFlags extends Omit<FleetFlags, 'limit'> {
  cluster?: string;
  instance?: string;
  vip?: string;
  to: string;
  json?: boolean;
  yes?: boolean;
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
}

const EXAMPLES = `
Examples:
  hafleet switchover -i inventory/ --to lb2
  hafleet switchover -i inventory/ --cluster web --instance web_51 --to lb2 --json

Moves the VIP(s) on purpose, the VRRP way: hafleet writes a number into a track_file of
keepalived (or the hafleet agent) on the directors — never stops the speaker. The directors
that would outbid the target are lowered, then the holder goes to FAULT for a moment (it sends
priority 0: the target takes over after Skew_Time, well within advert_int), then the old holder
comes back as a backup below the target, so preempt does not take the VIP back. The values are
state under /var/lib/hafleet: deploy keeps them; a switchover back to the inventory's favourite
puts them all back to 0.
An instance in a vrrp_sync_group (extra_keepalived) moves with its whole group, as keepalived
keeps them together: --instance naming one member moves them all and says so, and the checks
cover every member; the group needs sync_group_tracking_weight (without it keepalived reads the
move file's bid as FAULT: refused, with that hint).
Refused before anything changes (exit 64: the target is not a director of the instance; exit 1:
a director unreachable, the target unhealthy or in maintenance, split brain, the cluster locked
by another hafleet run — named). Measured as drill does: move time, requests through the VIP,
two holders, gratuitous ARPs. Ctrl-C mid-move puts the files back (the holder had not let go:
it keeps the VIP) or sets the planned values (it had: the target takes it); the output says which
and who holds each VIP then. A production inventory (hafleet_environment) asks unless --yes.
`;

/** `hafleet_environment: production` on any host of the fleet. */
function isProduction(fleet: Fleet): boolean {
  return fleet.hosts.some((h) => fleet.inventory.hosts.get(h)?.vars.hafleet_environment === 'production');
}

/** Ask on a production inventory, as drill does; `word` is what the user types to go on. */
export async function confirmProduction(fleet: Fleet, yes: boolean | undefined, ctx: CommandContext, what: string, word: string): Promise<void> {
  if (yes || !isProduction(fleet)) return;
  if (!ctx.stdin.isTTY) throw new CommandExit(ExitCode.failed, `this inventory is production (hafleet_environment): pass --yes to ${what} without a terminal`);
  const rl = createInterface({ input: ctx.stdin, output: ctx.stderr });
  const answer = await rl.question(`This inventory is production. ${what} moves live VIPs. Type "${word}" to go on: `);
  rl.close();
  if (answer.trim() !== word) throw new CommandExit(ExitCode.failed, `${word} cancelled`);
}

/** Refusals as lines; the exit code: 64 when the request itself is wrong, else 1. */
export function refuse(command: string, refusals: readonly Refusal[], json: boolean | undefined, extra: Record<string, unknown> = {}): never {
  if (json) printJson({ ok: false, refused: refusals, ...extra });
  for (const r of refusals) writeHuman(process.stderr, `${command} refused: ${r.message}${r.hint ? ` (hint: ${r.hint})` : ''}\n`);
  throw new CommandExit(refusals.some((r) => r.usage) ? ExitCode.usage : ExitCode.failed);
}

export function formatMove(m: MoveOutcome): string {
  const x = m.measures;
  const lines = [
    `${m.record.instance} ${m.record.vip}: ${m.plan.holder} → ${m.plan.target}  ${m.ok ? 'ok' : 'PROBLEMS'}`,
    `  moved in ${x.moveMs ?? '—'} ms (goal ≤ ${x.goalMs} ms: advert_int + 100 ms); ${m.plan.holder} released after ${x.releasedMs ?? '—'} ms`,
    `  requests through the VIP: ${x.requests.sent} sent, ${x.requests.failed} failed, slowest ${x.slowestMs} ms; two holders: ${x.twoHoldersMs ? `${x.twoHoldersMs} ms` : 'never'}; gratuitous ARPs: ${x.garpSeen}`,
    `  priorities now: ${Object.entries(m.plan.after).map(([h, p]) => `${h} ${p}`).join(', ')}`,
    ...m.problems.map((p) => `  problem: ${p}`),
  ];
  return lines.join('\n') + '\n';
}

function runJson(r: Extract<SwitchoverRun, { kind: 'ran' }>): unknown {
  return {
    ok: r.ok, cluster: r.cluster, unchanged: r.unchanged, warnings: r.warnings, notes: r.notes, ...(r.interrupted ? { interrupted: r.interrupted } : {}), ...(r.placement ? { placement: r.placement } : {}),
    medianMoveMs: median(r.moves.flatMap((m) => (m.measures.moveMs === null ? [] : [m.measures.moveMs]))),
    moves: r.moves.map((m) => ({ instance: m.record.instance, vip: m.record.vip, from: m.plan.holder, to: m.plan.target, ok: m.ok, problems: m.problems, measures: m.measures, plan: m.plan, record: m.record })),
  };
}

async function run(flags: SwitchoverFlags, ctx: CommandContext): Promise<void> {
  if (flags.instance && flags.vip) throw new CommandExit(ExitCode.usage, '--instance and --vip: give one of them');
  const { fleet, choice, forks } = fleetFor('switchover', flags, ctx, { forks: 20 });
  await confirmProduction(fleet, flags.yes, ctx, 'A switchover', 'switchover');
  const transport = cliTransport(flags, choice, ctx);
  let r: SwitchoverRun;
  try {
    r = await runSwitchover(
      { topology: fleet.topology, hosts: fleet.refs, desired: fleet.desired },
      { transport, gatherFacts, forks, to: flags.to, by: whoAmI(), log: info, signal: ctx.signal, ...(flags.cluster ? { cluster: flags.cluster } : {}), ...(flags.instance ? { instance: flags.instance } : {}), ...(flags.vip ? { vip: flags.vip } : {}) },
    );
  } finally {
    await transport.close();
  }
  if (r.kind === 'refused') {
    if (r.verify && !flags.json) writeHuman(process.stderr, formatReport(fleet.topology, r.verify));
    refuse('switchover', r.refusals, flags.json, { ...(r.lockedBy ? { lockedBy: r.lockedBy } : {}), ...(r.verify ? { verify: r.verify } : {}) });
  }
  if (flags.json) printJson(runJson(r));
  else {
    for (const m of r.moves) writeHuman(process.stdout, formatMove(m));
    for (const u of r.unchanged) writeHuman(process.stdout, `${u}: already on ${flags.to}\n`);
    for (const w of r.warnings) writeHuman(process.stdout, `warning: ${w}\n`);
    if (r.interrupted) writeHuman(process.stdout, `${r.interrupted}\n`);
    for (const [vip, hs] of Object.entries(r.placement ?? {})) writeHuman(process.stdout, `  ${vip}: ${hs.length ? hs.join(' and ') : 'nobody'}\n`);
  }
  if (!r.ok) throw new CommandExit(ExitCode.failed);
}

/** `hafleet switchover`: move VIPs on purpose, the VRRP way, measured. */
export function register(program: Command, ctx: CommandContext): void {
  connectionOptions(program
    .command('switchover')
    .description('move VIPs to a director on purpose (VRRP track_file, never stopping the speaker), measured')
    .addOption(inventoryOption())
    .requiredOption('--to <host>', 'the director that takes the VIP(s)')
    .option('--cluster <name>', "cluster (default: the one --to's host is a director of)")
    .option('--instance <name>', 'only this vrrp_instance (default: every instance of the cluster)')
    .option('--vip <address>', 'only the instance carrying this VIP')
    .option('--json', 'one JSON document on stdout: plan, measures and raw samples per instance')
    .option('-y, --yes', 'do not ask for confirmation on a production inventory')
    .addOption(forksOption('hosts probed at once by verify', 20)))
    .addHelpText('after', EXAMPLES)
    .action((flags: SwitchoverFlags) => run(flags, ctx));
}
