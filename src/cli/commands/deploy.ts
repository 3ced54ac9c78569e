import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { closingLine, hostHasChanges, maskText, renderPlanText, type Plan } from '../../plan/index.js';
import { listrProgress, plainProgress } from '../views/deploy-progress.js';
import { deploy, describeCluster, describeResult, exitCodeFor, parseSerial, recapLines, type DeployResult, type HostResult, type Serial } from '../../apply/index.js';
import { CommandExit } from '../command-error.js';
import { ExitCode } from '../exit-codes.js';
import { info, paint, printJson, useColor, writeHuman } from '../output.js';
import { printable } from '../../terminal/index.js';
import { clusterRefsOf, hostRefOf, ledgerAfterDeploy, ledgerAfterText, ledgerBeforeDeploy, sealLedgers, whoAmI } from '../../fleet/index.js';
import { refSource } from '../args.js';
import type { CommandContext } from '../context.js';
import { planOptions, preparePlan, runPlan, type PlanFlags } from './plan.js';

interface DeployFlags extends PlanFlags {
  yes?: boolean;
  serial?: string;
  maxFail?: string;
  check?: boolean;
  diff?: boolean;
  breakLock?: boolean;
  force?: boolean;
}

function serialOf(v: string | undefined): Serial | undefined {
  if (v === undefined) return undefined;
  const s = parseSerial(v);
  if (!s) throw new CommandExit(ExitCode.usage, `--serial ${v}: give a count (2) or a percentage (25%)`);
  return s;
}

function maxFailOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new CommandExit(ExitCode.usage, `--max-fail ${v}: give a whole number ≥ 0`);
  return Number(v);
}

function needsWork(p: Plan): boolean {
  return p.hosts.some((h) => hostHasChanges(h) || (h.status === 'planned' && !h.recordCurrent));
}

/** A tool's message may quote a config line: mask the fleet's secrets in everything shown. */
function maskResult(r: HostResult, secrets: readonly string[]): HostResult {
  if (r.status === 'failed') return { ...r, message: maskText(r.message, secrets), ...(r.validations ? { validations: r.validations.map((v) => ({ ...v, message: maskText(v.message, secrets) })) } : {}) };
  if (r.status === 'unreachable') return { ...r, message: maskText(r.message, secrets) };
  return r;
}

async function confirm(p: Plan, ctx: CommandContext): Promise<boolean> {
  const rl = createInterface({ input: ctx.stdin, output: ctx.stderr });
  try {
    const answer = await rl.question(`Deploy: ${p.summary.filesToChange} file(s) on ${p.summary.hostsChanged} host(s). Go ahead? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

async function runDeploy(flags: DeployFlags, ctx: CommandContext): Promise<void> {
  if (flags.check) return runPlan(flags, ctx); // Ansible's `--check --diff`
  const serial = serialOf(flags.serial);
  const maxFail = maxFailOf(flags.maxFail);
  const { fleet, forks, transport, facts, plan } = await preparePlan(flags, { validate: false, quiet: Boolean(flags.json), command: 'deploy' }, ctx);
  try {
    const color = !flags.json && useColor(process.stderr);
    if (!flags.json) process.stderr.write(renderPlanText(plan, { color }));
    if (needsWork(plan) && plan.summary.filesToChange > 0 && !flags.yes) {
      if (!ctx.stdin.isTTY || !ctx.stderr.isTTY) {
        throw new CommandExit(ExitCode.usage, 'deploy: not changing hosts without a yes: there is no terminal to ask on (hint: review with `hafleet plan`, then run `hafleet deploy --yes`)');
      }
      if (!(await confirm(plan, ctx))) throw new CommandExit(ExitCode.failed, 'deploy: not confirmed; nothing was changed');
    }
    // A realserver about to get a file the directors' ledger does not list: the ledger is made
    // incomplete on every director first (fleet/ledger.ts), or nothing is touched.
    const clusterRefs = clusterRefsOf(fleet, refSource(ctx));
    const directorRef = (h: string) => clusterRefs.get(h) ?? hostRefOf(fleet.inventory, h, refSource(ctx));
    const ledgerBefore = needsWork(plan) ? await ledgerBeforeDeploy(fleet, facts, transport, directorRef, { signal: ctx.signal }) : { tombstoned: [], writes: [] };
    if (ledgerBefore.refused) throw new CommandExit(ExitCode.unreachable, `deploy: nothing was changed: ${ledgerBefore.refused} (hint: deploy when a director is reachable)`);
    const tty = !flags.json && Boolean(ctx.stderr.isTTY) && !('CI' in ctx.env);
    const progress = flags.json ? null : tty ? listrProgress(plan.hosts.map((h) => h.host), ctx.stderr) : plainProgress(info);
    let ran: DeployResult | undefined;
    try {
      ran = await deploy(plan, fleet.desired, transport, {
        refs: fleet.refs, clusterRefs, facts, topology: fleet.topology, forks, by: whoAmI(), breakLock: Boolean(flags.breakLock), force: Boolean(flags.force),
        ...(serial ? { serial } : {}), ...(maxFail !== undefined ? { maxFail } : {}), signal: ctx.signal,
        ...(progress ? { onEvent: (e) => progress.onEvent(e.kind === 'host-done' ? { ...e, result: maskResult(e.result, fleet.secrets) } : e) } : {}),
      });
    } finally {
      // A deploy that threw after the tombstone may have placed realserver files: seal (ledger-deploy.ts).
      if (!ran && ledgerBefore.tombstoned.length) await sealLedgers(fleet, transport, directorRef);
    }
    const raw: DeployResult = ran;
    const result: DeployResult = {
      ...raw, hosts: raw.hosts.map((h) => maskResult(h, fleet.secrets)),
      clusters: raw.clusters.map((c) => ({ ...c, ...(c.reason ? { reason: maskText(c.reason, fleet.secrets) } : {}), warnings: c.warnings.map((w) => maskText(w, fleet.secrets)), rollbackFailed: c.rollbackFailed.map((f) => ({ ...f, message: maskText(f.message, fleet.secrets) })) })),
    };
    await progress?.done();
    const ledger = await ledgerAfterDeploy(fleet, facts, raw, ledgerBefore, transport, directorRef, { signal: ctx.signal });
    if (flags.json) printJson({ plan, result, ledger });
    else {
      for (const h of result.hosts) {
        if (h.status === 'failed' || h.status === 'unreachable' || h.status === 'skipped') info(paint(printable(`${h.host}: ${describeResult(h)}`, { keepOwnColour: false }), h.status === 'skipped' ? 'yellow' : 'red', color));
      }
      for (const c of result.clusters) for (const line of describeCluster(c)) info(paint(maskText(line, fleet.secrets), c.outcome === 'deployed' ? 'yellow' : 'red', color));
      const ledgerLine = ledgerAfterText(ledger);
      if (ledgerLine) info(printable(ledgerLine, { keepOwnColour: false }));
      writeHuman(process.stdout, `\nRECAP ${'*'.repeat(60)}\n${recapLines(result).join('\n')}\n`);
      info(`${closingLine(plan).replace(/^Plan:/, 'Planned:')} Took ${(result.durationMs / 1000).toFixed(1)} s.`);
    }
    const code = exitCodeFor(result);
    if (code !== 0) throw new CommandExit(code);
  } finally {
    await transport.close();
  }
}

const EXAMPLES = `
Examples:
  hafleet deploy -i inventory/hosts.yml            # shows the plan, asks, deploys
  hafleet deploy -i inventory/ --limit web --yes --serial 25% --max-fail 1
  hafleet deploy -i inventory/hosts.yml --check --diff   # same as hafleet plan

Per host: lock, temp file beside each destination, real validation, backup outside include
dirs, atomic rename, handlers once, health checks, rollback on any failure.

Per cluster: a lock is taken on EVERY director of the cluster, also those --limit leaves out,
so two deploys of one cluster never run at once (the second is refused, naming the holder).
A director that cannot be reached to take the lock refuses the cluster's deploy: run again
with --force to go on without locking it (only when you are sure no other deploy runs).
Directors go one at a time, the VIP holder last. Each director that reloaded must prove it
serves before the next starts: a real request through its nginx on every port answers (no
502/503/504 unless it did before), its VRRP speaker is neither in FAULT nor demoted, and every
VIP has one holder. If a director fails or does not prove it, the holder is not touched and
every director this deploy changed is put back on its previous files and reloaded, newest
first: the cluster ends on one config, the last that served, with one healthy VIP holder.
Exit: 0 ok, 1 a host failed (or its cluster was rolled back or locked), 4 only unreachable
hosts, 65 bad inventory.
`;

/** `hafleet deploy`: make the plan so, safely, in rolling order. */
export function register(program: Command, ctx: CommandContext): void {
  planOptions(program.command('deploy').description('apply the plan: validate, install atomically, run handlers, roll back on failure'))
    .option('-y, --yes', 'do not ask for confirmation (needed without a terminal)')
    .option('--serial <n|n%>', 'realservers per batch (count or percentage)')
    .option('--max-fail <n>', 'realserver failures tolerated before the remaining batches are skipped')
    .option('--break-lock', 'remove a lock left by an earlier deploy, per host and per cluster (check that none is running first)')
    .option('--force', 'deploy a cluster even when one of its directors cannot be reached to take the cluster lock')
    .option('--check', 'dry run: show the plan (alias of hafleet plan)')
    .option('--diff', 'with --check: show diffs (always on)')
    .option('--detailed-exitcode', 'with --check: exit 2 when there are changes')
    .option('--no-validate', 'with --check: skip validating on the hosts')
    .addHelpText('after', EXAMPLES)
    .action((flags: DeployFlags) => runDeploy(flags, ctx));
}
