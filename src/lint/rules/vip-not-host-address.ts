import { error } from '../../diagnostics/index.js';
import type { Inventory } from '../../inventory/types.js';
import { parseAddress, addressText } from '../../topology/index.js';
import type { Rule } from '../rule.js';

function hostAddresses(inv: Inventory): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of inv.hosts.values()) {
    for (const k of ['ansible_host', 'unicast_src_ip', 'realserver_address'] as const) {
      const v = h.vars[k];
      const a = typeof v === 'string' ? parseAddress(v) : undefined;
      if (a && !out.has(addressText(a))) out.set(addressText(a), h.name);
    }
  }
  return out;
}

/** A VIP that is a host's own address moves that host's address on failover. */
export const vipNotHostAddress: Rule = {
  code: 'vip-not-host-address',
  summary: "a VIP that is a host's own address",
  check: ({ inv, topology }) => {
    const owners = hostAddresses(inv);
    return topology.clusters.flatMap((c) => c.instances.flatMap((i) => i.vips.flatMap((v) => {
      const host = owners.get(v.address);
      if (!host) return [];
      // The address owner (priority 255) legitimately carries its own address as VIP.
      if (i.members.some((m) => m.host === host && m.priority === 255)) return [];
      return [error('vip-not-host-address', `${v.address} is the address of host ${host}`, v.where,
        'pick an unused address for the VIP; on failover the other director would take the host\'s address')];
    })));
  },
};
