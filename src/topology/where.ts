import { relative, resolve } from 'node:path';
import type { Where } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';

export type KeyPath = readonly (string | number)[];

/** `['hafleet_clusters', 0, 'vrrp']` → `hafleet_clusters[0].vrrp`, as the user would write it. */
export function keyString(path: KeyPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

/**
 * Where a variable of `host` is, with the file relative to the inventory dir (messages stay short
 * and the same on every machine). `host` is added only when asked: a key in group_vars/all.yml
 * is not about one host.
 */
export function whereAt(inv: Inventory, host: string, path: KeyPath, withHost = false): Where {
  const w = inv.whereOf(host, path);
  const out: Where = {};
  // The loader may give paths relative to the working directory or absolute ones.
  if (w.file) out.file = relative(resolve(inv.dir), resolve(w.file)) || w.file;
  if (w.line !== undefined) out.line = w.line;
  if (w.col !== undefined) out.col = w.col;
  if (withHost) out.host = host;
  out.key = keyString(path);
  return out;
}
