import type { Where } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';
import type { VrrpInstance, VrrpMember } from '../topology/index.js';
import { at, hostVarAt, rawAt } from './at.js';

/** Where a member's priority was set: the instance's `priorities:`, the host's `vrrp_priority`, or derived. */
export function priorityAt(inv: Inventory, inst: VrrpInstance, m: VrrpMember): Where {
  if (rawAt(inv, inst.source, ['priorities', m.host]) !== undefined) return at(inv, inst.source, ['priorities', m.host], m.host);
  if (inv.hosts.get(m.host)?.vars.vrrp_priority !== undefined) return hostVarAt(inv, m.host, 'vrrp_priority');
  return at(inv, inst.source, [], m.host);
}
