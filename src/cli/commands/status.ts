import type { Command } from 'commander';
import { gatherFacts } from '../../facts/index.js';
import { createStatusSource, frameLines, gatherStatus, runWatch, statusExitCode, statusRows, type StatusSnapshot, type StatusTarget } from '../../status/index.js';
import { CommandExit } from '../command-error.js';
import { cliTransport, connectionOptions } from '../transport.js';
import { ExitCode } from '../exit-codes.js';
import { info, printJson, writeHuman } from '../output.js';
import { fleetFor, forksOption, inventoryOption, limitOption, type FleetFlags } from '../args.js';
import type { CommandContext } from '../context.js';
import { serveExitCode, serveOptionsFrom, serveStatus } from '../../status/index.js';
import { printDiagnostics } from '../output.js';

export interface StatusFlags extends FleetFlags {
  json?: boolean;
  /** true (bare --watch: every 2 s) or the seconds given. */
  watch?: boolean | string;
  timeout?: string;
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
  /** true (bare --serve: 127.0.0.1:9180) or ADDR:PORT. */
  serve?: boolean | string;
  token?: string;
  realserverEvery?: string;
}

const EXAMPLES = `
Examples:
  hafleet status -i inventory/hosts.yml
  hafleet status -i inventory/ --watch          # redraw every 2 s like top; q or Ctrl-C quits
  hafleet status -i inventory/ --watch 5 --json # one JSON snapshot per line, every 5 s
  hafleet status -i inventory/ --json | jq '.vips[] | {vip, holder}'
  hafleet status -i inventory/ --serve 127.0.0.1:9180   # live page, /status.json, /metrics for Prometheus

One screen, cluster → instance → VIP: the holder (by the addresses on the directors), each
member's VRRP state and effective priority (base ± track weights), its tracked scripts,
interfaces and files (hafleet's switchover and maintenance files among them) with their state,
the maintenance flag, the last transition with its time and cause (the agent's record,
keepalived's log, else what this view saw around the change), a request through each VIP from
here (latency), drift since the last deploy. One remote command per host per round over connections kept open for the whole watch
(realservers every --realserver-every rounds: their files change by deploy, not by the second).
A host that does not answer within --timeout is shown unreachable for that round; a host whose
key changed is shown as refused (never accepted).
--watch marks rows changed since the last frame with '*' (bold in colour); NO_COLOR turns
colour off, TERM=dumb or a non-terminal stdout prints frames one after the other.

Exit status (without --watch): 0 every VIP has exactly one holder and every host answered;
1 a VIP has no holder or more than one (split brain); 4 only some hosts were unreachable;
64 usage (a bad flag, a non-loopback --serve without a token), 65 bad inventory. With --watch
or --serve: 0 when quit with q or Ctrl-C; --serve on an address in use (or not this host's): 1.
`;

function seconds(flag: string, what: string, min: number): number {
  const n = Number(flag);
  if (!/^\d+(\.\d+)?$/.test(flag) || !(n >= min)) throw new CommandExit(ExitCode.usage, `${what} ${flag}: give a number of seconds ≥ ${min}`);
  return n;
}

function rounds(flag: string): number {
  if (!/^\d+$/.test(flag) || Number(flag) < 1 || Number(flag) > 1000) throw new CommandExit(ExitCode.usage, `--realserver-every ${flag}: give a whole number of rounds from 1 to 1000`);
  return Number(flag);
}

async function run(flags: StatusFlags, ctx: CommandContext): Promise<void> {
  const intervalSec = flags.watch === undefined || flags.watch === false ? null : flags.watch === true ? 2 : seconds(flags.watch, '--watch', 0.5);
  const timeoutSec = flags.timeout !== undefined ? seconds(flags.timeout, '--timeout', 0.5) : intervalSec !== null ? Math.max(4, intervalSec) : 10;
  const serve = flags.serve === undefined || flags.serve === false ? null : serveOptionsFrom(flags.serve, flags.token, ctx.env);
  if (serve && !serve.ok) {
    printDiagnostics(serve.diagnostics, ctx.stderr);
    throw new CommandExit(ExitCode.usage);
  }
  const realserverEveryRounds = flags.realserverEvery === undefined ? 5 : rounds(flags.realserverEvery);
  const { fleet, choice, forks } = fleetFor('status', flags, ctx, { forks: 20, needHosts: true });
  const transport = cliTransport(flags, choice, ctx);
  const target: StatusTarget = { topology: fleet.topology, hosts: fleet.refs, desired: fleet.desired };
  const gather = { transport, gatherFacts, forks, hostTimeoutMs: timeoutSec * 1000, realserverEveryRounds };
  if (serve) {
    // --serve runs rounds like --watch (every SECONDS, default 2) and serves each snapshot.
    const everySec = intervalSec ?? 2;
    const source = createStatusSource(target, { ...gather, hostTimeoutMs: (flags.timeout !== undefined ? timeoutSec : Math.max(4, everySec)) * 1000, intervalMs: everySec * 1000, signal: ctx.signal });
    try {
      const r = await serveStatus(source, { ...serve.value, signal: ctx.signal });
      if (!r.ok) {
        printDiagnostics(r.diagnostics, ctx.stderr);
        throw new CommandExit(serveExitCode(r.diagnostics));
      }
      info(`serving ${r.value.url} (page, /events, /status.json, /metrics) for ${fleet.hosts.length} host(s), a round every ${everySec} s; Ctrl-C stops`);
      await r.value.closed;
    } finally {
      await source.close();
    }
    return;
  }
  if (intervalSec === null) {
    let snap: StatusSnapshot;
    try {
      snap = await gatherStatus(target, { ...gather, signal: ctx.signal });
    } finally {
      await transport.close();
    }
    if (flags.json) printJson(snap);
    else writeHuman(ctx.stdout, frameLines(statusRows(snap), new Set(), { color: false }).join('\n') + '\n');
    const code = statusExitCode(snap);
    if (code !== ExitCode.ok) throw new CommandExit(code);
    return;
  }
  const tty = Boolean(ctx.stdout.isTTY) && ctx.env.TERM !== 'dumb';
  const source = createStatusSource(target, { ...gather, intervalMs: intervalSec * 1000, signal: ctx.signal });
  if (!tty && !flags.json) info(`watching ${fleet.hosts.length} host(s) every ${intervalSec} s; Ctrl-C quits`);
  try {
    await runWatch({
      source, out: ctx.stdout, inPlace: tty && !flags.json, color: tty && !flags.json && !('NO_COLOR' in ctx.env),
      json: Boolean(flags.json), intervalSec, signal: ctx.signal,
      ...(ctx.stdin.isTTY ? { input: ctx.stdin } : {}),
    });
  } finally {
    await source.close();
  }
}

/** `hafleet status`: the fleet at a glance, once or live. */
export function register(program: Command, ctx: CommandContext): void {
  connectionOptions(program
    .command('status')
    .description('who holds every VIP, VRRP state and priority, tracks, last transition, probe latency and drift; once or live (--watch)')
    .addOption(inventoryOption())
    .addOption(limitOption("'lb*'"))
    .option('--json', 'the snapshot as one JSON document (with --watch: one JSON line per snapshot)')
    .option('-w, --watch [seconds]', 'redraw every SECONDS (default 2) until q or Ctrl-C, keeping SSH connections open')
    .option('--serve [addr:port]', 'serve a live page (/), /events, /status.json and /metrics on ADDR:PORT until Ctrl-C (default 127.0.0.1:9180; read-only; a round every --watch SECONDS, default 2)')
    .option('--token <token>', 'with --serve: every request must carry it (Authorization: Bearer, or ?token= for the page); required off loopback; default $HAFLEET_STATUS_TOKEN')
    .option('--timeout <seconds>', 'a host that has not answered by then is shown unreachable for the round (default: 10, with --watch max(4, SECONDS))')
    .option('--realserver-every <rounds>', 'read realservers (hosts that direct no cluster: only their drift and whether they answer is shown) every ROUNDS rounds, staggered, and every round after a failed read; directors are read every round (default 5: every 10 s at --watch 2; 1: every host every round)')
    .addOption(forksOption('hosts read at once', 20)))
    .addHelpText('after', EXAMPLES)
    .action((flags: StatusFlags) => run(flags, ctx));
}
