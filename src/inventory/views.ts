import { maskSecrets } from './secrets.js';
import type { Inventory, Vars } from './types.js';

/** One group in `ansible-inventory --list` output. */
export interface AnsibleListGroup {
  hosts?: string[];
  children?: string[];
}

/** `ansible-inventory --list`: groups by name plus `_meta.hostvars`, keys sorted. */
export type AnsibleList = { _meta: { hostvars: Record<string, Vars> } } & Record<string, AnsibleListGroup | { hostvars: Record<string, Vars> }>;

/**
 * The inventory in `ansible-inventory --list` layout, as its json_inventory builds it: each group
 * with `hosts` (direct members among the selected hosts) and `children`; `all` never lists
 * hosts; a group left with neither key is dropped (while its parent still names it as a child,
 * as Ansible does with an empty `ungrouped`); `_meta.hostvars` has the merged vars of each
 * selected host that has any. Keys are sorted (Ansible dumps with sort_keys). Secrets are masked.
 */
export function toAnsibleList(inv: Inventory, hosts?: readonly string[]): AnsibleList {
  const available = new Set(hosts ?? inv.hosts.keys());
  const groups: Record<string, AnsibleListGroup> = {};
  const seen = new Set<string>(['all']);
  const format = (name: string): void => {
    const g = inv.groups.get(name);
    if (!g) return;
    const entry: AnsibleListGroup = {};
    if (name !== 'all') {
      const hs = g.hosts.filter((h) => available.has(h));
      if (hs.length) entry.hosts = hs;
    }
    if (g.children.length) entry.children = [...g.children];
    for (const c of g.children) {
      if (seen.has(c)) continue;
      seen.add(c);
      format(c);
    }
    if (entry.hosts || entry.children) groups[name] = entry;
  };
  format('all');

  const hostvars: Record<string, Vars> = {};
  for (const name of [...inv.hosts.keys()].filter((h) => available.has(h)).sort()) {
    const vars = inv.hosts.get(name)!.vars;
    if (Object.keys(vars).length) hostvars[name] = maskSecrets(vars);
  }
  const result: Record<string, unknown> = {};
  for (const key of ['_meta', ...Object.keys(groups)].sort()) result[key] = key === '_meta' ? { hostvars } : groups[key];
  return result as AnsibleList;
}

/**
 * `ansible-inventory --graph`: `@all:` then each child group indented with `  |--`, a group's
 * hosts after its children; `all` lists no hosts of its own. Declaration order, as ansible-core
 * prints it. With `hosts`, only those hosts are shown.
 */
export function toGraph(inv: Inventory, hosts?: readonly string[], start = 'all'): string {
  const available = hosts ? new Set(hosts) : undefined;
  const lines: string[] = [];
  const name = (text: string, depth: number) => (depth ? '  |'.repeat(depth) + '--' + text : text);
  const walk = (group: string, depth: number, trail: ReadonlySet<string>): void => {
    const g = inv.groups.get(group);
    if (!g) return;
    lines.push(name(`@${group}:`, depth));
    for (const c of g.children) if (!trail.has(c)) walk(c, depth + 1, new Set([...trail, c]));
    if (group !== 'all') for (const h of g.hosts) if (!available || available.has(h)) lines.push(name(h, depth + 1));
  };
  walk(start, 0, new Set([start]));
  return lines.join('\n');
}

/** `ansible-inventory --host H`: the host's merged vars, keys sorted, secrets masked. */
export function hostVars(inv: Inventory, host: string): Vars | undefined {
  const h = inv.hosts.get(host);
  return h ? maskSecrets(h.vars) : undefined;
}
