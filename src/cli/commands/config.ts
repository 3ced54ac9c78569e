import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { ansibleConfig, describeOrigin, type AnsibleConfig } from '../../ansible-config/index.js';
import { hasErrors } from '../../diagnostics/index.js';
import { CommandExit } from '../command-error.js';
import { ExitCode } from '../exit-codes.js';
import { printDiagnostics, printJson } from '../output.js';

/** ansible.cfg and ANSIBLE_* as this process sees them: the one place that reads the machine. */
export function loadAnsibleConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AnsibleConfig {
  const readable = (p: string) => { try { accessSync(p, constants.R_OK); return statSync(p).isFile(); } catch { return false; } };
  const isDir = (p: string) => { try { return statSync(p).isDirectory(); } catch { return false; } };
  let cwdWorldWritable = false;
  try { cwdWorldWritable = (statSync(cwd).mode & 0o002) !== 0; } catch { /* cwd gone: nothing to read there */ }
  return ansibleConfig({ env, cwd, home: env.HOME ?? homedir(), readable, isDir, cwdWorldWritable }, (p) => readFileSync(p, 'utf8'));
}

/** `hafleet config`: the effective Ansible settings hafleet follows and where each came from. */
export function register(program: Command): void {
  program
    .command('config')
    .description('show the ansible.cfg / ANSIBLE_* settings hafleet follows and where each came from')
    .option('--json', 'one JSON document on stdout')
    .action((opts: { json?: boolean }) => {
      const cfg = loadAnsibleConfig();
      printDiagnostics(cfg.diagnostics);
      if (opts.json) printJson({ file: cfg.file ?? null, searched: cfg.searched, settings: Object.fromEntries(Object.entries(cfg.settings).map(([k, s]) => [k, { value: s.value, origin: describeOrigin(s.origin) }])), ...(cfg.proxyJump ? { proxyJump: cfg.proxyJump } : {}) });
      else {
        const lines = [`config file: ${cfg.file ?? '(none)'}  (searched: ${cfg.searched.join(', ')})`];
        for (const [k, s] of Object.entries(cfg.settings)) lines.push(`${k.padEnd(28)} = ${JSON.stringify(s.value)}  (${describeOrigin(s.origin)})`);
        process.stdout.write(lines.join('\n') + '\n');
      }
      if (hasErrors(cfg.diagnostics)) throw new CommandExit(ExitCode.usage);
    });
}
