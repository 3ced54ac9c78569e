/**
 * MAC addresses that answered an ARP request, from arping's output. Two arpings are common:
 * Thomas Habets' (Debian `arping`): `60 bytes from 7a:dd:37:9b:ed:08 (198.18.0.100): index=0 …`
 * iputils' (`iputils-arping`): `Unicast reply from 198.18.0.100 [7A:DD:37:9B:ED:08]  0.7ms`.
 * Distinct MACs, lower case, in order of first answer.
 */
export function arpingMacs(output: string): string[] {
  const macs: string[] = [];
  const mac = /([0-9a-f]{2}(?::[0-9a-f]{2}){5})/i;
  for (const line of output.split('\n')) {
    if (!/bytes from|reply from/i.test(line)) continue;
    const m = mac.exec(line);
    if (!m) continue;
    const v = m[1]!.toLowerCase();
    if (!macs.includes(v)) macs.push(v);
  }
  return macs;
}

/**
 * MAC addresses that answered a neighbour solicitation, from `ndisc6 -m -q` (one link-layer
 * address per answer, `02:00:00:00:00:11`) or its verbose form (`Target link-layer address: …`).
 */
export function ndiscMacs(output: string): string[] {
  const macs: string[] = [];
  for (const m of output.matchAll(/(?:^|\s)([0-9a-f]{2}(?::[0-9a-f]{2}){5})(?=\s|$)/gim)) {
    const v = m[1]!.toLowerCase();
    if (!macs.includes(v)) macs.push(v);
  }
  return macs;
}

/** Command line for the arping on this machine, by its flavour (`-i` for Habets', `-I` for iputils). */
export function arpingArgs(flavour: 'habets' | 'iputils', iface: string, vip: string, count = 2): string[] {
  return flavour === 'habets'
    ? ['-c', String(count), '-w', '2', '-i', iface, vip]
    : ['-c', String(count), '-w', '2', '-I', iface, vip];
}
