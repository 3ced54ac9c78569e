import type { Command } from 'commander';
import { error, hasErrors, warning, type Diagnostic } from '../../diagnostics/index.js';
import { hostRefOf } from '../../fleet/index.js';
import { buildImport, hostsInFolder, readHosts, snapshotFromFiles, writeImportDir, type HostSnapshot } from '../../import/index.js';
import { loadInventory, selectHosts } from '../../inventory/index.js';
import { isSafeName } from '../../topology/index.js';
import { forksFrom, inventoryOption, limitOption, refSource } from '../args.js';
import { CommandExit } from '../command-error.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { inventoryFor } from '../inventory-source.js';
import { info, printDiagnostics } from '../output.js';
import { cliTransport, connectionOptions, type ConnectionFlags } from '../transport.js';

interface ImportFlags extends ConnectionFlags {
  inventory?: string[];
  limit?: string;
  out?: string;
  fromFiles?: string;
  allowPartial?: boolean;
  forks?: string;
}

const EXAMPLES = `
Examples:
  hafleet import -i hosts.yml --out adopted/
  hafleet import -i hosts.yml --from-files copies/ --out adopted/   # copies/lb1/etc/keepalived/…

Reads keepalived.conf (with its includes), the scripts it runs, nginx -T, the ARP sysctls and
realserver lo scripts from every host, read-only (nothing is written on a host), and writes an
inventory that reproduces the fleet as it behaves today. Pitfalls are reported, never fixed.
Exit 0; 1 when something could not be kept (unless --allow-partial); 4 when hosts were unreachable.
`;

async function run(flags: ImportFlags, ctx: CommandContext): Promise<void> {
  if (!flags.out) throw new CommandExit(ExitCode.usage, 'hafleet import: pass --out DIR to say where the inventory goes');
  const choice = inventoryFor('import', flags.inventory, { connects: !flags.fromFiles });
  const inv = loadInventory(choice.sources, ctx.env, choice.load);
  printDiagnostics(inv.diagnostics);
  if (!inv.ok) throw new CommandExit(ExitCode.badInventory);
  let names = [...inv.value.hosts.keys()];
  if (flags.limit !== undefined) {
    const sel = selectHosts(inv.value, flags.limit);
    printDiagnostics(sel.diagnostics);
    if (!sel.ok) throw new CommandExit(ExitCode.badInventory);
    names = sel.value;
  }
  const ds: Diagnostic[] = [];
  for (const n of names) if (!isSafeName(n)) ds.push(error('host-name', `host ${JSON.stringify(n)} is not a safe name`, { host: n }, 'rename it and put its address in ansible_host'));
  if (hasErrors(ds)) { printDiagnostics(ds); throw new CommandExit(ExitCode.badInventory); }
  const snaps: HostSnapshot[] = [];
  let unreachable = 0;
  if (flags.fromFiles) {
    const present = new Set(hostsInFolder(flags.fromFiles));
    for (const n of names) {
      if (present.has(n)) snaps.push(snapshotFromFiles(flags.fromFiles, n));
      else ds.push(warning('import-no-copies', `${flags.fromFiles}/${n} does not exist`, { host: n }, 'one sub-folder per host, laid out as on the host'));
    }
  } else {
    const transport = cliTransport(flags, {}, ctx);
    const refs = names.map((n) => hostRefOf(inv.value, n, refSource(ctx)));
    try {
      info(`reading ${refs.length} host(s), read-only…`);
      const reads = await readHosts(transport, refs, { forks: forksFrom(flags.forks, choice, 50), signal: ctx.signal });
      for (const r of reads) {
        if (r.ok) snaps.push(r.snapshot);
        else {
          if (r.unreachable) unreachable++;
          ds.push(error(r.unreachable ? 'host-unreachable' : 'import-read-failed', r.message, { host: r.host }, r.hint ?? 'the other hosts are imported'));
        }
      }
    } finally {
      await transport.close();
    }
  }
  const hosts = names.map((n) => ({ name: n, address: String(inv.value.hosts.get(n)?.vars['ansible_host'] ?? n) }));
  const result = buildImport(snaps, hosts);
  ds.push(...result.diagnostics);
  const cannotKeep = result.diagnostics.filter((d) => d.severity === 'error');
  if (cannotKeep.length && !flags.allowPartial) {
    printDiagnostics(ds);
    throw new CommandExit(ExitCode.failed, 'hafleet import: nothing written; what could not be kept is listed above (--allow-partial writes the rest)');
  }
  ds.push(...writeImportDir(choice.sources, flags.out, result));
  printDiagnostics(ds);
  const written = !hasErrors(ds.filter((d) => d.code.startsWith('import-out') || d.code === 'import-inventory-has-clusters'));
  if (!written) throw new CommandExit(ExitCode.failed);
  info(`imported ${snaps.length} host(s): ${result.clusters.length} cluster(s) into ${flags.out}`);
  if (unreachable && unreachable === ds.filter((d) => d.severity === 'error').length) throw new CommandExit(ExitCode.unreachable);
  if (hasErrors(ds) && !flags.allowPartial) throw new CommandExit(ExitCode.failed);
}

/** `hafleet import`: adopt a running hand-built fleet. */
export function register(program: Command, ctx: CommandContext): void {
  connectionOptions(program
    .command('import')
    .description('read a running hand-built fleet (read-only) and write the inventory that reproduces it')
    .addOption(inventoryOption())
    .addOption(limitOption())
    .option('-o, --out <dir>', 'new directory for the inventory, group_vars, host_vars and the scripts found')
    .option('--from-files <folder>', 'read local copies instead (FOLDER/<host>/etc/keepalived/keepalived.conf …)')
    .option('--allow-partial', 'write the inventory even when some configuration could not be kept (listed as errors)')
    .option('-f, --forks <n>', 'hosts read at once (default: ansible.cfg forks, else 50)'))
    .addHelpText('after', EXAMPLES)
    .action((flags: ImportFlags) => run(flags, ctx));
}
