import ipaddr from 'ipaddr.js';
import { error, type Diagnostic } from '../diagnostics/index.js';
import type { Inventory, VarValue } from '../inventory/types.js';
import type { Vip } from './types.js';
import { whereAt, type KeyPath } from './where.js';

/** Parse an address; undefined when it is not one. IPv6 text is normalised (RFC 5952). */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!ipaddr.isValid(text)) return undefined;
  const a = ipaddr.parse(text);
  // ipaddr accepts "10" or "0x0a000001" as IPv4; a VIP must be written as a dotted quad.
  if (a.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return a;
}

export function addressText(a: ipaddr.IPv4 | ipaddr.IPv6): string {
  return a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
}

/** Whether `address` lies in `network/prefix` (false across families or on bad input). */
export function inSubnet(address: string, network: string, prefix: number): boolean {
  const a = parseAddress(address);
  const n = parseAddress(network);
  if (!a || !n || a.kind() !== n.kind()) return false;
  return a.match(n, prefix);
}

interface VipContext {
  inv: Inventory;
  host: string;
  path: KeyPath;
  dev: string;
  /** The director subnet's prefix when the inventory gives one (vrrp_prefix). */
  defaultPrefix?: number;
}

/** One entry of `vips:`: `198.18.0.100/24`, `198.18.0.100`, or `{address, dev, label}`. */
export function parseVip(raw: VarValue, c: VipContext, diags: Diagnostic[]): Vip | undefined {
  const where = whereAt(c.inv, c.host, c.path);
  let text: string;
  let dev = c.dev;
  let label: string | undefined;
  let noLabel = false;
  let devExplicit = false;
  if (typeof raw === 'string') text = raw;
  else if (raw && typeof raw === 'object' && !Array.isArray(raw) && typeof raw.address === 'string') {
    text = raw.address;
    if (typeof raw.dev === 'string') { dev = raw.dev; devExplicit = true; }
    if (typeof raw.label === 'string') label = raw.label;
    else if (raw.label === false) noLabel = true;
  } else return undefined; // a type error, reported by the key walk
  const [addrText, prefixText, extra] = text.split('/');
  const addr = parseAddress(addrText!.trim());
  if (!addr || extra !== undefined) {
    diags.push(error('vip-syntax', `${text} is not an address/prefix`, where, 'write it like 198.18.0.100/24'));
    return undefined;
  }
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  let prefix: number;
  if (prefixText === undefined && addr.kind() === 'ipv6') {
    // vrrp_prefix is the IPv4 subnet's; an IPv6 LAN is a /64 (RFC 4291 §2.5.4), so the VIP is on-link.
    prefix = 64;
  } else if (prefixText === undefined) {
    if (c.defaultPrefix === undefined) {
      diags.push(error('vip-prefix', `${text} has no prefix and the directors' subnet is not known`, where,
        `write ${addrText}/24 (the subnet of the directors' interface), or set vrrp_prefix on the directors`));
      return undefined;
    }
    prefix = c.defaultPrefix;
  } else {
    prefix = /^\d+$/.test(prefixText) ? Number(prefixText) : NaN;
  }
  if (!(prefix >= 0 && prefix <= max)) {
    diags.push(error('vip-syntax', `${text}: prefix must be 0–${max}`, where, 'write it like 198.18.0.100/24'));
    return undefined;
  }
  return { address: addressText(addr), prefix, dev, ...(devExplicit ? { devExplicit } : {}), ...(label ? { label } : {}), ...(noLabel ? { noLabel: true as const } : {}), where };
}
