import type { Where } from '../diagnostics/index.js';
import type { Vars } from './types.js';

/**
 * One set of variables from one place (an inventory `vars:` block, a host line, a
 * group_vars file), with a way to find where a (nested) key of it was written.
 */
export interface VarLayer {
  vars: Vars;
  locate(path: readonly (string | number)[]): Where;
  /** Which inventory source's group_vars/host_vars it came from (several -i): 0 for the first. */
  source?: number;
}

export interface RawGroup {
  name: string;
  hosts: string[];
  hostSet: Set<string>;
  children: string[];
  parents: string[];
  /** From inventory sources, in reading order. */
  layers: VarLayer[];
  /** From group_vars/, in file order. */
  fileLayers: VarLayer[];
  where: Where;
}

export interface RawHost {
  name: string;
  where: Where;
  layers: VarLayer[];
  fileLayers: VarLayer[];
}

/**
 * The inventory as the readers declare it, before precedence is applied. Several sources (the
 * files of an inventory directory) write into one builder, as Ansible's InventoryData does.
 */
export class InventoryBuilder {
  readonly groups = new Map<string, RawGroup>();
  readonly hosts = new Map<string, RawHost>();

  constructor() {
    this.group('all', {});
    this.group('ungrouped', {});
    this.addChild('all', 'ungrouped');
  }

  group(name: string, where: Where): RawGroup {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, hosts: [], hostSet: new Set(), children: [], parents: [], layers: [], fileLayers: [], where };
      this.groups.set(name, g);
    }
    return g;
  }

  host(name: string, where: Where): RawHost {
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, where, layers: [], fileLayers: [] };
      this.hosts.set(name, h);
    }
    return h;
  }

  addHost(group: string, host: string): void {
    const g = this.groups.get(group)!;
    if (g.hostSet.has(host)) return;
    g.hostSet.add(host);
    g.hosts.push(host);
  }

  addChild(parent: string, child: string): void {
    const p = this.groups.get(parent)!;
    const c = this.groups.get(child)!;
    if (p.children.includes(child)) return;
    p.children.push(child);
    c.parents.push(parent);
  }

  removeChild(parent: string, child: string): void {
    const p = this.groups.get(parent)!;
    const c = this.groups.get(child)!;
    p.children = p.children.filter((x) => x !== child);
    c.parents = c.parents.filter((x) => x !== parent);
  }
}

/** A layer whose keys each have one known position (INI lines, ports). */
export function flatLayer(vars: Vars, keyWhere: Record<string, Where>, fallback: Where): VarLayer {
  return { vars, locate: (path) => (path.length ? keyWhere[String(path[0])] : undefined) ?? fallback };
}
