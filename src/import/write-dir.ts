/**
 * Write DIR: the inventory as given (its files copied), hafleet_clusters in group_vars/all.yml,
 * per-host variables in host_vars/<host>.yml (appended after what the source had), and the
 * scripts found on hosts under files/<host>/<path> so they travel with the inventory. Refuses
 * to write into a DIR that is not empty: an import never overwrites someone's work.
 */
import fs from 'node:fs';
import path from 'node:path';
import { error, type Diagnostic } from '../diagnostics/index.js';
import type { ImportResult } from './types.js';
import { toYaml, ylist, ymap } from './yaml-out.js';
import { keptFileSrc } from './kept-files.js';

const HEADER = [
  'Written by `hafleet import`: the fleet as it runs today. Each value says where it was read',
  '(host:file:line). Review the pitfalls import reported before changing anything.',
];

export function writeImportDir(sources: readonly string[], out: string, r: ImportResult): Diagnostic[] {
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) return [error('import-out-not-empty', `${out} is not empty`, { file: out }, 'give --out a new or empty directory')];
  fs.mkdirSync(out, { recursive: true });
  for (const src of sources) {
    const st = fs.statSync(src);
    // Copied as files, links followed (a dangling one has nothing to copy): a group_vars file or
    // folder kept as a symlink would take the auth_pass appended below into the source inventory.
    if (st.isDirectory()) fs.cpSync(src, out, { recursive: true, dereference: true, filter: (p) => !path.basename(p).startsWith('.') && fs.existsSync(p) });
    else fs.copyFileSync(src, path.join(out, path.basename(src)));
  }
  const append = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const exists = fs.existsSync(file);
    const before = exists ? fs.readFileSync(file, 'utf8') : '';
    if (/^hafleet_clusters\s*:/m.test(before) && text.includes('hafleet_clusters:')) return [error('import-inventory-has-clusters', `${file} already defines hafleet_clusters`, { file }, 'import takes an inventory of hosts only')];
    // A file copied from the source inventory keeps its mode (0644 often), empty or not: made 0600
    // before a secret goes in (writeFileSync's mode applies only to a file it creates).
    if (exists) fs.chmodSync(file, 0o600);
    fs.writeFileSync(file, (before && !before.endsWith('\n') ? before + '\n' : before) + (before ? '\n' : '') + text, { mode: 0o600 });
    return [];
  };
  const ds: Diagnostic[] = [];
  // auth_pass inside: 0600, like the keepalived.conf it came from is not world-readable.
  ds.push(...append(path.join(out, 'group_vars', 'all.yml'), toYaml(ymap([['hafleet_clusters', ylist(r.clusters)]]), HEADER)));
  for (const [host, vars] of r.hostVars) ds.push(...append(path.join(out, 'host_vars', `${host}.yml`), toYaml(ymap(vars), ['Written by `hafleet import`.'])));
  for (const f of r.keptFiles) {
    const dest = path.join(out, ...keptFileSrc(f.host, f.path).split('/'));
    fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
    // 0600 like group_vars: a hand-written script may hold a password plan cannot know to mask.
    fs.writeFileSync(dest, f.text, { mode: 0o600 });
  }
  return ds;
}
