import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { ansibleConfig, describeOrigin, type AnsibleConfig } from '../../ansible-config/index.js';
import { hasErrors } from '../../diagnostics/index.js';
import { CommandExit } from '../command-error.js';
import { ExitCode } from '../exit-codes.js';
import { printDiagnostics, printJson } from '../output.js';
import { chooseInventory } from '../inventory-source.js';
import type { CommandContext } from '../context.js';

/** ansible.cfg and ANSIBLE_* as this process sees them: the one place that reads the machine. */
export function loadAnsibleConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AnsibleConfig {
  const readable = (p: string) => { try { accessSync(p, constants.R_OK); return statSync(p).isFile(); } catch { return false; } };
  const isDir = (p: string) => { try { return statSync(p).isDirectory(); } catch { return false; } };
  let cwdWorldWritable = false;
  try { cwdWorldWritable = (statSync(cwd).mode & 0o002) !== 0; } catch { /* cwd gone: nothing to read there */ }
  return ansibleConfig({ env, cwd, home: env.HOME ?? homedir(), readable, isDir, cwdWorldWritable }, (p) => readFileSync(p, 'utf8'));
}

/** `hafleet config`: the effective Ansible settings hafleet follows and where each came from. */
export function register(program: Command, ctx: CommandContext): void {
  program
    .command('config')
    .description('show the ansible.cfg / ANSIBLE_* settings hafleet follows and where each came from')
    .option('--json', 'one JSON document on stdout')
    .action((opts: { json?: boolean }) => {
      const cfg = loadAnsibleConfig(ctx.env);
      printDiagnostics(cfg.diagnostics);
      // What a command without -i would do with it: the sources and the connection defaults.
      const env = ctx.env.HAFLEET_INVENTORY;
      const use = chooseInventory(env, cfg);
      const from = env ? 'HAFLEET_INVENTORY' : use.from;
      if (opts.json) printJson({ file: cfg.file ?? null, searched: cfg.searched, settings: Object.fromEntries(Object.entries(cfg.settings).map(([k, s]) => [k, { value: s.value, origin: describeOrigin(s.origin) }])), ...(cfg.proxyJump ? { proxyJump: cfg.proxyJump } : {}),
        inventorySources: use.sources, inventoryFrom: from, connectionDefaults: use.connectionDefaults, ...(use.forks !== undefined ? { forks: use.forks } : {}) });
      else {
        const lines = [`config file: ${cfg.file ?? '(none)'}  (searched: ${cfg.searched.join(', ')})`,
          `inventory without -i: ${use.sources.length ? `${use.sources.join(', ')}  (${from})` : '(none: pass -i)'}`];
        for (const [k, s] of Object.entries(cfg.settings)) lines.push(`${k.padEnd(28)} = ${JSON.stringify(s.value)}  (${describeOrigin(s.origin)})`);
        process.stdout.write(lines.join('\n') + '\n');
      }
      // What hafleet refuses of the settings (become_method other than sudo), after them.
      printDiagnostics(use.diagnostics.slice(cfg.diagnostics.length));
      if (hasErrors(use.diagnostics)) throw new CommandExit(ExitCode.usage);
    });
}
