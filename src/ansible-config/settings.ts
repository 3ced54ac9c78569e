import { dirname, isAbsolute, resolve } from 'node:path';
import { expandHome } from './find.js';
import type { IniFile } from './ini.js';

export type SettingName = 'inventory' | 'remote_user' | 'remote_port' | 'private_key_file' | 'forks' | 'timeout' | 'host_key_checking'
  | 'become' | 'become_user' | 'become_method' | 'become_ask_pass' | 'ssh_args' | 'inventory_ignore_extensions' | 'inventory_ignore_patterns';
type Kind = 'pathlist' | 'path' | 'int' | 'bool' | 'string' | 'list';

interface Def { kind: Kind; env: string[]; ini: [section: string, key: string][]; default?: SettingValue }
export type SettingValue = string | number | boolean | string[];

const IGNORE_EXTS_2_14 = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];

/** The settings hafleet takes from Ansible's configuration: names, env vars and keys of ansible-core's base.yml. */
export const DEFS: Record<SettingName, Def> = {
  inventory: { kind: 'pathlist', env: ['ANSIBLE_INVENTORY'], ini: [['defaults', 'inventory']], default: ['/etc/ansible/hosts'] },
  remote_user: { kind: 'string', env: ['ANSIBLE_REMOTE_USER'], ini: [['defaults', 'remote_user']] },
  remote_port: { kind: 'int', env: ['ANSIBLE_REMOTE_PORT'], ini: [['defaults', 'remote_port']] },
  private_key_file: { kind: 'path', env: ['ANSIBLE_PRIVATE_KEY_FILE'], ini: [['defaults', 'private_key_file']] },
  forks: { kind: 'int', env: ['ANSIBLE_FORKS'], ini: [['defaults', 'forks']], default: 5 },
  timeout: { kind: 'int', env: ['ANSIBLE_TIMEOUT'], ini: [['defaults', 'timeout']], default: 10 },
  host_key_checking: { kind: 'bool', env: ['ANSIBLE_HOST_KEY_CHECKING'], ini: [['defaults', 'host_key_checking']], default: true },
  become: { kind: 'bool', env: ['ANSIBLE_BECOME'], ini: [['privilege_escalation', 'become']], default: false },
  become_user: { kind: 'string', env: ['ANSIBLE_BECOME_USER'], ini: [['privilege_escalation', 'become_user']], default: 'root' },
  become_method: { kind: 'string', env: ['ANSIBLE_BECOME_METHOD'], ini: [['privilege_escalation', 'become_method']], default: 'sudo' },
  become_ask_pass: { kind: 'bool', env: ['ANSIBLE_BECOME_ASK_PASS'], ini: [['privilege_escalation', 'become_ask_pass']], default: false },
  ssh_args: { kind: 'string', env: ['ANSIBLE_SSH_ARGS'], ini: [['ssh_connection', 'ssh_args']], default: '-C -o ControlMaster=auto -o ControlPersist=60s' },
  inventory_ignore_extensions: { kind: 'list', env: ['ANSIBLE_INVENTORY_IGNORE'], ini: [['defaults', 'inventory_ignore_extensions'], ['inventory', 'ignore_extensions']], default: IGNORE_EXTS_2_14 },
  inventory_ignore_patterns: { kind: 'list', env: ['ANSIBLE_INVENTORY_IGNORE_REGEX'], ini: [['defaults', 'inventory_ignore_patterns'], ['inventory', 'ignore_patterns']], default: [] },
};

export type Origin = { kind: 'env'; name: string } | { kind: 'file'; path: string; line: number; section: string; key: string } | { kind: 'default' };
export interface Setting { value: SettingValue; origin: Origin }
export type Settings = Partial<Record<SettingName, Setting>>;
export interface SettingProblem { setting: SettingName; origin: Origin; message: string }

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f', '']);

/**
 * Each setting as Ansible resolves it: an ANSIBLE_* variable beats the config file, which beats
 * the default (command-line flags, above all three, are the CLI's business). Paths written in
 * the file are relative to the file's directory, in the environment relative to cwd; `~` is home.
 */
export function resolveSettings(file: { path: string; ini: IniFile } | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string, home: string): { settings: Settings; problems: SettingProblem[] } {
  const settings: Settings = {};
  const problems: SettingProblem[] = [];
  for (const [name, def] of Object.entries(DEFS) as [SettingName, Def][]) {
    let raw: string | undefined;
    let origin: Origin | undefined;
    let base = cwd;
    for (const e of def.env) if (raw === undefined && env[e] !== undefined) { raw = env[e]; origin = { kind: 'env', name: e }; }
    // ansible-core 2.14 has no `hostfile` alias of inventory any more (removed in 2.8).
    if (raw === undefined && file) {
      for (const [section, key] of def.ini) {
        const entry = file.ini.get(section)?.get(key);
        // ConfigManager reads every ini entry of a setting and keeps the last one found.
        if (entry) { raw = entry.value; origin = { kind: 'file', path: file.path, line: entry.line, section, key }; base = dirname(file.path); }
      }
    }
    if (raw === undefined || origin === undefined) {
      if (def.default !== undefined) settings[name] = { value: def.default, origin: { kind: 'default' } };
      continue;
    }
    const v = convert(def.kind, raw, base, home);
    if (typeof v === 'object' && v !== null && 'error' in v) problems.push({ setting: name, origin, message: v.error });
    else settings[name] = { value: v, origin };
  }
  return { settings, problems };
}

function convert(kind: Kind, raw: string, base: string, home: string): SettingValue | { error: string } {
  const path = (p: string) => { const e = expandHome(p.trim(), home); return isAbsolute(e) ? e : resolve(base, e); };
  const list = () => raw.split(',').map((x) => x.trim()).filter((x) => x !== '');
  switch (kind) {
    case 'string': return raw.trim();
    case 'list': return list();
    case 'path': return path(raw);
    case 'pathlist': return list().map(path);
    case 'int': return /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : { error: `${JSON.stringify(raw)} is not a whole number` };
    case 'bool': {
      const l = raw.trim().toLowerCase();
      return TRUE.has(l) ? true : FALSE.has(l) ? false : { error: `${JSON.stringify(raw)} is not a boolean (yes/no, true/false, on/off, 1/0)` };
    }
  }
}

export function describeOrigin(o: Origin): string {
  switch (o.kind) {
    case 'env': return `env ${o.name}`;
    case 'file': return `${o.path}:${o.line} [${o.section}] ${o.key}`;
    case 'default': return 'default';
  }
}
