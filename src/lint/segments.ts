import { parseAddress, type VrrpInstance } from '../topology/index.js';

/**
 * The L2 segments an instance speaks on: per director, its interface plus the subnet of its
 * address (prefix from vrrp_prefix, else the instance's first VIP). Two instances meet when they
 * share a segment, or a director and interface (same wire, whatever the addresses say).
 */
export function segmentsOf(inst: VrrpInstance): Set<string> {
  const out = new Set<string>();
  // IPv4 and IPv6 VRRP use different virtual MACs (00:00:5e:00:01:VRID vs …:02:VRID): no clash.
  const family = inst.vips[0] && parseAddress(inst.vips[0].address)?.kind() === 'ipv6' ? '6' : '4';
  for (const m of inst.members) {
    const iface = m.interface || inst.interface;
    out.add(`${iface}@host:${m.host}/v${family}`);
    const addr = parseAddress(m.address);
    const prefix = m.prefix ?? inst.vips.find((v) => addr && parseAddress(v.address)?.kind() === addr.kind())?.prefix;
    if (!addr || prefix === undefined) continue;
    const bytes = addr.toByteArray();
    for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
    out.add(`${iface}@${bytes.join('.')}/${prefix}`);
  }
  return out;
}

/** A human name for a shared segment key: `eth0 in 198.18.0.0/24` or `eth0 on lb1`. */
export function segmentText(key: string): string {
  const [iface, rest] = key.split('@') as [string, string];
  if (rest.startsWith('host:')) return `${iface} on ${rest.slice(5).replace(/\/v[46]$/, '')}`;
  const [bytes, prefix] = rest.split('/') as [string, string];
  const parts = bytes.split('.').map(Number);
  const net = parts.length === 4 ? parts.join('.') : (parseAddressFromBytes(parts) ?? bytes);
  return `${iface} in ${net}/${prefix}`;
}

function parseAddressFromBytes(parts: number[]): string | undefined {
  const words: string[] = [];
  for (let i = 0; i < parts.length; i += 2) words.push(((parts[i]! << 8) | parts[i + 1]!).toString(16));
  return parseAddress(words.join(':'))?.toString();
}
