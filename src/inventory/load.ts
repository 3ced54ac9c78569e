import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { isMap, isScalar } from 'yaml';
import { error, hasErrors, warning, type Diagnostic, type Result } from '../diagnostics/index.js';
import { buildInventory } from './build.js';
import { InventoryBuilder } from './builder.js';
import { readIniInventory } from './ini-inventory.js';
import type { Inventory } from './types.js';
import { readVarsDir } from './vars-files.js';
import { parseYaml } from './yaml-file.js';
import { readYamlInventory } from './yaml-inventory.js';

// Ansible's INVENTORY_IGNORE_EXTS and IGNORED_ALWAYS, for files inside an inventory directory.
const IGNORED_EXTS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.cfg', '.retry'];
// templates/ holds a user's template overrides (render reads them), never inventory sources.
const IGNORED_NAMES = new Set(['group_vars', 'host_vars', 'vars_plugins', 'templates']);

/**
 * Reads an inventory: a YAML file, an INI file, or a directory of them (every file, sorted,
 * recursively, as Ansible reads a directory source), then group_vars/ and host_vars/ beside it.
 * See build.ts for the variable precedence. All problems are collected; the value is returned
 * only when none of them is an error.
 */
/** `env`: the environment templated values may read with lookup('env', …) (this process's by default). */
export function loadInventory(path: string, env: NodeJS.ProcessEnv = process.env): Result<Inventory> {
  const out: Diagnostic[] = [];
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    out.push(error('inventory-not-found', `no inventory file or directory at '${path}'`, { file: path }, 'pass -i with an inventory file or directory, or set HAFLEET_INVENTORY'));
    return { ok: false, diagnostics: out };
  }
  const dir = isDir ? path : dirname(path);
  const b = new InventoryBuilder();
  const sources = isDir ? sourcesIn(path) : [path];
  if (isDir && sources.length === 0) out.push(error('inventory-not-found', `the directory '${path}' holds no inventory file`, { file: path }, 'add hosts.yml or hosts.ini'));
  for (const file of sources) readSource(file, b, out);

  const groupVars = readVarsDir(dir, 'group_vars', new Set(b.groups.keys()), out);
  for (const [name, layers] of groupVars) b.groups.get(name)!.fileLayers.push(...layers);
  const hostVars = readVarsDir(dir, 'host_vars', new Set(b.hosts.keys()), out);
  for (const [name, layers] of hostVars) b.hosts.get(name)!.fileLayers.push(...layers);

  const inventory = buildInventory(b, path, dir, out, env);
  return hasErrors(out) ? { ok: false, diagnostics: out } : { ok: true, value: inventory, diagnostics: out };
}

function sourcesIn(dir: string): string[] {
  const files: string[] = [];
  const names = readdirSync(dir).sort();
  for (const name of names) {
    if (name.startsWith('.') || IGNORED_NAMES.has(name) || IGNORED_EXTS.some((e) => name.endsWith(e))) continue;
    const full = join(dir, name);
    const st = statSync(full, { throwIfNoEntry: false });
    if (st?.isDirectory()) files.push(...sourcesIn(full));
    else if (st?.isFile()) files.push(full);
  }
  return files;
}

/**
 * One inventory file. By extension when it has one (.yml/.yaml/.json: YAML; .ini: INI);
 * otherwise YAML if it parses as a mapping, else INI — Ansible's auto order — unless it plainly
 * is broken YAML, whose errors help more than INI's.
 */
function readSource(file: string, b: InventoryBuilder, out: Diagnostic[]): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    out.push(error('inventory-read', `cannot read ${file}: ${(e as Error).message}`, { file }));
    return;
  }
  if (text.startsWith('#!')) {
    out.push(warning('inventory-script', `${file} is a script; hafleet does not run dynamic inventory scripts and skips it`, { file, line: 1, col: 1 }, 'save its output as a YAML inventory'));
    return;
  }
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    out.push(error('vault-encrypted', `${file} is encrypted with ansible-vault; hafleet cannot read it`, { file, line: 1, col: 1 }, 'decrypt the inventory; keep secrets in separate files'));
    return;
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.ini') return readIniInventory(file, text, b, out);
  const { yaml, diagnostics } = parseYaml(file, text);
  const asYaml = ['.yml', '.yaml', '.json'].includes(ext);
  const root = yaml.doc.contents;
  const broken = hasErrors(diagnostics);
  const yamlMapping = !broken && (isMap(root) || root === null || (isScalar(root) && root.value === null));
  if (asYaml || yamlMapping || (broken && looksLikeYaml(text))) {
    out.push(...diagnostics);
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
