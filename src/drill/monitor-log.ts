import type { AdvertSample, GarpSample, OwnershipSample } from './types.js';

/**
 * What a director's address monitor wrote (see watch-hosts.ts): a snapshot, then `ip -ts -o
 * monitor address` events stamped by the kernel-side clock of the host, in UTC:
 *   snap 1795611789755212703
 *   3: eth0    inet 198.18.0.100/24 scope global secondary eth0 …
 *   endsnap
 *   [2026-11-25T13:03:07.542024] Deleted 3: eth0    inet 198.18.0.100/24 …
 * → a sample each time the VIP appears or goes (on any interface but lo), shifted by
 * `offsetMs` (host clock − admin clock) onto the admin clock.
 */
export function parseMonitorLog(text: string, host: string, vip: string, offsetMs = 0): OwnershipSample[] {
  const out: OwnershipSample[] = [];
  const devs = new Set<string>();
  const re = new RegExp(`^(Deleted\\s+)?\\d+:\\s+(\\S+?)\\s+inet6?\\s+${vip.replace(/[.:]/g, (c) => `\\${c}`)}/\\d+`);
  let inSnap = false;
  let snapT: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const snap = /^snap (\d+)$/.exec(line);
    if (snap) {
      inSnap = true;
      snapT = Number(BigInt(snap[1]!) / 1000n) / 1000;
      continue;
    }
    if (line === 'endsnap') {
      inSnap = false;
      if (snapT !== null) out.push({ t: snapT - offsetMs, host, holds: devs.size > 0 });
      continue;
    }
    if (inSnap) {
      const m = re.exec(line);
      if (m && m[2] !== 'lo') devs.add(m[2]!);
      continue;
    }
    const ev = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)\]\s+(.*)$/.exec(line);
    if (!ev) continue;
    const m = re.exec(ev[2]!);
    if (!m || m[2] === 'lo') continue;
    const before = devs.size > 0;
    if (m[1]) devs.delete(m[2]!);
    else devs.add(m[2]!);
    if (before !== devs.size > 0) out.push({ t: isoUtcMs(ev[1]!) - offsetMs, host, holds: devs.size > 0 });
  }
  return out;
}

/** `2026-11-25T13:03:07.542024` (UTC, microseconds) → epoch ms with the fraction kept. */
export function isoUtcMs(s: string): number {
  const [whole, frac = '0'] = s.split('.');
  return Date.parse(`${whole}Z`) + Number(`0.${frac}`) * 1000;
}

/**
 * Gratuitous ARPs for the VIP in `tcpdump -l -n -e -tt arp` output:
 *   1795611789.755212 02:aa:bb:cc:dd:12 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42:
 *     Request who-has 198.18.0.100 (ff:ff:ff:ff:ff:ff) tell 198.18.0.100, length 28
 * (a request for the sender's own address) or an unsolicited broadcast Reply `VIP is-at MAC`.
 */
export function parseGarps(text: string, vip: string): GarpSample[] {
  const out: GarpSample[] = [];
  const esc = vip.replace(/\./g, '\\.');
  // With -e tcpdump prints a non-zero target MAC after the address: `who-has VIP (ff:ff:…) tell VIP`.
  const garp = new RegExp(`(Request who-has ${esc}(?: \\([0-9a-f:]{17}\\))? tell ${esc}[ ,]|Reply ${esc} is-at )`, 'i');
  for (const line of text.split('\n')) {
    const m = /^(\d+\.\d+)\s+([0-9a-f:]{17})\s+>\s+([0-9a-f:]{17})/i.exec(line.trim());
    if (!m || !garp.test(line + ' ')) continue;
    if (/Reply/.test(line) && m[3]!.toLowerCase() !== 'ff:ff:ff:ff:ff:ff') continue;
    out.push({ t: Math.round(Number(m[1]) * 1e6) / 1000, mac: m[2]!.toLowerCase() });
  }
  return out;
}

/**
 * VRRP adverts in the same capture (`tcpdump -n -e -tt 'arp or ip proto 112'`):
 *   1795611789.755212 02:aa:00:00:00:11 > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 54:
 *     198.18.0.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype simple, intvl 1s, length 20
 * The master's last advert before a silent fault is where the backup's Master_Down timer starts.
 */
export function parseAdverts(text: string, vrid: number): AdvertSample[] {
  const out: AdvertSample[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+\.\d+)\s.*?\s(\S+) > \S+: VRRPv[23], Advertisement, vrid (\d+), prio (\d+)/.exec(line.trim());
    if (!m || Number(m[3]) !== vrid) continue;
    out.push({ t: Math.round(Number(m[1]) * 1e6) / 1000, src: m[2]!, priority: Number(m[4]) });
  }
  return out;
}
