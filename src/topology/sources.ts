import type { Inventory, VarValue } from '../inventory/types.js';

type Obj = Record<string, VarValue>;

/** One way a cluster is written, and the hosts that see it so. */
export interface ClusterVariant {
  /** First host (declaration order) that sees this variant; whereOf is asked through it. */
  host: string;
  index: number;
  value: Obj;
  hosts: string[];
}

/** A cluster by name: the variant the topology is built from (the first seen) and any others. */
export interface ClusterSource {
  name: string;
  canonical: ClusterVariant;
  variants: ClusterVariant[];
  /** Later entries of one list with the same name (an error). */
  duplicates: { host: string; index: number }[];
}

const cache = new WeakMap<Inventory, ClusterSource[]>();

/**
 * `hafleet_clusters` as the hosts see it. Ansible replaces (does not merge) a top-level variable,
 * so hosts whose variable comes from the same file position see the same value: they are grouped
 * without comparing values, which keeps 1,000 hosts fast.
 */
export function clusterSources(inv: Inventory): ClusterSource[] {
  const hit = cache.get(inv);
  if (hit) return hit;
  const byName = new Map<string, ClusterSource>();
  const byPosition = new Map<string, { host: string; list: VarValue[] }>();
  let last: { raw: VarValue; key: string } | undefined;
  const keyByJson = new Map<string, string>();
  for (const host of inv.hosts.values()) {
    const raw = host.vars.hafleet_clusters;
    if (!Array.isArray(raw)) continue;
    let key: string;
    if (last && last.raw === raw) key = last.key;
    else {
      const w = inv.whereOf(host.name, ['hafleet_clusters']);
      // Without a line, a position does not identify a value: compare the values instead.
      key = w.file && w.line !== undefined ? `${w.file}:${w.line}:${w.col}` : '';
      if (!key) {
        const json = JSON.stringify(raw);
        key = keyByJson.get(json) ?? `host:${host.name}`;
        keyByJson.set(json, key);
      }
    }
    last = { raw, key };
    const seen = byPosition.get(key);
    if (!seen) byPosition.set(key, { host: host.name, list: raw });
    addHost(byName, host.name, seen ? seen.host : host.name, seen ? seen.list : raw);
  }
  const out = [...byName.values()];
  cache.set(inv, out);
  return out;
}

// Variant identity is by JSON text; computed once per distinct position, not per host.
const jsonOf = new WeakMap<object, string>();
function json(v: Obj): string {
  let s = jsonOf.get(v);
  if (s === undefined) { s = JSON.stringify(v); jsonOf.set(v, s); }
  return s;
}

function addHost(byName: Map<string, ClusterSource>, host: string, firstHost: string, list: VarValue[]): void {
  const names = new Set<string>();
  list.forEach((entry, index) => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return;
    const name = typeof entry.name === 'string' ? entry.name : `#${index}`;
    let src = byName.get(name);
    if (names.has(name)) {
      if (src && host === firstHost) src.duplicates.push({ host, index });
      return;
    }
    names.add(name);
    if (!src) {
      const v: ClusterVariant = { host: firstHost, index, value: entry, hosts: [] };
      src = { name, canonical: v, variants: [v], duplicates: [] };
      byName.set(name, src);
    }
    let variant = src.variants.find((v) => v.value === entry || json(v.value) === json(entry));
    if (!variant) {
      variant = { host: firstHost, index, value: entry, hosts: [] };
      src.variants.push(variant);
    }
    variant.hosts.push(host);
  });
}
