import { error } from '../../diagnostics/index.js';
import { inSubnet, parseAddress } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * A director answers ARP for the VIP on its VRRP interface; a VIP outside that interface's subnet
 * is unreachable from the segment (and keepalived adds it with a prefix nobody routes).
 */
export const vipInSubnet: Rule = {
  code: 'vip-in-subnet',
  summary: "a VIP outside the subnet of a director's address",
  check: ({ topology }) => topology.clusters.flatMap((c) => c.instances.flatMap((i) => i.vips.flatMap((v) => i.members.flatMap((m) => {
    const addr = parseAddress(m.address);
    if (!addr || addr.kind() !== parseAddress(v.address)?.kind()) return [];
    const ok = m.prefix !== undefined ? inSubnet(v.address, m.address, m.prefix) : inSubnet(m.address, v.address, v.prefix);
    if (ok) return [];
    const subnet = m.prefix !== undefined ? `${m.address}/${m.prefix}` : `${v.address}/${v.prefix}`;
    const what = m.prefix !== undefined ? `${v.address} is outside ${m.host}'s subnet ${subnet}` : `${m.host}'s address ${m.address} is outside ${subnet}`;
    return [error('vip-in-subnet', `${what} (${i.name})`, { ...v.where, host: m.host },
      'a VIP belongs in the subnet of the directors\' VRRP interface: fix the VIP or its prefix, or the director\'s address')];
  })))),
};
