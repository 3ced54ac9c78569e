/**
 * The lab's IPv6, on only with `lab up --ipv6` (without it every namespace has IPv6 disabled).
 * Addresses come from 2001:2::/48, the IPv6 benchmarking prefix (RFC 5180 §8; IANA lists it as
 * not globally reachable), as the IPv4 side uses 198.18.0.0/15 (RFC 2544): no address a lab
 * hands out can be anyone's real one.
 */
import { subnetPrefix } from './names.js';

export const LAB_IPV6_PREFIX = '2001:2::/48';

/** Lab index i → the /64 `2001:2:0:<i in hex>`: index 1 → 2001:2:0:1, index 511 → 2001:2:0:1ff. */
export function subnet6Prefix(index: number): string {
  subnetPrefix(index); // the same range check as the IPv4 /24
  return `2001:2:0:${index.toString(16)}`;
}

export function subnet6Cidr(index: number): string {
  return `${subnet6Prefix(index)}::/64`;
}

/**
 * The IPv6 twin of a lab IPv4 address: its last octet's decimal digits as the last group, so
 * 198.18.1.11 → 2001:2:0:1::11 and the VIP 198.18.1.100 → 2001:2:0:1::100 read alike (the
 * group is hex: ::11 is 0x11; distinct octets still give distinct groups). A big lab's hosts past
 * its first /24 put that /24's offset in the group before: 198.18.6.7 in lab 4 → 2001:2:0:4::2:7.
 */
export function address6(index: number, ipv4: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ipv4);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) throw new Error(`not an IPv4 address: ${ipv4}`);
  const offset = (((Number(m[2]) - 18) << 8) | Number(m[3])) - index;
  if (m[1] !== '198' || offset < 0 || offset > 3) throw new Error(`${ipv4} is not in the lab block of index ${index}`);
  return `${subnet6Prefix(index)}::${offset ? `${offset}:` : ''}${Number(m[4])}`;
}

/**
 * Shell lines for a namespace, run before its `eth0` goes up. Off: IPv6 disabled (no DAD wait,
 * no router solicitations on the bridge). On: DAD off, so the link-local address is usable the
 * moment eth0 is up (the kernel skips DAD only when `all` and the device both say so); no
 * router solicitations; and no router advertisements taken, so nothing on the bridge can give a
 * namespace a default route: the admin stays without one, as on the IPv4 side.
 */
export function ipv6Setup(address6?: string): string[] {
  if (address6 === undefined) return ['echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 || true'];
  const zero = ['accept_dad', 'dad_transmits', 'router_solicitations', 'accept_ra', 'disable_ipv6'];
  return [
    `for c in all default eth0; do for k in ${zero.join(' ')}; do echo 0 > /proc/sys/net/ipv6/conf/$c/$k; done; done`,
    `ip -6 addr add ${address6}/64 dev eth0 nodad`,
  ];
}
