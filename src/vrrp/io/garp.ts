/**
 * Announcing a VIP's new owner on AF_PACKET, so switches and neighbours learn it at once
 * (RFC 5798 §6.4.2): for IPv4 a gratuitous ARP request for the VIP from the VIP with our MAC, to
 * the broadcast address; for IPv6 an unsolicited Neighbor Advertisement (RFC 4861 §7.2.6) from the
 * VIP to all-nodes, Override set, Router set when the interface forwards — both as keepalived
 * sends them.
 */
import fs from 'node:fs';
import * as libc from './libc.js';
import { C } from './libc.js';
import { familyOf, ipv6ToBytes, onesSum, pseudoHeaderSum } from '../packet.js';

const ICMPV6 = 58;
const ND_NEIGHBOR_ADVERT = 136;
const ALL_NODES = 'ff02::1';

export function macOf(dev: string): Buffer {
  const text = fs.readFileSync(`/sys/class/net/${dev}/address`, 'utf8').trim();
  return Buffer.from(text.split(':').map((h) => parseInt(h, 16)));
}

/** The Ethernet frame (padded to 60 bytes); exported for the unit test. */
export function garpFrame(mac: Buffer, ip: string): Buffer {
  const f = Buffer.alloc(60);
  f.fill(0xff, 0, 6);
  mac.copy(f, 6);
  f.writeUInt16BE(C.ETH_P_ARP, 12);
  f.writeUInt16BE(1, 14); // Ethernet
  f.writeUInt16BE(0x0800, 16); // IPv4
  f[18] = 6;
  f[19] = 4;
  f.writeUInt16BE(1, 20); // request
  mac.copy(f, 22);
  ip.split('.').forEach((p, i) => (f[28 + i] = Number(p)));
  f.fill(0xff, 32, 38);
  ip.split('.').forEach((p, i) => (f[38 + i] = Number(p)));
  return f;
}

/** The unsolicited Neighbor Advertisement, Ethernet frame and all; exported for the unit test. */
export function naFrame(mac: Buffer, ip: string, router: boolean): Buffer {
  const target = ipv6ToBytes(ip);
  if (!target) throw new Error(`bug: not an IPv6 address: ${ip}`);
  const f = Buffer.alloc(14 + 40 + 32);
  // RFC 2464 §7: ff02::1 maps to 33:33:00:00:00:01.
  Buffer.from([0x33, 0x33, 0, 0, 0, 1]).copy(f, 0);
  mac.copy(f, 6);
  f.writeUInt16BE(C.ETH_P_IPV6, 12);
  f[14] = 0x60;
  f.writeUInt16BE(32, 18);
  f[20] = ICMPV6;
  f[21] = 255; // RFC 4861 §7.1.2: hop limit 255, or receivers drop it
  Buffer.from(target).copy(f, 22);
  Buffer.from(ipv6ToBytes(ALL_NODES)!).copy(f, 38);
  const icmp = 54;
  f[icmp] = ND_NEIGHBOR_ADVERT;
  f[icmp + 4] = (router ? 0x80 : 0) | 0x20; // R, O (S stays clear: nobody solicited this)
  Buffer.from(target).copy(f, icmp + 8);
  f[icmp + 24] = 2; // target link-layer address option, 1 × 8 bytes
  f[icmp + 25] = 1;
  mac.copy(f, icmp + 26);
  const ck = ~onesSum(f, icmp, 32, pseudoHeaderSum(ip, ALL_NODES, 32, ICMPV6)) & 0xffff;
  f.writeUInt16BE(ck, icmp + 2);
  return f;
}

/** Whether `dev` forwards IPv6 (then a router: the NA's Router flag, as keepalived sets it). */
function forwards6(dev: string): boolean {
  try {
    return fs.readFileSync(`/proc/sys/net/ipv6/conf/${dev}/forwarding`, 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

export interface Garp {
  /** Look the interface up now rather than on the failover path. */
  prepare(dev: string): void;
  send(dev: string, ip: string): void;
  /** `dev` was removed (a VMAC): look it up again next time. */
  forget(dev: string): void;
  close(): void;
}

function sockaddrLl(proto: number, ifindex: number, dst: readonly number[]): Buffer {
  const sll = Buffer.alloc(20);
  sll.writeUInt16LE(C.AF_PACKET, 0);
  sll.writeUInt16BE(proto, 2);
  sll.writeInt32LE(ifindex, 4);
  sll.writeUInt16LE(1, 8);
  sll[11] = 6;
  Buffer.from(dst).copy(sll, 12);
  return sll;
}

export function openGarp(): Garp {
  // Protocol 0: a send-only packet socket, so no frame is ever queued to it.
  const fd = libc.socket(C.AF_PACKET, C.SOCK_RAW, 0);
  const devs = new Map<string, { arp: Buffer; nd: Buffer; mac: Buffer }>();
  const dest = (dev: string) => {
    let d = devs.get(dev);
    if (!d) {
      const ifindex = libc.ifIndex(dev);
      d = {
        mac: macOf(dev),
        arp: sockaddrLl(C.ETH_P_ARP, ifindex, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        nd: sockaddrLl(C.ETH_P_IPV6, ifindex, [0x33, 0x33, 0, 0, 0, 1]),
      };
      devs.set(dev, d);
    }
    return d;
  };
  return {
    prepare(dev) {
      dest(dev);
    },
    forget(dev) {
      devs.delete(dev);
    },
    send(dev, ip) {
      const d = dest(dev);
      if (familyOf(ip) === 6) libc.sendto(fd, naFrame(d.mac, ip, forwards6(dev)), d.nd);
      else libc.sendto(fd, garpFrame(d.mac, ip), d.arp);
    },
    close() {
      libc.close(fd);
    },
  };
}
