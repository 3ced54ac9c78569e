import type { HostAddress } from './types.js';

/**
 * What placement reads of an address: a parsed `HostAddress`, or a facts `AddressFact` (which
 * carries no DAD state: it counts as not failed).
 */
export type PlacementAddress = Pick<HostAddress, 'address' | 'dev' | 'dadfailed'>;

/**
 * VIP → the hosts that hold it now, in the order the hosts are given. A VIP counts on any
 * interface but lo: a realserver's VIP on lo (LVS-DR) serves traffic but does not answer ARP for
 * it, so it is not placement. A tentative IPv6 address counts (the host has claimed it, as
 * keepalived's VIPs are), a DAD-failed one does not (the kernel will not use it). A host whose
 * addresses are unknown (null: not reachable) holds nothing here; callers that must tell
 * "unknown" from "not holding" check for null themselves.
 */
export function vipHolders(addressesByHost: ReadonlyMap<string, readonly PlacementAddress[] | null>, vips: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const vip of vips) {
    out[vip] = [...addressesByHost].filter(([, addrs]) => addrs?.some((a) => holds(a, vip))).map(([host]) => host);
  }
  return out;
}

/** Whether this address is the VIP, held for placement (see vipHolders). */
export function holds(a: PlacementAddress, vip: string): boolean {
  return a.address === vip && a.dev !== 'lo' && !a.dadfailed;
}
