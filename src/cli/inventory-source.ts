import { existsSync } from 'node:fs';
import { Option } from 'commander';
import { describeOrigin, type AnsibleConfig } from '../ansible-config/index.js';
import { error, hasErrors, type Diagnostic } from '../diagnostics/index.js';
import type { ConnectionDefaults, LoadOptions } from '../inventory/index.js';
import { CommandExit } from './command-error.js';
import { loadAnsibleConfig } from './commands/config.js';
import { ExitCode } from './exit-codes.js';
import { printDiagnostics } from './output.js';

/**
 * `-i PATH`, repeatable as ansible's: every -i is one more source, read in order into one
 * inventory. HAFLEET_INVENTORY stands for one -i when none is given.
 */
export function inventoryOption(): Option {
  return new Option('-i, --inventory <path>', 'inventory file, directory or executable script; repeat for several sources (default: ansible.cfg\'s inventory)')
    .env('HAFLEET_INVENTORY')
    .argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
}

/** What a command needs of Ansible's configuration to read its inventory and reach its hosts. */
export interface InventoryChoice {
  sources: string[];
  /** Where the sources came from, for messages: "-i" or the ansible.cfg line. */
  from: string;
  load: LoadOptions;
  connectionDefaults: ConnectionDefaults;
  /** forks from ansible.cfg / ANSIBLE_FORKS when set there (not Ansible's default 5). */
  forks?: number;
  /** ansible.cfg's become_ask_pass: as -K when set true there. */
  askBecomePass?: boolean;
  /** ansible.cfg's timeout (seconds) as the SSH connect timeout, when set there. */
  connectTimeoutMs?: number;
  diagnostics: Diagnostic[];
}

const set = <T>(cfg: AnsibleConfig, name: keyof AnsibleConfig['settings']): T | undefined => {
  const s = cfg.settings[name];
  return s && s.origin.kind !== 'default' ? (s.value as T) : undefined;
};

/**
 * The inventory sources and connection defaults, as Ansible chooses them: -i (every one given)
 * beats ansible.cfg's `inventory` / ANSIBLE_INVENTORY (a comma-separated list), whose default
 * /etc/ansible/hosts counts only when it exists. Pure but for `exists`.
 */
export function chooseInventory(flag: readonly string[] | string | undefined, cfg: AnsibleConfig, exists: (p: string) => boolean = existsSync): InventoryChoice {
  const ds: Diagnostic[] = [...cfg.diagnostics];
  const inv = cfg.settings.inventory;
  let sources: string[] = [];
  let from = '-i';
  // An empty HAFLEET_INVENTORY= is no source (as before ansible.cfg was read).
  const given = (typeof flag === 'string' ? [flag] : [...(flag ?? [])]).filter((p) => p !== '');
  if (given.length > 0) sources = given;
  else if (inv && inv.origin.kind !== 'default') {
    sources = inv.value as string[];
    from = describeOrigin(inv.origin);
  } else if (inv) {
    sources = (inv.value as string[]).filter(exists);
    from = 'Ansible\'s default';
  }
  const method = set<string>(cfg, 'become_method');
  if (method !== undefined && method !== 'sudo') {
    const o = cfg.settings.become_method!.origin;
    ds.push(error('ansible-cfg', `become_method = ${method}: hafleet becomes root with sudo only`, o.kind === 'file' ? { file: o.path, line: o.line, key: 'become_method' } : { key: o.kind === 'env' ? o.name : 'become_method' },
      'use become_method = sudo (hafleet runs sudo -n, or with -K / HAFLEET_BECOME_PASS), or remove the setting'));
  }
  const timeout = set<number>(cfg, 'timeout');
  const forks = set<number>(cfg, 'forks');
  const d: ConnectionDefaults = {};
  const user = set<string>(cfg, 'remote_user');
  if (user) d.user = user;
  const port = set<number>(cfg, 'remote_port');
  if (port !== undefined && port >= 1 && port <= 65535) d.port = port;
  const key = set<string>(cfg, 'private_key_file');
  if (key) d.privateKeyFile = key;
  const become = set<boolean>(cfg, 'become');
  if (become !== undefined) d.become = become;
  const becomeUser = set<string>(cfg, 'become_user');
  if (becomeUser) d.becomeUser = becomeUser;
  if (method) d.becomeMethod = method;
  if (cfg.proxyJump) d.proxyJump = cfg.proxyJump;
  const exts = set<string[]>(cfg, 'inventory_ignore_extensions');
  const patterns = set<string[]>(cfg, 'inventory_ignore_patterns');
  return {
    sources, from, connectionDefaults: d, diagnostics: ds,
    load: { ...(exts ? { ignoreExts: exts } : {}), ...(patterns ? { ignorePatterns: patterns } : {}) },
    ...(forks !== undefined && forks >= 1 ? { forks } : {}),
    ...(set<boolean>(cfg, 'become_ask_pass') ? { askBecomePass: true } : {}),
    ...(timeout !== undefined && timeout >= 1 ? { connectTimeoutMs: timeout * 1000 } : {}),
  };
}

let config: AnsibleConfig | undefined;
let warned = false;

/**
 * The one place a command learns where its inventory is: ansible.cfg read once per process, its
 * findings printed once (the host_key_checking warning only by commands that connect), exit 64
 * when no source is known or the configuration is broken.
 */
export function inventoryFor(command: string, flag: readonly string[] | string | undefined, o: { connects: boolean }): InventoryChoice {
  config ??= loadAnsibleConfig();
  const choice = chooseInventory(flag, config);
  if (!warned) {
    warned = true;
    printDiagnostics(choice.diagnostics.filter((d) => o.connects || d.code !== 'host-key-checking'));
  }
  if (hasErrors(choice.diagnostics)) throw new CommandExit(ExitCode.usage, `hafleet ${command}: fix the Ansible configuration above (hafleet config shows it)`);
  if (choice.sources.length === 0) throw new CommandExit(ExitCode.usage, `hafleet ${command}: no inventory: pass -i PATH, set HAFLEET_INVENTORY, or set inventory in ansible.cfg (hafleet config shows where hafleet looked)`);
  return choice;
}
