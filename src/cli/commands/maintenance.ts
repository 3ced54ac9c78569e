import type { Command } from 'commander';
import { gatherFacts } from '../../facts/index.js';
import { formatReport } from '../../verify/index.js';
import { formatStates, listStates, runMaintenance, runRealserverMaintenance, runRolling, type MaintenanceRun, type RealserverRun, type RollingRun } from '../../ops/index.js';
import { whoAmI } from '../../fleet/index.js';
import { shq } from '../../drill/index.js';
import { CommandExit } from '../command-error.js';
import { cliTransport, connectionOptions } from '../transport.js';
import { ExitCode } from '../exit-codes.js';
import { info, printJson, writeHuman } from '../output.js';
import { fleetFor, forksOption, inventoryOption, limitOption, type FleetFlags } from '../args.js';
import type { CommandContext } from '../context.js';
import { confirmProduction, refuse } from './switchover.js';

interface MaintenanceFlags extends FleetFlags {
  list?: boolean;
  rolling?: boolean;
  backTimeout?: string;
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
  hafleet maintenance -i inventory/ --list
  hafleet maintenance -i inventory/ --rolling --limit 'lb*' -- apt-get -y upgrade nginx

A director in maintenance holds no VIP: a flag file under /var/lib/hafleet that keepalived (or
the hafleet agent) tracks puts every instance on it in FAULT — a holder sends priority 0 and
the best backup takes over after Skew_Time. The flag is state on the host, not config: it
survives a speaker restart, a reboot and a deploy, and every admin box sees it. off clears it;
the director comes back as a backup and takes its VIPs back if preempt says so.
Refused when no other healthy director would hold the VIPs, or the cluster is locked by another
hafleet run (named). A vrrp_sync_group moves whole (keepalived FAULTs every member); without
sync_group_tracking_weight its successor cannot bid, so the move takes Skew_Time at its priority. A production inventory (hafleet_environment) asks unless --yes.
--rolling runs COMMAND on each realserver of --limit in turn (drained meanwhile), then on each
director (VIP holders last): maintenance on,
COMMAND over SSH as root (when it reboots the host, the host is waited for: --back-timeout),
maintenance off, verify passes again, next. It stops at the first failure with the fleet still
serving (the failed host stays in maintenance) and says where it stopped and how to resume.
A realserver in maintenance is drained: its flag (the same file, on the realserver) makes every
director that sends to it render it \`down\` in its nginx upstreams (weight 0 in LVS virtual_servers);
the directors are deployed as \`deploy\` does (nginx -t, atomic write, graceful reload, one at a
time, rollback on failure) under the cluster lock, then hafleet waits until their old nginx
workers have finished the requests they carried (--drain-timeout, default 120 s). Every later
plan and deploy reads the flag and keeps it drained. Refused when it is the last realserver in
service of a service.
`;

function formatRun(r: Extract<MaintenanceRun, { kind: 'ran' }>): string {
  const lines = [`${r.host}: maintenance ${r.on ? 'on' : 'off'}${r.unchanged ? ' (already)' : ''}  ${r.ok ? 'ok' : 'PROBLEMS'}`];
  if (r.move) {
    const x = r.move.measures;
    lines.push(`  ${r.move.record.vip} moved off ${r.host} in ${x.moveMs ?? '—'} ms; requests through it: ${x.requests.sent} sent, ${x.requests.failed} failed; two holders: ${x.twoHoldersMs ? `${x.twoHoldersMs} ms` : 'never'}`);
  }
  for (const [vip, h] of Object.entries(r.placement)) lines.push(`  ${vip}: ${h ?? 'no single holder'}`);
  for (const p of r.problems) lines.push(p === r.interrupted ? `  ${p}` : `  problem: ${p}`);
  return lines.join('\n') + '\n';
}

function formatRealserver(r: Extract<RealserverRun, { kind: 'ran' }>): string {
  const lines = [`${r.host}: maintenance ${r.on ? 'on (drained)' : 'off (in service)'}${r.unchanged ? ' (flag already so)' : ''}  ${r.ok ? 'ok' : 'PROBLEMS'}`];
  lines.push(r.reloaded.length ? `  directors reloaded: ${r.reloaded.join(', ')}` : '  directors already in line: nothing reloaded');
  if (r.on && r.drainMs !== null) lines.push(`  in-flight requests to ${r.host} finished ${r.drainMs} ms after the reloads began`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  for (const p of r.problems) lines.push(`  problem: ${p}`);
  return lines.join('\n') + '\n';
}

function formatRolling(r: RollingRun): string {
  const lines = r.steps.flatMap((s) => [`${s.host}: ${s.outcome}: ${s.note}${s.moveMs !== undefined ? ` (VIP moved in ${s.moveMs ?? '—'} ms, ${s.failedRequests ?? 0} failed requests)` : ''}`, ...(s.problems ?? []).map((p) => `  problem: ${p}`)]);
  if (r.stopped) lines.push(`stopped at ${r.stopped.host}: ${r.stopped.why}`, `to resume: ${r.stopped.resume}`);
  else lines.push('rolling maintenance done');
  return lines.join('\n') + '\n';
}

/** --drain-timeout as the ops options want it (absent: their default). */
function drainTimeoutOf(flags: MaintenanceFlags): { drainTimeoutSec?: number } {
  const drain = flags.drainTimeout === undefined ? undefined : Number(flags.drainTimeout);
  if (drain !== undefined && !(drain > 0)) throw new CommandExit(ExitCode.usage, `--drain-timeout ${flags.drainTimeout}: a number of seconds above 0`);
  return drain ? { drainTimeoutSec: drain } : {};
}

async function rolling(words: string[], flags: MaintenanceFlags, ctx: CommandContext): Promise<void> {
  if (!words.length) throw new CommandExit(ExitCode.usage, 'maintenance --rolling: give the command after --, e.g. -- apt-get -y upgrade');
  if (flags.limit === undefined) throw new CommandExit(ExitCode.usage, 'maintenance --rolling: say which hosts with --limit');
  const back = flags.backTimeout === undefined ? undefined : Number(flags.backTimeout);
  if (back !== undefined && !(back > 0)) throw new CommandExit(ExitCode.usage, `--back-timeout ${flags.backTimeout}: a number of seconds above 0`);
  const { fleet, choice, forks } = fleetFor('maintenance', flags, ctx, { forks: 20, needHosts: true });
  // Verify and the moves look at the whole fleet; --limit only says whose turn it is.
  const whole = fleetFor('maintenance', { ...flags, limit: undefined }, ctx, { forks: 20 }).fleet;
  await confirmProduction(fleet, flags.yes, ctx, 'Rolling maintenance', 'maintenance');
  const transport = cliTransport(flags, choice, ctx);
  let r: RollingRun;
  try {
    // One shell line: the words as the user gave them after --, each quoted.
    const command = words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : shq(w))).join(' ');
    r = await runRolling(
      { topology: whole.topology, hosts: whole.refs, desired: whole.desired },
      { transport, gatherFacts, forks, hosts: fleet.hosts, command, by: whoAmI(), log: info, signal: ctx.signal, fleet: whole, ...(back ? { backTimeoutSec: back } : {}), ...drainTimeoutOf(flags) },
    );
  } finally {
    await transport.close();
  }
  if (flags.json) printJson(r);
  else writeHuman(process.stdout, formatRolling(r));
  if (!r.ok) throw new CommandExit(ExitCode.failed);
}

/** `--list`: every director's flag (who, when, why) and move values, as the hosts' files say. */
async function list(flags: MaintenanceFlags, ctx: CommandContext): Promise<void> {
  const { fleet, choice } = fleetFor('maintenance', flags, ctx, { forks: 20 });
  const transport = cliTransport(flags, choice, ctx);
  try {
    const states = await listStates(transport, fleet.topology, fleet.refs, ctx.signal);
    if (flags.json) printJson({ directors: states });
    else writeHuman(process.stdout, formatStates(states));
    if (states.some((d) => !d.read)) throw new CommandExit(ExitCode.unreachable);
  } finally {
    await transport.close();
  }
}

async function run(words: string[], flags: MaintenanceFlags, ctx: CommandContext): Promise<void> {
  if (flags.list) {
    if (words.length || flags.rolling) throw new CommandExit(ExitCode.usage, 'maintenance --list takes no host, state or command');
    return list(flags, ctx);
  }
  if (flags.rolling) return rolling(words, flags, ctx);
  const [host, state, ...extra] = words;
  if (!host || !state || extra.length) throw new CommandExit(ExitCode.usage, 'maintenance HOST on|off (or --rolling --limit P -- COMMAND…)');
  if (flags.limit !== undefined) throw new CommandExit(ExitCode.usage, '--limit goes with --rolling; maintenance HOST on|off names its host');
  if (state !== 'on' && state !== 'off') throw new CommandExit(ExitCode.usage, `maintenance ${host} ${state}: say on or off`);
  const drain = drainTimeoutOf(flags);
  const { fleet, choice, forks } = fleetFor('maintenance', flags, ctx, { forks: 20 });
  await confirmProduction(fleet, flags.yes, ctx, 'Maintenance', 'maintenance');
  const transport = cliTransport(flags, choice, ctx);
  const roles = fleet.topology.roles.get(host);
  if (roles?.has('realserver') && !roles.has('director')) {
    let rs: RealserverRun;
    try {
      rs = await runRealserverMaintenance(fleet, { transport, forks, host, on: state === 'on', by: whoAmI(), log: info, ...(ctx.signal ? { signal: ctx.signal } : {}), ...(flags.reason ? { reason: flags.reason } : {}), ...drain });
    } finally {
      await transport.close();
    }
    if (rs.kind === 'refused') refuse('maintenance', rs.refusals, flags.json, { ...(rs.lockedBy ? { lockedBy: rs.lockedBy } : {}) });
    if (flags.json) printJson(rs);
    else writeHuman(process.stdout, formatRealserver(rs));
    if (!rs.ok) throw new CommandExit(ExitCode.failed);
    return;
  }
  let r: MaintenanceRun;
  try {
    r = await runMaintenance(
      { topology: fleet.topology, hosts: fleet.refs, desired: fleet.desired },
      { transport, gatherFacts, forks, host, on: state === 'on', by: whoAmI(), log: info, signal: ctx.signal, ...(flags.reason ? { reason: flags.reason } : {}), ...drain },
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

/** `hafleet maintenance HOST on|off` and `--rolling`: take directors out of VIP duty, and back. */
export function register(program: Command, ctx: CommandContext): void {
  connectionOptions(program
    .command('maintenance')
    .usage('[options] HOST on|off  |  --list  |  --rolling --limit P -- COMMAND…')
    .description('take a director out of VIP duty, or drain a realserver from every director (it stays out across restarts and deploys), or bring it back; --rolling: one host at a time around a command')
    .argument('[words...]', 'HOST on|off, or with --rolling the command after --')
    .addOption(inventoryOption())
    .addOption(limitOption("'lb*'"))
    .option('--list', "every director's maintenance flag (who, when, why) and switchover values, as the hosts say")
    .option('--rolling', 'each host of --limit in turn: maintenance on, the command, maintenance off, verify')
    .option('--back-timeout <s>', 'rolling: how long a host may take to answer again after the command (a reboot); default 600')
    .option('--drain-timeout <s>', 'director: how long to wait for the VIPs to leave (on) or settle (off), default 2 × Master_Down_Interval + 5 s; realserver: for in-flight requests to finish, default 120 s')
    .option('--reason <text>', 'why (stored on the host beside the flag)')
    .option('--json', 'one JSON document on stdout')
    .option('-y, --yes', 'do not ask for confirmation on a production inventory')
    .addOption(forksOption('hosts probed at once by verify', 20)))
    .addHelpText('after', EXAMPLES)
    .action((words: string[], flags: MaintenanceFlags) => run(words, flags, ctx));
}
