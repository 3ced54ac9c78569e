import type { Command } from 'commander';
import { hasErrors, warning, type Diagnostic } from '../../diagnostics/index.js';
import { loadInventory, selectHosts } from '../../inventory/index.js';
import { gateInventory } from '../../lint/index.js';
import { renderFleet, writeDesiredTreeChecked } from '../../render/index.js';
import { CommandExit } from '../command-error.js';
import { inventoryFor, inventoryOption } from '../inventory-source.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../context.js';
import { info, printDiagnostics } from '../output.js';

interface RenderOptions {
  inventory?: string[];
  limit?: string;
  out?: string;
}

const EXAMPLES = `
Examples:
  hafleet render -i inventories/nginx-ha --out /tmp/rendered
  hafleet render -i inventory/ --limit directors --out out/

Writes DIR/<host>/<absolute path> for every file each host should have, with its mode. Templates
in <inventory>/templates/<role>/ override the bundled ones. Nothing is written when any host
fails to render; exit 65 then.
`;

/** `hafleet render`: the files every host should have, written locally for review. */
export function register(program: Command, ctx: CommandContext): void {
  program
    .command('render')
    .description('render every host\'s files locally into --out DIR (nothing is sent anywhere)')
    .addOption(inventoryOption())
    .option('-l, --limit <pattern>', "only hosts matching an Ansible pattern, e.g. 'directors:!lb2'")
    .option('-o, --out <dir>', 'directory to write DIR/<host>/<path> into')
    .addHelpText('after', EXAMPLES)
    .action((opts: RenderOptions) => run(opts, ctx));
}

function run(opts: RenderOptions, ctx: CommandContext): void {
  const choice = inventoryFor('render', opts.inventory, { connects: false });
  if (!opts.out) throw new CommandExit(ExitCode.usage, 'hafleet render: pass --out DIR to say where the files go');

  const ds: Diagnostic[] = [];
  const inv = loadInventory(choice.sources, ctx.env, choice.load);
  ds.push(...inv.diagnostics);
  if (!inv.ok) return fail(ds);
  let limit: string[] | undefined;
  if (opts.limit !== undefined) {
    const sel = selectHosts(inv.value, opts.limit);
    ds.push(...sel.diagnostics);
    if (!sel.ok) return fail(ds);
    limit = sel.value;
  }
  // The same checks as `hafleet lint` (and plan, deploy): an error means nothing is written.
  const topo = gateInventory(inv.value);
  ds.push(...topo.diagnostics);
  if (!topo.ok) return fail(ds);
  const rendered = renderFleet(inv.value, topo.value, limit ? { limit } : {});
  ds.push(...rendered.diagnostics);
  if (!rendered.ok || hasErrors(ds)) return fail(ds);

  const desired = rendered.value;
  if (desired.size === 0) ds.push(warning('render-no-hosts', 'no host with a role matches; nothing rendered', {}, 'check --limit against `hafleet inventory --graph`'));
  // Every path is checked to stay inside --out before the first file is written.
  const written = writeDesiredTreeChecked(desired, opts.out);
  ds.push(...written.diagnostics);
  if (!written.ok) return fail(ds);
  printDiagnostics(ds);
  const files = written.value;
  const width = Math.max(0, ...[...desired.keys()].map((h) => h.length));
  for (const [host, hd] of desired) {
    const handlers = hd.handlers.map((h) => h.name).join(', ') || 'none';
    info(`  ${host.padEnd(width)}  ${hd.roles.join('+').padEnd(19)} ${String(hd.files.length).padStart(2)} files  handlers: ${handlers}`);
  }
  info(`rendered ${files} files for ${desired.size} hosts into ${opts.out}`);
}

function fail(ds: Diagnostic[]): never {
  printDiagnostics(ds);
  const errors = ds.filter((d) => d.severity === 'error').length;
  throw new CommandExit(ExitCode.badInventory, `hafleet render: ${errors} error${errors === 1 ? '' : 's'}; nothing written`);
}
