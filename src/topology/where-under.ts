import type { Where } from '../diagnostics/index.js';
import type { Inventory, VarValue } from '../inventory/types.js';
import type { Source, VrrpInstance, VrrpMember } from './types.js';
import { whereAt } from './where.js';

/** Position of a key under a model element (`vrrp.auth_pass` of a cluster, `vrid` of an instance). */
export function whereUnder(inv: Inventory, source: Source | undefined, sub: readonly (string | number)[], host?: string): Where {
  if (!source) return host ? { host } : {};
  const w = whereAt(inv, source.host, [...source.path, ...sub]);
  return host ? { ...w, host } : w;
}

/** Position of a host's own variable (host_vars or the inventory line), with the host named. */
export function hostVarAt(inv: Inventory, host: string, name: string): Where {
  return whereAt(inv, host, [name], true);
}

/** The raw value the user wrote under a model element, or undefined. */
export function rawAt(inv: Inventory, source: Source | undefined, sub: readonly (string | number)[] = []): VarValue | undefined {
  if (!source) return undefined;
  let v: VarValue | undefined = inv.hosts.get(source.host)?.vars;
  for (const step of [...source.path, ...sub]) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = Array.isArray(v) ? (typeof step === 'number' ? v[step] : undefined) : (v as Record<string, VarValue>)[String(step)];
  }
  return v;
}

/** Where a member's priority was set: the instance's `priorities:`, the host's `vrrp_priority`, or derived. */
export function priorityAt(inv: Inventory, inst: VrrpInstance, m: VrrpMember): Where {
  if (rawAt(inv, inst.source, ['priorities', m.host]) !== undefined) return whereUnder(inv, inst.source, ['priorities', m.host], m.host);
  if (inv.hosts.get(m.host)?.vars.vrrp_priority !== undefined) return hostVarAt(inv, m.host, 'vrrp_priority');
  return whereUnder(inv, inst.source, [], m.host);
}
