/**
 * `--from-files FOLDER`: the same HostSnapshot from local copies, one sub-folder per host laid out
 * as on the host (FOLDER/lb1/etc/keepalived/keepalived.conf …), for an operator who only has the
 * configs. The same rules as the remote script: includes as keepalived follows them, files over
 * 1 MiB or binary refused by path, lo scripts recognised by content. Nothing runs here, so the
 * speaker is what the copies say: keepalived when there is a keepalived.conf.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IMPORT_MAX_BYTES, IMPORT_MAX_INCLUDE_ROUNDS, LO_SCRIPT_PLACES, SCRIPT_KEYWORDS } from './read-script.js';
import { emptySnapshot, snapText, type HostSnapshot, type SnapFile, type SnapRole } from './snapshot.js';
import { expandIncludeGlob, includeLines } from './includes.js';

const LO_RE = /(ip[ \t]+(-[46][ \t]+)?a(d|dd|ddr|ddress)?[ \t]+add[ \t].*dev[ \t]+lo([ \t:]|$)|ifconfig[ \t]+lo:)/m;
const SCRIPT_RE = new RegExp(`^\\s*(${SCRIPT_KEYWORDS.join('|')})\\s+"?(/[^\\s"]+)`, 'gm');

export function snapshotFromFiles(folder: string, host: string): HostSnapshot {
  const root = path.join(folder, host);
  const snap = emptySnapshot(host);
  const local = (p: string) => path.join(root, p);
  const read = (p: string): SnapFile => {
    let st: fs.Stats;
    try {
      st = fs.statSync(local(p));
    } catch {
      return { kind: 'missing' };
    }
    if (!st.isFile()) return { kind: 'refused', reason: 'not a regular file' };
    if (st.size > IMPORT_MAX_BYTES) return { kind: 'refused', reason: `larger than 1 MiB (${st.size} bytes)` };
    return snapText(fs.readFileSync(local(p)));
  };
  const take = (p: string, role: SnapRole): SnapFile => {
    const f = read(p);
    snap.files.set(p, f);
    snap.roles.set(p, role);
    return f;
  };
  const list = (dir: string): string[] => {
    try {
      return fs.readdirSync(local(dir));
    } catch {
      return [];
    }
  };
  const exists = (p: string) => fs.existsSync(local(p)) && fs.statSync(local(p)).isFile();
  if (exists(snap.keepalivedConf)) snap.speakers.push('keepalived');
  // keepalived.conf and its includes, breadth first, each file once.
  const seen = new Set<string>();
  let todo = [snap.keepalivedConf];
  for (let round = 0; todo.length && round <= IMPORT_MAX_INCLUDE_ROUNDS; round++) {
    const next: string[] = [];
    for (const f of todo) {
      if (seen.has(f)) continue;
      seen.add(f);
      const got = take(f, 'keepalived');
      if (got.kind !== 'text') continue;
      for (const pat of includeLines(got.text)) {
        const abs = path.posix.resolve(path.posix.dirname(f), pat);
        snap.includes.push({ from: f, pattern: abs });
        next.push(...expandIncludeGlob(abs, { list, isFile: exists }));
      }
    }
    todo = next;
  }
  const scripts = new Set<string>();
  for (const f of seen) {
    const t = snap.files.get(f);
    if (t?.kind !== 'text') continue;
    const text = t.text.replace(/[#!].*$/gm, '');
    for (const m of text.matchAll(SCRIPT_RE)) scripts.add(m[2]!);
  }
  for (const s of [...scripts].sort()) take(s, 'script');
  for (const p of ['/etc/nginx/nginx.conf', ...globIn('/etc/nginx/conf.d', /\.conf$/), ...globIn('/etc/nginx/sites-enabled', /./)]) if (exists(p)) take(p, 'nginx');
  for (const p of ['/etc/sysctl.conf', ...globIn('/etc/sysctl.d', /\.conf$/)]) {
    if (!exists(p)) continue;
    const f = read(p);
    if (f.kind === 'text' && /arp_(ignore|announce)/.test(f.text)) take(p, 'sysctl-file');
  }
  for (const place of LO_SCRIPT_PLACES) {
    const files = place.endsWith('/*') ? globIn(place.slice(0, -2), /./) : [place];
    for (const p of files) {
      if (!exists(p)) continue;
      const f = read(p);
      if (f.kind === 'text' && LO_RE.test(f.text)) take(p, 'lo-script');
    }
  }
  return snap;

  function globIn(dir: string, re: RegExp): string[] {
    return list(dir).filter((n) => !n.startsWith('.') && re.test(n)).sort().map((n) => `${dir}/${n}`);
  }
}

/** Host names of a --from-files folder: its sub-folders. */
export function hostsInFolder(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}
