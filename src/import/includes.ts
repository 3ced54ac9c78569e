/**
 * keepalived's `include`: one word (quotes allowed), glob(3) relative to the including file's
 * directory, matches in sorted order, a pattern matching nothing skipped with a warning (keepalived
 * 2.x parser.c). The lexer that splices them is the keepalived.conf reader's; this file only
 * finds the include lines and the loops, which that reader cuts at a depth instead of naming.
 */
import path from 'node:path';
import { warning, error, type Diagnostic } from '../diagnostics/index.js';
import { expandGlob } from '../keepalived-conf/index.js';
import type { HostSnapshot } from './snapshot.js';

/** The patterns of a file's include lines, comments removed. */
export function includeLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const w = raw.replace(/[#!].*$/, '').trim().split(/\s+/);
    if (w[0] === 'include' && w.length === 2) out.push(w[1]!.replace(/"/g, ''));
  }
  return out;
}

/** glob(3) over a listing function, as keepalived expands it: the reader's own expansion. */
export function expandIncludeGlob(abs: string, fsys: { list(dir: string): string[]; isFile(p: string): boolean }): string[] {
  return expandGlob(abs, { list: (d) => fsys.list(d), read: (p) => (fsys.isFile(p) ? '' : undefined) });
}

/**
 * Include loops (a file that includes itself through any chain) and patterns that match nothing,
 * named with the including file. keepalived itself recurses until it runs out of file handles.
 */
export function includeFindings(s: HostSnapshot): Diagnostic[] {
  const ds: Diagnostic[] = [];
  const files = [...s.files.keys()].filter((p) => s.roles.get(p) === 'keepalived');
  const edges = new Map<string, string[]>();
  for (const inc of s.includes) {
    const matches = expandIncludeGlob(inc.pattern, {
      list: (d) => files.filter((f) => path.posix.dirname(f) === d).map((f) => path.posix.basename(f)).concat(dirsUnder(files, d)),
      isFile: (p) => s.files.get(p)?.kind === 'text',
    });
    if (matches.length === 0) ds.push(warning('import-include-empty', `include ${inc.pattern} matches no file (keepalived skips it)`, { host: s.host, file: inc.from }));
    edges.set(inc.from, [...(edges.get(inc.from) ?? []), ...matches]);
  }
  const reported = new Set<string>();
  const walk = (f: string, chain: string[]): void => {
    for (const n of edges.get(f) ?? []) {
      if (chain.includes(n)) {
        const loop = [...chain.slice(chain.indexOf(n)), n].join(' → ');
        if (!reported.has(loop)) {
          reported.add(loop);
          ds.push(error('import-include-loop', `include loop: ${loop}`, { host: s.host, file: f }, 'keepalived recurses until it fails: remove the include that closes the loop'));
        }
      } else if (chain.length < 32) walk(n, [...chain, n]);
    }
  };
  walk(s.keepalivedConf, [s.keepalivedConf]);
  return ds;
}

function dirsUnder(files: string[], d: string): string[] {
  const out = new Set<string>();
  const prefix = d.endsWith('/') ? d : d + '/';
  for (const f of files) if (f.startsWith(prefix)) { const rest = f.slice(prefix.length); if (rest.includes('/')) out.add(rest.split('/')[0]!); }
  return [...out];
}
