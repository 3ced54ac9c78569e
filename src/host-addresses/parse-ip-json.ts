import type { HostAddress, HostAddresses } from './types.js';

interface IpJsonAddr {
  family?: string;
  local?: string;
  prefixlen?: number;
  scope?: string;
  label?: string;
  secondary?: boolean;
  tentative?: boolean;
  dadfailed?: boolean;
}
interface IpJsonLink { ifname?: string; address?: string; addr_info?: IpJsonAddr[] }

/**
 * `ip -j addr` → the host's addresses (IPv4 and IPv6, lo and link-local included: callers decide
 * what counts) and MACs. Null when the text is not that JSON (an old iproute2 without `-j`, a
 * cut-off answer): the caller cannot tell what the host holds, which is not "nothing".
 */
export function parseIpJson(text: string | undefined): HostAddresses | null {
  let links: unknown;
  try {
    links = text?.trim() ? JSON.parse(text) : null;
  } catch {
    return null;
  }
  if (!Array.isArray(links)) return null;
  const addresses: HostAddress[] = [];
  const macs: Record<string, string> = {};
  for (const l of links as IpJsonLink[]) {
    if (!l || typeof l.ifname !== 'string') continue;
    if (typeof l.address === 'string' && /^[0-9a-f:]{17}$/i.test(l.address)) macs[l.ifname] = l.address.toLowerCase();
    for (const a of l.addr_info ?? []) {
      if ((a.family !== 'inet' && a.family !== 'inet6') || typeof a.local !== 'string' || typeof a.prefixlen !== 'number') continue;
      addresses.push({
        dev: l.ifname, address: a.local, prefix: a.prefixlen, family: a.family, scope: a.scope ?? 'global',
        // iproute2 prints the label for every IPv4 address, the interface's own name included.
        ...(a.label && a.label !== l.ifname ? { label: a.label } : {}),
        ...(a.secondary ? { secondary: true as const } : {}),
        ...(a.tentative ? { tentative: true as const } : {}),
        ...(a.dadfailed ? { dadfailed: true as const } : {}),
      });
    }
  }
  return { addresses, macs };
}
