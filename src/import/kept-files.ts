/**
 * The scripts import kept (track, notify, misc checks, lo scripts) become hafleet_files entries,
 * so the imported inventory deploys them unchanged: same bytes, the host's mode, root-owned — the
 * first plan shows no change for them and the deploy record owns them from then on. What cannot
 * be deployed that way stays on the host as it is (hafleet never touches it) and is said so.
 */
import { warning, type Diagnostic } from '../diagnostics/index.js';
import { FILE_DEST_DIRS, FILE_MODE_PATTERN, FORMATS } from '../topology/index.js';
import type { HostSnapshot } from './snapshot.js';
import { sc, ymap, type YNode } from './yaml-out.js';

export interface KeptFile {
  host: string;
  path: string;
  text: string;
}

/** Where a kept file lies under DIR, relative to it: `files/<host>/<path on the host>`. */
export function keptFileSrc(host: string, path: string): string {
  return ['files', host, ...path.split('/').filter((s) => s && s !== '..' && s !== '.')].join('/');
}

/** The hafleet_files entries of one host's kept files, and what import says about them. */
export function keptFileEntries(snap: HostSnapshot, kept: readonly KeptFile[]): { entries: YNode[]; diagnostics: Diagnostic[] } {
  const entries: YNode[] = [];
  const ds: Diagnostic[] = [];
  for (const k of kept) {
    const f = snap.files.get(k.path);
    const src = keptFileSrc(k.host, k.path);
    const where = { host: k.host, file: k.path };
    // hafleet's own scripts (a fleet hafleet deployed): the roles render them.
    if (k.path.startsWith('/usr/local/sbin/hafleet-')) continue;
    if (!FORMATS['file-dest'].check(k.path) || !FORMATS['inventory-file'].check(src)) {
      // A realserver's lo script (/etc/init.d, rc.local) runs at boot, not from the config: it
      // stays the host's, and the lo-VIP findings already speak of it.
      if (snap.roles.get(k.path) !== 'script') continue;
      ds.push(warning('import-file-not-deployed', `${k.path}: kept as ${src} but not deployed: hafleet deploys your files only under ${FILE_DEST_DIRS.join(', ')}, with plain names`, where,
        'it stays on the host as it is (deploy never touches it); to let hafleet own it, move it there and add a hafleet_files entry'));
      continue;
    }
    const hostMode = f?.kind === 'text' && f.mode ? parseInt(f.mode, 8) & 0o7777 : undefined;
    // From a local copy the mode says nothing of the host's: keepalived execs these, so 0755.
    const mode = hostMode === undefined ? 0o755 : hostMode & 0o755;
    const modeText = mode.toString(8).padStart(4, '0');
    if (!new RegExp(FILE_MODE_PATTERN).test(modeText)) continue; // cannot happen: masked to 0755
    const from = hostMode === undefined ? `${k.host}:${k.path} (mode not known from a copy: 0755)` : `${k.host}:${k.path} mode ${hostMode.toString(8).padStart(4, '0')}`;
    if (hostMode !== undefined && hostMode !== mode) {
      ds.push(warning('import-file-mode', `${k.path}: mode ${hostMode.toString(8).padStart(4, '0')} deployed as ${modeText}: hafleet_files allow no setuid bit and no write but root's`, where,
        'plan shows the mode change; keepalived\'s script security refuses group- or world-writable scripts anyway'));
    }
    if (f?.kind === 'text' && f.uid !== undefined && f.uid !== 0) {
      ds.push(warning('import-file-owner', `${k.path}: owned by uid ${f.uid}, deployed root:root`, where, 'plan shows the owner change: a script root runs should be root\'s'));
    }
    entries.push(ymap([['src', sc(src)], ['dest', sc(k.path)], ['mode', sc(modeText)]], from));
  }
  return { entries, diagnostics: ds };
}
