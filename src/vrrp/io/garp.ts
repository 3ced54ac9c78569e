/**
 * Gratuitous ARP on AF_PACKET: an ARP request for the VIP from the VIP with our MAC, to the
 * broadcast address, so switches and neighbours learn the new owner at once (RFC 5798 §6.4.2
 * "broadcast a gratuitous ARP request", as keepalived sends it).
 */
import fs from 'node:fs';
import * as libc from './libc.js';
import { C } from './libc.js';

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

export interface Garp {
  /** Look the interface up now rather than on the failover path. */
  prepare(dev: string): void;
  send(dev: string, ip: string): void;
  close(): void;
}

export function openGarp(): Garp {
  const fd = libc.socket(C.AF_PACKET, C.SOCK_RAW, ((C.ETH_P_ARP & 0xff) << 8) | (C.ETH_P_ARP >> 8));
  const devs = new Map<string, { sll: Buffer; mac: Buffer }>();
  const dest = (dev: string) => {
    let d = devs.get(dev);
    if (!d) {
      const mac = macOf(dev);
      const sll = Buffer.alloc(20);
      sll.writeUInt16LE(C.AF_PACKET, 0);
      sll.writeUInt16BE(C.ETH_P_ARP, 2);
      sll.writeInt32LE(libc.ifIndex(dev), 4);
      sll.writeUInt16LE(1, 8);
      sll[11] = 6;
      sll.fill(0xff, 12, 18);
      devs.set(dev, (d = { sll, mac }));
    }
    return d;
  };
  return {
    prepare(dev) {
      dest(dev);
    },
    send(dev, ip) {
      const d = dest(dev);
      libc.sendto(fd, garpFrame(d.mac, ip), d.sll);
    },
    close() {
      libc.close(fd);
    },
  };
}
