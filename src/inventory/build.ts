import { error, type Diagnostic, type Where } from '../diagnostics/index.js';
import type { InventoryBuilder, RawGroup, VarLayer } from './builder.js';
import type { Group, Host, Inventory, VarValue, Vars } from './types.js';
import { isTemplated, renderString, TemplateError } from './jinja.js';

/*
 * Variable precedence, lowest first, as Ansible's VariableManager.get_vars combines them for a
 * host with the default VARIABLE_PRECEDENCE and hash_behaviour=replace (a later level replaces a
 * top-level key whole; dictionaries are not merged):
 *
 *   1. `all` group vars from the inventory sources
 *   2. every other group's vars from the inventory sources, groups in sort order
 *   3. group_vars/all
 *   4. group_vars/<group>, groups in sort order
 *   5. host vars from the inventory sources (later declarations of the same host win)
 *   6. host_vars/<host>
 *
 * Group sort order is Ansible's sort_groups: depth first (distance from `all` along the longest
 * path, so a parent always comes before its child), then `ansible_group_priority` (default 1;
 * only read from inventory sources, as in Ansible), then name. Within one level, later files
 * and later declarations win. Command-line, play and role levels do not exist in hafleet.
 */

/** Builds the Inventory value: reconciles `all`/`ungrouped`, checks loops, merges vars. */
/** `env` is what `lookup('env', …)` in a templated value reads (the caller's environment). */
export function buildInventory(b: InventoryBuilder, path: string, dir: string, out: Diagnostic[], env: NodeJS.ProcessEnv = {}): Inventory {
  attachOrphans(b);
  breakLoops(b, out);
  const prioritySettings = settingsOutOfVars(b);
  reconcileUngrouped(b);
  const depth = depths(b);
  const priority = new Map<string, number>();
  for (const g of b.groups.values()) priority.set(g.name, groupPriority(prioritySettings.get(g.name)));
  const order = (x: string, y: string) =>
    depth.get(x)! - depth.get(y)! || priority.get(x)! - priority.get(y)! || (x < y ? -1 : x > y ? 1 : 0);

  const groups = new Map<string, Group>();
  for (const g of b.groups.values()) {
    groups.set(g.name, { name: g.name, hosts: g.hosts, children: g.children, vars: merge([...g.layers, ...g.fileLayers]), where: Object.keys(g.where).length ? g.where : { file: path } });
  }

  const directGroups = new Map<string, string[]>();
  for (const g of b.groups.values()) for (const h of g.hosts) push(directGroups, h, g.name);

  // Hosts with the same direct groups share their sorted groups and group-level vars: with
  // hundreds of hosts in a handful of groups, group layers are merged once, not once per host.
  const ancestors = ancestorSets(b);
  const shared = new Map<string, { groups: string[]; layers: VarLayer[]; vars: Vars }>();
  const all = b.groups.get('all')!;
  const hosts = new Map<string, Host>();
  const hostLayers = new Map<string, VarLayer[]>();
  for (const raw of b.hosts.values()) {
    const direct = directGroups.get(raw.name) ?? [];
    const signature = direct.join('\0');
    let s = shared.get(signature);
    if (!s) {
      const set = new Set<string>();
      for (const d of direct) for (const a of ancestors.get(d)!) set.add(a);
      set.delete('all');
      const sorted = [...set].sort(order);
      const gs = sorted.map((n) => b.groups.get(n)!);
      const layers = [...all.layers, ...gs.flatMap((g) => g.layers), ...all.fileLayers, ...sourceMajor(gs)];
      s = { groups: ['all', ...sorted], layers, vars: merge(layers) };
      shared.set(signature, s);
    }
    const own = [...raw.layers, ...raw.fileLayers];
    hostLayers.set(raw.name, own.length ? [...s.layers, ...own] : s.layers);
    // Hosts without vars of their own share one frozen object: nobody may write into it.
    const vars = own.length ? Object.freeze(Object.assign({}, s.vars, ...own.map((l) => l.vars))) : s.vars;
    hosts.set(raw.name, { name: raw.name, vars, groups: s.groups, where: raw.where });
  }

  const whereOf = (host: string, keyPath: readonly (string | number)[]): Where => {
    const layers = hostLayers.get(host);
    const h = hosts.get(host);
    if (!layers || !h) return {};
    if (keyPath.length === 0) return h.where;
    const top = String(keyPath[0]);
    for (let i = layers.length - 1; i >= 0; i--) {
      if (Object.prototype.hasOwnProperty.call(layers[i].vars, top)) return layers[i].locate(keyPath);
    }
    return h.where;
  };
  renderTemplates(hosts, whereOf, env, out);
  return {
    path,
    dir,
    hosts,
    groups,
    whereOf,
  };
}

/**
 * group_vars/ layers of a host's groups (sorted), source by source: Ansible's vars plugins merge
 * all groups of one inventory source, then the next source's on top
 * (get_vars_from_inventory_sources), so with two sources the second's group_vars/<low> beats the
 * first's group_vars/<high>. With one source this is the group order. (Array sort is stable.)
 */
function sourceMajor(gs: readonly RawGroup[]): VarLayer[] {
  return gs.flatMap((g) => g.fileLayers).sort((x, y) => (x.source ?? 0) - (y.source ?? 0));
}

/**
 * Variables hafleet itself reads (its own prefixes, and the connection variables of
 * connection.ts): a template left unrendered in one of them is an error.
 */
const OWN_KEY = /^(hafleet_|vrrp_|realserver_|unicast_)|^service_manager$|^ansible_(host|port|user|become|become_method|become_user|private_key_file|ssh_(host|port|user|private_key_file|common_args|extra_args|args))$/;

const templated = new WeakMap<object, boolean>();
function hasTemplate(v: VarValue): boolean {
  if (typeof v === 'string') return isTemplated(v);
  if (v === null || typeof v !== 'object') return false;
  let r = templated.get(v);
  if (r === undefined) templated.set(v, (r = (Array.isArray(v) ? v : Object.values(v)).some(hasTemplate)));
  return r;
}

/**
 * Ansible renders `{{ … }}` in variables when it uses them; hafleet renders them once, per host,
 * with the subset in jinja.ts (variables of the host, inventory_hostname, group_names, groups,
 * hostvars, lookup('env')). A value it cannot render stays as written; in a key hafleet reads that
 * is an error naming the key, elsewhere (variables of Ansible roles, facts) it does not matter.
 */
function renderTemplates(hosts: Map<string, Host>, whereOf: (h: string, p: readonly (string | number)[]) => Where, env: NodeJS.ProcessEnv, out: Diagnostic[]): void {
  if (![...hosts.values()].some((h) => hasTemplate(h.vars))) return;
  const members: Record<string, string[]> = {};
  for (const h of hosts.values()) for (const g of h.groups) (members[g] ??= []).push(h.name);
  const rendered = new Map<string, Map<string, VarValue | undefined>>();
  const pending = new Set<string>();
  const seen = new Set<string>();
  const hostvars: Record<string, VarValue> = {};
  for (const name of hosts.keys()) {
    Object.defineProperty(hostvars, name, { enumerable: true, get: () => varsOf(name) });
  }
  const varsOf = (host: string): VarValue => {
    const o: Record<string, VarValue> = {};
    for (const k of Object.keys(hosts.get(host)!.vars)) Object.defineProperty(o, k, { enumerable: true, get: () => lookup(host, k) ?? null });
    return o;
  };
  const magic = (host: string, name: string): VarValue | undefined => {
    const h = hosts.get(host)!;
    switch (name) {
      case 'inventory_hostname': return host;
      case 'inventory_hostname_short': return host.split('.')[0]!;
      case 'group_names': return h.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
      case 'groups': return members;
      case 'hostvars': return hostvars;
      default: return undefined;
    }
  };
  const lookup = (host: string, name: string): VarValue | undefined => {
    const vars = hosts.get(host)!.vars;
    if (!Object.prototype.hasOwnProperty.call(vars, name)) return magic(host, name);
    let cache = rendered.get(host);
    if (!cache) rendered.set(host, (cache = new Map()));
    if (cache.has(name)) return cache.get(name);
    const key = `${host}\0${name}`;
    if (pending.has(key)) throw new TemplateError(`${name} refers to itself`);
    pending.add(key);
    try {
      const v = renderValue(host, [name], vars[name]!);
      cache.set(name, v);
      return v;
    } finally {
      pending.delete(key);
    }
  };
  const renderValue = (host: string, path: (string | number)[], v: VarValue): VarValue => {
    if (!hasTemplate(v)) return v;
    if (typeof v === 'string') {
      try {
        return renderString(v, { lookup: (n) => lookup(host, n), env });
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        const top = String(path[0]);
        if (OWN_KEY.test(top)) {
          const where = whereOf(host, path);
          const id = `${where.file}:${where.line}:${where.col}:${e.message}`;
          if (!seen.has(id)) {
            seen.add(id);
            out.push(error('inventory-template', `${path.join('.')}: cannot render ${JSON.stringify(v)}: ${e.message}`, { ...where, host },
              "hafleet evaluates variables, hostvars/groups/inventory_hostname, lookup('env', …) and the filters default, int, string, bool, lower, upper, trim, join, first, last, length, replace; write the value itself otherwise"));
          }
        }
        return v;
      }
    }
    if (Array.isArray(v)) return v.map((x, i) => renderValue(host, [...path, i], x));
    return Object.fromEntries(Object.entries(v as Record<string, VarValue>).map(([k, x]) => [k, renderValue(host, [...path, k], x)]));
  };
  for (const h of [...hosts.values()]) {
    if (!hasTemplate(h.vars)) continue;
    const vars: Vars = {};
    for (const k of Object.keys(h.vars)) vars[k] = lookup(h.name, k)!;
    hosts.set(h.name, { ...h, vars: Object.freeze(vars) });
  }
  // What rendered may still hold a template: a cycle through a variable hafleet does not read
  // (`a: "{{ b }}"`, `b: "{{ a }}"` leaves b literal, so a renders to "{{ a }}"), or a lookup('env')
  // whose value is one. hafleet never writes a template literally into a config.
  for (const h of hosts.values()) {
    for (const [k, v] of Object.entries(h.vars)) {
      if (!OWN_KEY.test(k)) continue;
      for (const path of templatedPaths(v, [k])) {
        const where = whereOf(h.name, path);
        const id = `${where.file}:${where.line}:${where.col}`;
        if ([...seen].some((x) => x.startsWith(id + ':'))) continue;
        seen.add(`${id}:left`);
        out.push(error('inventory-template', `${path.join('.')}: still holds a template after rendering: a variable that refers back to itself (a cycle), or a template hafleet cannot evaluate`,
          { ...where, host: h.name }, 'write the value itself; hafleet never writes {{ … }} or {% … %} into a config'));
      }
    }
  }
}

/** Key paths under `v` whose string still holds {{ or {% after rendering. */
function templatedPaths(v: VarValue, path: (string | number)[]): (string | number)[][] {
  if (typeof v === 'string') return v.includes('{{') || v.includes('{%') ? [path] : [];
  if (v === null || typeof v !== 'object') return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => templatedPaths(x, [...path, i]));
  return Object.entries(v).flatMap(([k, x]) => templatedPaths(x, [...path, k]));
}

/** Later layers replace earlier top-level keys (hash_behaviour=replace). Values are frozen and shared. */
function merge(layers: readonly VarLayer[]): Vars {
  const out: Vars = {};
  for (const l of layers) {
    deepFreeze(l.vars);
    Object.assign(out, l.vars);
  }
  return Object.freeze(out);
}

function deepFreeze(v: VarValue): void {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const x of Array.isArray(v) ? v : Object.values(v)) deepFreeze(x);
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

/** Ansible's reconcile_inventory: a group without a parent becomes a child of `all`. */
function attachOrphans(b: InventoryBuilder): void {
  for (const g of b.groups.values()) if (g.name !== 'all' && g.parents.length === 0) b.addChild('all', g.name);
}

/** A host in some group other than all/ungrouped is not ungrouped; one in none of them is. */
function reconcileUngrouped(b: InventoryBuilder): void {
  const grouped = new Set<string>();
  for (const g of b.groups.values()) if (g.name !== 'all' && g.name !== 'ungrouped') for (const h of g.hosts) grouped.add(h);
  const ungrouped = b.groups.get('ungrouped')!;
  // Ansible's reconcile_inventory (once, after every source): hosts a source put in ungrouped
  // itself (an INI file's top lines) stay first, in their order; other hosts of no group follow
  // in declaration order. With two sources, b's top lines come before a's `all: hosts:`.
  const explicit = ungrouped.hosts.filter((h) => !grouped.has(h));
  const kept = new Set(explicit);
  ungrouped.hosts = [...explicit, ...[...b.hosts.keys()].filter((h) => !grouped.has(h) && !kept.has(h))];
  ungrouped.hostSet = new Set(ungrouped.hosts);
}

/** A group that is its own ancestor is an error (Ansible: "recursive dependency loop"). */
function breakLoops(b: InventoryBuilder, out: Diagnostic[]): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (g: RawGroup, trail: string[]): void => {
    state.set(g.name, 'visiting');
    for (const c of [...g.children]) {
      const child = b.groups.get(c)!;
      if (state.get(c) === 'visiting') {
        const loop = [...trail.slice(trail.indexOf(c)), g.name, c].join(' → ');
        out.push(error('inventory-structure', `group '${c}' is its own ancestor: ${loop}`, child.where, `remove '${c}' from the children of '${g.name}'`));
        b.removeChild(g.name, c);
      } else if (!state.has(c)) visit(child, [...trail, g.name]);
    }
    state.set(g.name, 'done');
  };
  for (const g of b.groups.values()) if (!state.has(g.name)) visit(g, []);
  // A loop that hung off nothing is now parentless: give it to `all` as Ansible would.
  attachOrphans(b);
}

/** Depth = longest path from `all`, as Ansible's add_child_group keeps it. */
function depths(b: InventoryBuilder): Map<string, number> {
  const depth = new Map<string, number>();
  const of = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const g = b.groups.get(name)!;
    const d = name === 'all' ? 0 : Math.max(0, ...g.parents.map((p) => of(p) + 1));
    depth.set(name, d);
    return d;
  };
  for (const name of b.groups.keys()) of(name);
  return depth;
}

/** Each group with all its ancestors (itself included). */
function ancestorSets(b: InventoryBuilder): Map<string, Set<string>> {
  const memo = new Map<string, Set<string>>();
  const of = (name: string): Set<string> => {
    const known = memo.get(name);
    if (known) return known;
    const set = new Set<string>([name]);
    memo.set(name, set);
    for (const p of b.groups.get(name)!.parents) for (const a of of(p)) set.add(a);
    return set;
  };
  for (const name of b.groups.keys()) of(name);
  return memo;
}

/** `ansible_group_priority` from inventory sources only; Ansible ignores it in group_vars/. */
function groupPriority(v: VarValue | undefined): number {
  if (v === undefined) return 1;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : 1;
}

/**
 * A group's `ansible_group_priority` in an inventory source is a setting of the group, not a
 * variable: Ansible's Group.set_variable stores it as the priority and no host ever sees it
 * (ansible-inventory --list never shows it in hostvars). In group_vars/ it is a plain variable.
 */
function settingsOutOfVars(b: InventoryBuilder): Map<string, VarValue> {
  const priorities = new Map<string, VarValue>();
  for (const g of b.groups.values()) {
    g.layers = g.layers.map((l) => {
      if (!Object.prototype.hasOwnProperty.call(l.vars, 'ansible_group_priority')) return l;
      priorities.set(g.name, l.vars.ansible_group_priority!);
      const { ansible_group_priority: _, ...vars } = l.vars;
      return { vars, locate: l.locate };
    });
  }
  return priorities;
}
