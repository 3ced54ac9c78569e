import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isMap, isScalar } from 'yaml';
import { error, hasErrors, warning, type Diagnostic } from '../diagnostics/index.js';
import type { VarLayer } from './builder.js';
import { closestName } from './closest.js';
import { duplicateKeys, locate, parseYaml, toVars, whereOfNode } from './yaml-file.js';

const VARS_EXTS = ['', '.yml', '.yaml', '.json'];

/**
 * `group_vars/` or `host_vars/` beside the inventory, as Ansible's host_group_vars plugin reads
 * them: for a name, the first of `<name>` (file or directory), `<name>.yml`, `<name>.yaml`,
 * `<name>.json` wins; a directory contributes every file below it (sorted, recursively; hidden
 * files, `~` backups and other extensions skipped), later files overriding earlier ones.
 * Returns the layers per name; files for names the inventory does not know are warned about.
 */
export function readVarsDir(
  dir: string,
  kind: 'group_vars' | 'host_vars',
  names: ReadonlySet<string>,
  out: Diagnostic[],
): Map<string, VarLayer[]> {
  const result = new Map<string, VarLayer[]>();
  const base = join(dir, kind);
  const entries = listDir(base);
  if (!entries) return result;
  const entrySet = new Set(entries.map((e) => e.name));
  const used = new Set<string>();
  for (const name of names) {
    for (const ext of VARS_EXTS) {
      const entry = name + ext;
      if (!entrySet.has(entry)) continue;
      used.add(entry);
      const full = join(base, entry);
      const files = isDir(full) ? filesBelow(full) : [full];
      const layers = files.flatMap((f) => readVarsFile(f, out));
      if (layers.length) result.set(name, layers);
      break;
    }
  }
  for (const e of entries) {
    if (used.has(e.name) || e.name.startsWith('.')) continue;
    const ext = extname(e.name);
    if (!e.dir && !VARS_EXTS.includes(ext)) continue;
    const stem = e.dir ? e.name : e.name.slice(0, e.name.length - ext.length);
    if (names.has(stem)) continue; // shadowed by a higher-ranked file for the same name
    const near = closestName(stem, names);
    out.push(warning('unknown-vars-file', `${kind}/${e.name} is for '${stem}', which is not a ${kind === 'group_vars' ? 'group' : 'host'} of this inventory; it is ignored`,
      { file: join(base, e.name) }, near ? `did you mean '${near}'?` : `name it after a ${kind === 'group_vars' ? 'group' : 'host'} of the inventory`));
  }
  return result;
}

function listDir(path: string): { name: string; dir: boolean }[] | undefined {
  try {
    return readdirSync(path, { withFileTypes: true })
      .map((d) => ({ name: d.name, dir: d.isDirectory() || (d.isSymbolicLink() && isDir(join(path, d.name))) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return undefined;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const e of listDir(dir) ?? []) {
    if (e.name.startsWith('.') || e.name.endsWith('~')) continue;
    const ext = extname(e.name);
    const full = join(dir, e.name);
    if (e.dir && !ext) out.push(...filesBelow(full));
    else if (!e.dir && VARS_EXTS.includes(ext)) out.push(full);
  }
  return out;
}

/** One vars file: a mapping of variable names (YAML or JSON), or nothing. */
export function readVarsFile(file: string, out: Diagnostic[]): VarLayer[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    out.push(error('inventory-read', `cannot read ${file}: ${(e as Error).message}`, { file }));
    return [];
  }
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    out.push(warning('vault-encrypted', `${file} is encrypted with ansible-vault; hafleet cannot read it and skips it`, { file, line: 1, col: 1 },
      'keep the secrets hafleet needs in a plain file readable only by you, or encrypt single values with !vault'));
    return [];
  }
  const { yaml, diagnostics } = parseYaml(file, text);
  out.push(...diagnostics);
  if (hasErrors(diagnostics)) return [];
  const root = yaml.doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (!isMap(root)) {
    out.push(error('vars-file-structure', `${file} must be a mapping of variable names to values`, whereOfNode(yaml, root), 'write `name: value` lines at the top level'));
    return [];
  }
  duplicateKeys(yaml, root, '', out);
  return [{ vars: toVars(yaml, root), locate: (path) => locate(yaml, root, path) }];
}
