import { readFile, writeFile } from 'node:fs/promises';

/**
 * The kernel's ARP (and IPv6 neighbour) table is ONE table for every network namespace: its
 * limits, net.ipv4.neigh.default.gc_thresh2/3 (512/1024 by default), are sysctls of the machine's
 * own namespace only (a lab namespace has no /proc/sys/net/ipv4/neigh/default). Past gc_thresh3
 * a new entry is refused ("neighbor table overflow", table_fulls in /proc/net/stat/arp_cache) and
 * the packet that needed it is dropped; entries younger than 5 s cannot be collected. A lab of
 * 224 hosts behind a bastion already needs ≈ 1,800 entries: its verify saw 26 of 888 requests
 * time out while the machine counted 571 table_fulls. So a big lab raises the limits (never lowers
 * them) and says so; down leaves them, as other labs may be using the room.
 */

/**
 * Entries a lab holds at its busiest, all its namespaces together: every host and the admin (or
 * the bastion) know each other (2 per pair), every director and realserver too (nginx upstreams
 * and their answers), the directors each other (VRRP), plus the VIP on the admin side.
 */
export function labNeighbourEntries(directors: number, realservers: number, bastion: boolean): number {
  const hosts = directors + realservers;
  return 2 * hosts * (bastion ? 2 : 1) + 2 * directors * realservers + directors * directors + 1;
}

export interface LimitRaised {
  key: string;
  from: number;
  to: number;
}

/**
 * gc_thresh3 gets room for this lab twice over (concurrent labs, addresses that moved), and at
 * least what it has; gc_thresh2 (collection starts above it) is kept at half of gc_thresh3.
 */
export function neighbourLimits(entries: number, have: { thresh2: number; thresh3: number }): { thresh2: number; thresh3: number } {
  const thresh3 = Math.max(have.thresh3, 2 * entries);
  return { thresh3, thresh2: Math.max(have.thresh2, Math.floor(thresh3 / 2)) };
}

const FAMILIES = { ipv4: '/proc/sys/net/ipv4/neigh/default', ipv6: '/proc/sys/net/ipv6/neigh/default' } as const;

/** Raises the machine's neighbour table limits where `entries` would not fit; returns what changed. */
export async function raiseNeighbourLimits(entries: number, ipv6: boolean): Promise<LimitRaised[]> {
  const raised: LimitRaised[] = [];
  for (const family of ipv6 ? (['ipv4', 'ipv6'] as const) : (['ipv4'] as const)) {
    const dir = FAMILIES[family];
    const read = async (k: string) => Number((await readFile(`${dir}/${k}`, 'utf8')).trim());
    const have = { thresh2: await read('gc_thresh2'), thresh3: await read('gc_thresh3') };
    if (!Number.isFinite(have.thresh3) || !Number.isFinite(have.thresh2) || have.thresh3 >= 2 * entries) continue;
    const want = neighbourLimits(entries, have);
    // thresh3 first: the kernel does not check the order, but a reader should never see 2 > 3.
    for (const [k, from, to] of [['gc_thresh3', have.thresh3, want.thresh3], ['gc_thresh2', have.thresh2, want.thresh2]] as const) {
      if (to === from) continue;
      await writeFile(`${dir}/${k}`, String(to));
      raised.push({ key: `net.${family}.neigh.default.${k}`, from, to });
    }
  }
  return raised;
}
