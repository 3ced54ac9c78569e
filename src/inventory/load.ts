import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { error, hasErrors, warning, type Diagnostic, type Result } from '../diagnostics/index.js';
import { buildInventory } from './build.js';
import { InventoryBuilder } from './builder.js';
import { readIniInventory } from './ini-inventory.js';
import { readScriptInventory, type ScriptRunner } from './script-inventory.js';
import type { Inventory } from './types.js';
import { readVarsDir } from './vars-files.js';
import { parseYaml, whereOfNode } from './yaml-file.js';
import { readYamlInventory } from './yaml-inventory.js';

// Ansible's INVENTORY_IGNORE_EXTS and IGNORED_ALWAYS, for files inside an inventory directory
// (lib/ansible/inventory/manager.py: IGNORED = IGNORED_ALWAYS + INVENTORY_IGNORE_PATTERNS +
// INVENTORY_IGNORE_EXTS, matched against each name in a directory walk). The default, in
// ansible-core 2.14 (Debian 12, the differential test's oracle), is REJECT_EXTS + ('.orig',
// '.ini', '.cfg', '.retry'): a hosts.ini inside a directory source is NOT read. Both lists
// come from ansible.cfg / ANSIBLE_INVENTORY_IGNORE(_PATTERNS) when set (src/ansible-config).
export const DEFAULT_IGNORE_EXTS: readonly string[] = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];
// templates/ holds a user's template overrides (render reads them), never inventory sources.
const IGNORED_NAMES = new Set(['group_vars', 'host_vars', 'vars_plugins', 'templates']);
// OpenSSH's own file names: a known_hosts kept beside the inventory (hafleet_known_hosts: known_hosts)
// is never an inventory. Ansible tries it with the ini plugin and warns that it cannot parse it;
// hafleet, stricter about broken inventory files, skips these names instead.
const KNOWN_HOSTS_NAMES = new Set(['known_hosts', 'known_hosts.old', 'known_hosts2', 'ssh_known_hosts']);

/**
 * Reads an inventory: a YAML file, an INI file, or a directory of them (every file, sorted,
 * recursively, as Ansible reads a directory source), then group_vars/ and host_vars/ beside it.
 * See build.ts for the variable precedence. All problems are collected; the value is returned
 * only when none of them is an error.
 */
/** What ansible.cfg may change in how a directory source is read. */
export interface LoadOptions {
  /** INVENTORY_IGNORE_EXTS: names ending so are skipped in a directory source. */
  ignoreExts?: readonly string[];
  /** INVENTORY_IGNORE_PATTERNS: regexes searched anywhere in a name (Ansible's IGNORED.search). */
  ignorePatterns?: readonly string[];
  /** How an inventory script is run (tests pass a fake; the default spawns it, no shell). */
  runScript?: ScriptRunner;
}

/**
 * `env`: the environment templated values may read with lookup('env', …). The caller hands its
 * own down (the CLI its ctx.env, the fleet layer what it was given); without one, lookup('env')
 * reads nothing: nothing below the CLI reaches for the process's environment by itself.
 * Several paths are several sources, read into one inventory as `ansible-inventory -i a -i b`
 * does: hosts and groups merge in source order, and each source's own group_vars/ and host_vars/
 * are read beside it (see build.ts for the order they take).
 */
export function loadInventory(paths: string | readonly string[], env: NodeJS.ProcessEnv = {}, opts: LoadOptions = {}): Result<Inventory> {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  const out: Diagnostic[] = [];
  const b = new InventoryBuilder();
  const ignored = ignoreRule(opts, out);
  const dirs: string[] = [];
  for (const path of list) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // Ansible reads `-i 'h1,h2,'` as a host list (host_list plugin): hosts with no groups or vars,
      // which can hold no hafleet_clusters; say so rather than "not found".
      if (path.includes(',')) {
        out.push(error('inventory-host-list', `'${path}' is a comma-separated host list (Ansible's host_list plugin); hafleet needs an inventory with groups and hafleet_clusters`, { file: path },
          'pass an inventory file, directory or script; to pick hosts of it use --limit'));
        continue;
      }
      out.push(error('inventory-not-found', `no inventory file or directory at '${path}'`, { file: path }, 'pass -i with an inventory file or directory, set HAFLEET_INVENTORY, or fix inventory in ansible.cfg'));
      continue;
    }
    dirs.push(isDir ? path : dirname(path));
    const sources = isDir ? sourcesIn(path, knownHostsFiles(path), ignored, out) : [path];
    if (isDir && sources.length === 0) out.push(error('inventory-not-found', `the directory '${path}' holds no inventory file`, { file: path }, 'add hosts.yml, or an INI file named without .ini (e.g. hosts): Ansible skips *.ini inside a directory'));
    for (const file of sources) readSource(file, b, out, opts);
  }
  if (list.length === 0) out.push(error('inventory-not-found', 'no inventory source given', {}, 'pass -i PATH, set HAFLEET_INVENTORY, or set inventory in ansible.cfg'));
  if (dirs.length === 0) return { ok: false, diagnostics: out };

  // Read after every source: a group_vars file may name a group another source declares.
  dirs.forEach((dir, source) => {
    const groupVars = readVarsDir(dir, 'group_vars', new Set(b.groups.keys()), out);
    for (const [name, layers] of groupVars) b.groups.get(name)!.fileLayers.push(...layers.map((l) => ({ ...l, source })));
    const hostVars = readVarsDir(dir, 'host_vars', new Set(b.hosts.keys()), out);
    for (const [name, layers] of hostVars) b.hosts.get(name)!.fileLayers.push(...layers.map((l) => ({ ...l, source })));
  });

  const inventory = buildInventory(b, list[0]!, dirs[0]!, out, env);
  if (list.length > 1) inventory.sources = list;
  return hasErrors(out) ? { ok: false, diagnostics: out } : { ok: true, value: inventory, diagnostics: out };
}

function ignoreRule(opts: LoadOptions, out: Diagnostic[]): (name: string) => boolean {
  const exts = opts.ignoreExts ?? DEFAULT_IGNORE_EXTS;
  const patterns: RegExp[] = [];
  for (const p of opts.ignorePatterns ?? []) {
    try {
      patterns.push(new RegExp(p)); // IGNORED.search: anywhere in the name
    } catch (e) {
      out.push(error('inventory-ignore-pattern', `inventory ignore pattern ${JSON.stringify(p)} is not a regular expression: ${(e as Error).message}`, { key: 'inventory_ignore_patterns' }, 'fix ANSIBLE_INVENTORY_IGNORE_REGEX / [inventory] ignore_patterns in ansible.cfg'));
    }
  }
  return (name) => name.startsWith('.') || IGNORED_NAMES.has(name) || exts.some((e) => e !== '' && name.endsWith(e)) || patterns.some((re) => re.test(name));
}

function sourcesIn(dir: string, skip: ReadonlySet<string>, ignored: (name: string) => boolean, out: Diagnostic[]): string[] {
  const files: string[] = [];
  const names = readdirSync(dir).sort();
  for (const name of names) {
    if (KNOWN_HOSTS_NAMES.has(name)) continue;
    if (ignored(name)) {
      // ansible-core 2.14 skips a directory's *.ini silently; people moving from a single
      // hosts.ini are surprised, so hafleet says so (the listing is still Ansible's).
      if (name.endsWith('.ini')) {
        out.push(warning('inventory-skipped', `${join(dir, name)} is skipped: Ansible does not read *.ini files inside an inventory directory (INVENTORY_IGNORE_EXTS)`, { file: join(dir, name) },
          "rename it without .ini (Ansible's ini plugin reads it by content), pass it with -i, or set inventory_ignore_extensions in ansible.cfg"));
      }
      continue;
    }
    const full = join(dir, name);
    if (skip.has(resolve(full))) continue;
    const st = statSync(full, { throwIfNoEntry: false });
    if (st?.isDirectory()) files.push(...sourcesIn(full, skip, ignored, out));
    else if (st?.isFile()) files.push(full);
  }
  return files;
}

/**
 * Files the inventory names as `hafleet_known_hosts` (relative to the inventory dir), found by a
 * plain scan of the directory's text before it is parsed: the variable is only known after
 * parsing, and the file it names must not be parsed as an inventory first. A scan can only ever
 * skip a file some line calls a known_hosts file.
 */
function knownHostsFiles(dir: string): Set<string> {
  const out = new Set<string>();
  const scan = (d: string, depth: number): void => {
    if (depth > 4) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'templates') continue;
      const full = join(d, e.name);
      if (e.isDirectory()) { scan(full, depth + 1); continue; }
      if (!e.isFile() || KNOWN_HOSTS_NAMES.has(e.name)) continue;
      let text: string;
      try {
        if (statSync(full).size > 4 * 1024 * 1024) continue;
        text = readFileSync(full, 'utf8');
      } catch {
        continue; // unreadable: the loader reports it when it reads the file
      }
      for (const m of text.matchAll(/hafleet_known_hosts["']?\s*[:=]\s*["']?([^\s"'#]+)/g)) out.add(resolve(dir, m[1]!));
    }
  };
  scan(dir, 0);
  return out;
}

/** A file every line of which is a known_hosts entry (`host,… keytype base64`, `|1|…`, `@cert-authority …`). */
function looksLikeKnownHosts(text: string): boolean {
  let entries = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (!/^(@(cert-authority|revoked)\s+)?\S+\s+(ssh-|ecdsa-|sk-)\S+\s+[A-Za-z0-9+/=]{16,}(\s.*)?$/.test(line)) return false;
    entries++;
  }
  return entries > 0;
}

/**
 * One inventory file. By extension when it has one (.yml/.yaml/.json: YAML; .ini: INI);
 * otherwise YAML if it parses as a mapping, else INI — Ansible's auto order — unless it plainly
 * is broken YAML, whose errors help more than INI's.
 */
function readSource(file: string, b: InventoryBuilder, out: Diagnostic[], opts: LoadOptions): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    out.push(error('inventory-read', `cannot read ${file}: ${(e as Error).message}`, { file }));
    return;
  }
  if (text.startsWith('#!') || text.startsWith('\x7fELF')) {
    // Ansible's script plugin: an executable file of the inventory source is run, --list/--host.
    if (isExecutable(file)) return readScriptInventory(file, b, out, opts.runScript);
    out.push(warning('inventory-script', `${file} is a script but not executable; skipped (Ansible cannot run it either)`, { file, line: 1, col: 1 }, `chmod +x ${file} to have it run as a dynamic inventory`));
    return;
  }
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    out.push(error('vault-encrypted', `${file} is encrypted with ansible-vault; hafleet cannot read it`, { file, line: 1, col: 1 }, 'decrypt the inventory; keep secrets in separate files'));
    return;
  }
  const ext = extname(file).toLowerCase();
  if (ext !== '.yml' && ext !== '.yaml' && ext !== '.json' && looksLikeKnownHosts(text)) {
    out.push(warning('inventory-skipped', `${file} is a known_hosts file, not an inventory; skipped`, { file, line: 1, col: 1 },
      'keep known_hosts files outside the inventory directory, or name the file known_hosts'));
    return;
  }
  if (ext === '.ini') return readIniInventory(file, text, b, out);
  const { yaml, diagnostics } = parseYaml(file, text);
  const asYaml = ['.yml', '.yaml', '.json'].includes(ext);
  const root = yaml.doc.contents;
  const broken = hasErrors(diagnostics);
  const yamlMapping = !broken && (isMap(root) || root === null || (isScalar(root) && root.value === null));
  if (asYaml || yamlMapping || (broken && looksLikeYaml(text))) {
    out.push(...diagnostics);
    const plugin = !broken && isMap(root) ? root.items.find((p) => isScalar(p.key) && p.key.value === 'plugin') : undefined;
    if (plugin) {
      // A plugin configuration (aws_ec2, netbox, constructed…), never a list of hosts: Ansible's
      // yaml plugin refuses it too. hafleet runs no inventory plugins.
      const name = isScalar(plugin.value) ? String(plugin.value.value) : JSON.stringify(plugin.value?.toJSON());
      out.push(error('inventory-plugin', `${file} configures the inventory plugin '${name}', which hafleet does not run`, { ...whereOfNode(yaml, plugin.key as Node), key: 'plugin' },
        `save what the plugin finds as a static inventory (ansible-inventory -i ${file} --list --output hosts.json) and pass that with -i, or wrap it in an executable inventory script`));
      return;
    }
    if (!broken) readYamlInventory(yaml, b, out);
    return;
  }
  readIniInventory(file, text, b, out);
}

/** A YAML inventory starts with a `group:` line; an INI one with `[group]` or host lines. */
function looksLikeYaml(text: string): boolean {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || line === '---') continue;
    return /^[^\s=[\]]+:(\s|$)/.test(raw);
  }
  return false;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
