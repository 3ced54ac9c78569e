import { error, type Diagnostic } from '../diagnostics/index.js';
import type { Inventory, VarValue } from '../inventory/types.js';
import { didYouMean } from './did-you-mean.js';
import { whereAt, type KeyPath } from './where.js';

const cache = new WeakMap<Inventory, Map<string, string[]>>();

/** Every group's hosts, children included, in host declaration order. */
export function groupMembers(inv: Inventory): Map<string, string[]> {
  let m = cache.get(inv);
  if (m) return m;
  m = new Map([...inv.groups.keys()].map((g) => [g, [] as string[]]));
  for (const h of inv.hosts.values()) {
    for (const g of h.groups) {
      let list = m.get(g);
      if (!list) m.set(g, (list = []));
      list.push(h.name);
    }
  }
  cache.set(inv, m);
  return m;
}

/**
 * `directors: lbs` (a group) or `directors: [lb1, lb2]` (hosts, in priority order) → host names.
 * Unknown names are diagnostics; the known ones are still returned.
 */
export function resolveHosts(inv: Inventory, value: VarValue, at: { host: string; path: KeyPath }, diags: Diagnostic[]): string[] {
  const groups = groupMembers(inv);
  if (typeof value === 'string') {
    const members = groups.get(value);
    if (members) return members;
    if (inv.hosts.has(value)) return [value];
    const guess = didYouMean(value, groups.keys());
    diags.push(error('unknown-group', `no group or host named ${value}`, whereAt(inv, at.host, at.path),
      guess ? `did you mean ${guess}?` : 'name a group of the inventory, or list host names'));
    return [];
  }
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  value.forEach((name, i) => {
    if (typeof name !== 'string') return;
    if (inv.hosts.has(name)) { if (!out.includes(name)) out.push(name); return; }
    const guess = didYouMean(name, inv.hosts.keys());
    diags.push(error('unknown-host', `no host named ${name} in the inventory`, whereAt(inv, at.host, [...at.path, i]),
      guess ? `did you mean ${guess}?` : 'add the host to the inventory or fix the name'));
  });
  return out;
}
