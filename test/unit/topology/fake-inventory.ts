/**
 * Inventory values for unit tests, built in memory (the inventory loader is another module; the
 * lint fixtures use the real loader once it exists). whereOf answers `mem` + the key path.
 */
import type { Where } from '../../../src/diagnostics/index.js';
import type { Group, Host, Inventory, Vars } from '../../../src/inventory/types.js';

export interface FakeSpec {
  /** Variables of group `all` (hafleet_clusters usually). */
  all?: Vars;
  /** Groups with their hosts (name → host vars). */
  groups: Record<string, Record<string, Vars>>;
  /** Per-host variables set on top of the group ones (host_vars). */
  hostVars?: Record<string, Vars>;
}

export function fakeInventory(spec: FakeSpec): Inventory {
  const hosts = new Map<string, Host>();
  const groups = new Map<string, Group>();
  groups.set('all', { name: 'all', hosts: [], children: Object.keys(spec.groups), vars: spec.all ?? {}, where: { file: 'mem' } });
  const origin = new Map<string, string>();
  for (const [g, members] of Object.entries(spec.groups)) {
    groups.set(g, { name: g, hosts: Object.keys(members), children: [], vars: {}, where: { file: 'mem' } });
    for (const [h, vars] of Object.entries(members)) {
      let host = hosts.get(h);
      if (!host) {
        host = { name: h, vars: { ...(spec.all ?? {}) }, groups: ['all'], where: { file: 'mem' } };
        hosts.set(h, host);
      }
      host.groups.push(g);
      Object.assign(host.vars, vars, spec.hostVars?.[h] ?? {});
      for (const k of Object.keys(spec.hostVars?.[h] ?? {})) origin.set(`${h}/${k}`, `host_vars/${h}.yml`);
    }
  }
  return {
    path: '.', dir: '.', hosts, groups,
    whereOf(host: string, path: readonly (string | number)[]): Where {
      const file = origin.get(`${host}/${path[0]}`) ?? (spec.all && String(path[0]) in spec.all ? 'group_vars/all.yml' : `hosts.yml`);
      return { file };
    },
  };
}
