import { Command, Option } from 'commander';
import type { Diagnostic } from '../../diagnostics/index.js';
import {
  DEFAULT_LAB_NAME, execInherit, findBinary, labCommand, labDown, labsRootIn, labStatus, labUp, LAB_NAME_RE, listLabs, preflight, readState, reapOrphanLabs,
  type LabEngine, type LabState, type LabStatus,
} from '../../lab/index.js';
import { CommandExit } from '../command-error.js';
import { ExitCode } from '../exit-codes.js';
import { info, paint, printDiagnostics, printJson, useColor } from '../output.js';
import type { CommandContext } from '../context.js';

const USAGE_CODES = new Set(['lab-name', 'lab-size', 'lab-engine', 'lab-user']);

function fail(ds: readonly Diagnostic[]): never {
  printDiagnostics(ds);
  throw new CommandExit(ds.some((d) => USAGE_CODES.has(d.code)) ? ExitCode.usage : ExitCode.failed);
}

function checkName(name: string): void {
  if (!LAB_NAME_RE.test(name)) fail([{ severity: 'error', code: 'lab-name', message: `lab name "${name}" is not 1–8 characters of a-z and 0-9`, where: { key: '--name' } }]);
}

/** What the lab reads of the environment, read here at the edge: where labs live and PATH. */
interface LabPlace {
  /** The labs root ($HAFLEET_LAB_ROOT, else /run/hafleet/labs). */
  labs: string;
  path: string | undefined;
}

function needsRoot(at: LabPlace): void {
  const ds = preflight(undefined, (bin) => findBinary(bin, at.path));
  if (ds.length) fail(ds);
}

async function mustState(name: string, at: LabPlace): Promise<LabState> {
  const s = await readState(name, at.labs);
  if (!s) {
    const labs = await listLabs(at.labs);
    const others = labs.length ? `labs here: ${labs.join(', ')}; or ` : '';
    fail([{ severity: 'error', code: 'lab-not-found', message: `there is no lab "${name}"`, where: { key: '--name' }, hint: `${others}create it: hafleet lab up --name ${name}` }]);
  }
  return s;
}

function int(v: string): number {
  return /^\d+$/.test(v) ? Number(v) : NaN;
}

function howTo(s: LabState): string {
  const n = s.name === DEFAULT_LAB_NAME ? '' : ` --name ${s.name}`;
  return [
    `lab ${s.name} is up: ${s.hosts.length} hosts on ${s.subnet}, VIP ${s.vips.join(', ')} (vrid ${s.vrid}, ${s.engine})`,
    ...(s.ipv6 ? [`IPv6 on: ${s.ipv6.subnet}, admin ${s.admin.address6}, VIP ${s.ipv6.vips.join(', ')}; hosts keep their IPv4 host number (${s.hosts[0]?.name} ${s.hosts[0]?.address6})`] : []),
    `inventory: ${s.inventory}`,
    'use it from the lab\'s admin namespace (no route off this machine):',
    `  hafleet lab exec${n} -- hafleet plan -i ${s.inventory}`,
    `  hafleet lab exec${n} -- hafleet deploy -i ${s.inventory} --yes`,
    `  hafleet lab exec${n} -- curl -s http://${s.vips[0]}/`,
    `  hafleet lab exec${n} --host ${s.hosts[0]?.name ?? 'lb1'} -- sh      # a shell on a host`,
    `  hafleet lab status${n}; hafleet lab down${n}`,
    'lab hosts have no systemd: the inventory sets service_manager: direct (daemons are signalled via their pid files)',
  ].join('\n');
}

function printStatus(st: LabStatus): void {
  const color = useColor(process.stdout);
  const lines = [`lab ${st.name} (${st.state}) ${st.subnet} bridge ${st.bridge} admin ${st.admin.address} engine ${st.engine} vrid ${st.vrid}`,
    `inventory ${st.inventory}`];
  if (st.ipv6) lines.push(`ipv6 ${st.ipv6.subnet} admin ${st.admin.address6 ?? '-'}`);
  for (const vip of [...st.vips, ...(st.ipv6?.vips ?? [])]) {
    const holders = st.vipHolders[vip] ?? [];
    const who = holders.length === 0 ? paint('nobody', 'yellow', color) : holders.length > 1 ? paint(`${holders.join(', ')} (split brain)`, 'red', color) : paint(holders[0]!, 'green', color);
    lines.push(`VIP ${vip} held by ${who}`);
  }
  lines.push('');
  // The address6 column only in a lab with IPv6: the table of an ordinary lab stays as it was.
  const v6 = (a: string | undefined) => (st.ipv6 ? (a ?? '-').padEnd(20) : '');
  lines.push(`${'host'.padEnd(8)}${'role'.padEnd(11)}${'address'.padEnd(16)}${v6('address6')}${'state'.padEnd(6)}processes`);
  for (const h of st.hosts) {
    const procs = Object.entries(h.processes).map(([n, p]) => `${n}(${p.join(',')})`).join(' ') || '-';
    const extra = h.extraAddresses.length ? ` +${h.extraAddresses.join(' +')}` : '';
    lines.push(`${h.name.padEnd(8)}${h.role.padEnd(11)}${h.address.padEnd(16)}${v6(h.address6)}${(h.up ? 'up' : paint('DOWN', 'red', color)).padEnd(6)}${procs}${extra}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

export function register(program: Command, ctx: CommandContext): void {
  const lab = program.command('lab').description('a local fleet in network namespaces: up, down, status, exec');
  const at: LabPlace = { labs: labsRootIn(ctx.env), path: ctx.env.PATH };
  const nameOpt = () => new Option('--name <name>', 'lab name, 1–8 of a-z0-9').default(DEFAULT_LAB_NAME);

  lab.command('up').description('create a lab: directors, realservers, an admin namespace, keys and an inventory')
    .addOption(nameOpt())
    .option('--directors <n>', 'directors (lb1, lb2, …)', '2')
    .option('--realservers <n>', 'realservers (web1, web2, …)', '2')
    .addOption(new Option('--engine <engine>', 'VRRP engine written into the inventory').choices(['keepalived', 'agent']).default('keepalived'))
    .option('--forks <n>', 'hosts created at once', '8')
    .addOption(new Option('--user <user>', 'ansible_user of the inventory: root, or the non-root hafleet with become (sudo)').choices(['root', 'hafleet']).default('root'))
    .option('--ipv6', 'keep IPv6 on (no DAD, no router solicitations): link-local, and 2001:2:0:<index hex>::/64 from the benchmarking prefix 2001:2::/48 (lb1 …::11, VIP …::100); default: IPv6 disabled')
    .option('--bastion', 'add a jump host (an sshd only): SSH from the admin namespace reaches only it, and the inventory reaches the fleet through it (-o ProxyJump)')
    .action(async (o: { name: string; directors: string; realservers: string; engine: LabEngine; forks: string; user: string; ipv6?: boolean; bastion?: boolean }) => {
      const started = performance.now();
      const r = await labUp({
        name: o.name, directors: int(o.directors), realservers: int(o.realservers), engine: o.engine, user: o.user, ipv6: o.ipv6,
        ...(o.bastion ? { bastion: true } : {}),
        forks: Math.max(1, int(o.forks) || 8), signal: ctx.signal, onProgress: info, labsRoot: at.labs, ...(at.path !== undefined ? { path: at.path } : {}),
      });
      if (!r.ok) fail(r.diagnostics);
      info(howTo(r.value));
      info(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
      process.stdout.write(r.value.inventory + '\n');
    });

  lab.command('down').description('remove a lab: its processes, namespaces, links and files (safe to repeat)')
    .addOption(nameOpt())
    .option('--orphans', 'instead: remove every lab whose owning test process has ended')
    .action(async (o: { name: string; orphans?: boolean }) => {
      checkName(o.name);
      needsRoot(at);
      if (o.orphans) {
        const gone = await reapOrphanLabs(undefined, at.labs);
        info(gone.length ? `removed ${gone.length} orphaned lab(s): ${gone.join(', ')}` : 'no orphaned labs');
        return;
      }
      const r = await labDown(o.name, at.labs);
      if (r.remaining.length) {
        fail([{ severity: 'error', code: 'lab-down-incomplete', message: `lab ${o.name}: still present after down: ${r.remaining.join(', ')}`, where: {}, hint: 'a process may be stuck; run hafleet lab down again in a moment' }]);
      }
      info(r.found ? `lab ${o.name} removed (${r.killed.length} processes, ${r.netns.length} namespaces, ${r.links.length} links)` : `lab ${o.name}: nothing to remove`);
    });

  lab.command('status').description('hosts, addresses, processes and who holds each VIP')
    .addOption(nameOpt())
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { name: string; json?: boolean }) => {
      checkName(o.name);
      const st = await labStatus(o.name, at.labs);
      if (!st) await mustState(o.name, at);
      if (o.json) printJson(st);
      else printStatus(st!);
    });

  lab.command('exec').description('run a command in the lab\'s admin namespace, or on a host with --host')
    .addOption(nameOpt())
    .option('--host <host>', 'a lab host (lb1, web1, …) instead of the admin namespace')
    .argument('<command...>', 'the command, after --')
    .action(async (argv: string[], o: { name: string; host?: string }) => {
      checkName(o.name);
      needsRoot(at);
      const s = await mustState(o.name, at);
      const c = labCommand(s, o.host, argv);
      if (!c.ok) fail(c.diagnostics);
      const code = await execInherit(c.value.cmd, c.value.args, ctx.signal);
      process.exitCode = code; // the command's own exit code, as ssh and kubectl exec do
    });
}
