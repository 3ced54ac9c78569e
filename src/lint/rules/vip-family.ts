import { error } from '../../diagnostics/index.js';
import { parseAddress, whereUnder } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * One VRRP instance speaks one IP version: keepalived takes the family of the first VIP and
 * ignores the VIPs of the other one; and IPv6 is VRRPv3 only (RFC 3768 is IPv4; keepalived 2.2.7
 * would send non-standard VRRPv2 over IPv6 with an explicit `version 2`, the agent refuses it).
 */
export const vipFamily: Rule = {
  code: 'vip-family',
  summary: 'IPv4 and IPv6 VIPs in one instance, IPv6 VIPs with VRRPv2 or with IPv4 unicast peers',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => c.instances.flatMap((i) => {
    const v6 = i.vips.filter((v) => parseAddress(v.address)?.kind() === 'ipv6');
    if (v6.length === 0) return [];
    if (v6.length < i.vips.length) {
      const first = i.vips[0]!;
      const odd = i.vips.find((v) => (parseAddress(v.address)?.kind() === 'ipv6') !== (parseAddress(first.address)?.kind() === 'ipv6'))!;
      return [error('vip-family', `${odd.address} is not of the same IP version as ${first.address} in instance ${i.name}`, odd.where,
        'keepalived would ignore it: put the IPv4 and the IPv6 VIPs in separate instances (instances: with their own vrid)')];
    }
    const v4peer = i.unicast ? i.members.find((m) => m.unicastSrcIp !== undefined && parseAddress(m.unicastSrcIp)?.kind() !== 'ipv6') : undefined;
    if (v4peer) {
      return [error('vip-family', `instance ${i.name} has IPv6 VIPs and runs unicast, but director ${v4peer.host} would send from ${v4peer.unicastSrcIp}, an IPv4 address`, c.source ? whereUnder(inv, c.source, ['vrrp', 'unicast']) : v6[0]!.where,
        'IPv6 VRRP goes to ff02::12 by itself: leave vrrp.unicast off for this cluster, or give the directors IPv6 unicast_src_ip')];
    }
    if (i.version === 2) {
      return [error('vip-family', `instance ${i.name} has IPv6 VIPs (${v6[0]!.address}) but VRRP version 2, which is IPv4 only`, c.source ? whereUnder(inv, c.source, ['vrrp', 'version']) : v6[0]!.where,
        'set vrrp: { version: 3 } (and drop auth_pass: VRRPv3 has no authentication)')];
    }
    return [];
  })),
};
