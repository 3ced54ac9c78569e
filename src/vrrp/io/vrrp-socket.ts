/**
 * Raw IPPROTO 112 sockets for one interface. Two of them, because of a kernel habit: a socket
 * bound to an address silently drops multicast. So the receiver is only bound to the device and
 * joined to 224.0.0.18 (ff02::12); the sender is bound to our primary address (the source every
 * peer — and the v3 pseudo-header checksum — sees), with TTL / hop limit 255 (the multicast and
 * the unicast option both), TOS / traffic class 0xc0 like keepalived, and loop off so we never
 * hear ourselves. IPv6: the receiver asks for the destination (IPV6_PKTINFO) and the hop limit as
 * ancillary data, and leaves IPV6_CHECKSUM off so a bad checksum reaches the decoder and is
 * counted instead of vanishing in the kernel; our checksum is the codec's.
 */
import { familyOf, ipv6ToBytes, isLinkLocal6, VRRP_MCAST_GROUP, VRRP_PROTO } from '../packet.js';
import * as libc from './libc.js';
import { C } from './libc.js';
import { startReceiver } from './receiver.js';

export interface VrrpSocket {
  /** Resolves when the receiver listens: adverts queued on the socket meanwhile are not lost. */
  ready: Promise<void>;
  send(payload: Uint8Array, dst: string): void;
  close(): Promise<void>;
}

export interface RxPacket {
  packet: Uint8Array;
  /** Wall-clock ms (performance.timeOrigin based) when it was read. */
  at: number;
}

function setup4(rx: number, tx: number, o: { srcIp: string; group?: string }, ifindex: number, dev: Buffer, txIndex: number, txDev: Buffer): void {
  libc.setsockopt(rx, C.SOL_SOCKET, C.SO_BINDTODEVICE, dev);
  // Only the group this socket joined (the default hands it every group the host is in).
  libc.setsockoptInt(rx, C.IPPROTO_IP, C.IP_MULTICAST_ALL, 0);
  if (o.group) libc.setsockopt(rx, C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, libc.ipMreqn(o.group, '0.0.0.0', ifindex));

  libc.setsockopt(tx, C.SOL_SOCKET, C.SO_BINDTODEVICE, txDev);
  libc.bind(tx, libc.sockaddrIn(o.srcIp));
  libc.setsockopt(tx, C.IPPROTO_IP, C.IP_MULTICAST_IF, libc.ipMreqn(o.group ?? VRRP_MCAST_GROUP, o.srcIp, txIndex));
  libc.setsockoptInt(tx, C.IPPROTO_IP, C.IP_MULTICAST_TTL, 255);
  libc.setsockoptInt(tx, C.IPPROTO_IP, C.IP_TTL, 255);
  libc.setsockoptInt(tx, C.IPPROTO_IP, C.IP_MULTICAST_LOOP, 0);
  libc.setsockoptInt(tx, C.IPPROTO_IP, C.IP_TOS, 0xc0);
}

function setup6(rx: number, tx: number, o: { srcIp: string; group?: string }, ifindex: number, dev: Buffer, txIndex: number, txDev: Buffer): void {
  libc.setsockopt(rx, C.SOL_SOCKET, C.SO_BINDTODEVICE, dev);
  libc.setsockoptInt(rx, C.IPPROTO_IPV6, C.IPV6_MULTICAST_ALL, 0);
  if (o.group) libc.setsockopt(rx, C.IPPROTO_IPV6, C.IPV6_JOIN_GROUP, libc.ipv6Mreq(ipv6ToBytes(o.group)!, ifindex));
  libc.setsockoptInt(rx, C.IPPROTO_IPV6, C.IPV6_RECVPKTINFO, 1);
  libc.setsockoptInt(rx, C.IPPROTO_IPV6, C.IPV6_RECVHOPLIMIT, 1);

  libc.setsockopt(tx, C.SOL_SOCKET, C.SO_BINDTODEVICE, txDev);
  // A link-local source needs its interface; FREEBIND lets us bind while DAD still runs on it.
  libc.setsockoptInt(tx, C.IPPROTO_IPV6, C.IPV6_FREEBIND, 1);
  libc.bind(tx, libc.sockaddrIn6(ipv6ToBytes(o.srcIp)!, isLinkLocal6(o.srcIp) ? txIndex : 0));
  libc.setsockoptInt(tx, C.IPPROTO_IPV6, C.IPV6_MULTICAST_IF, txIndex);
  libc.setsockoptInt(tx, C.IPPROTO_IPV6, C.IPV6_MULTICAST_HOPS, 255);
  libc.setsockoptInt(tx, C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, 255);
  libc.setsockoptInt(tx, C.IPPROTO_IPV6, C.IPV6_MULTICAST_LOOP, 0);
  libc.setsockoptInt(tx, C.IPPROTO_IPV6, C.IPV6_TCLASS, 0xc0);
}

export function openVrrpSocket(
  /** `group`: the multicast group to join and send to; none for unicast peers. */
  o: { ifname: string; srcIp: string; group?: string; txIfname?: string },
  onPacket: (p: RxPacket) => void,
  onError: (message: string) => void,
): VrrpSocket {
  const family = familyOf(o.srcIp);
  const af = family === 6 ? C.AF_INET6 : C.AF_INET;
  // Received on the VRRP interface; sent from `txIfname` (a VMAC) when given.
  const ifindex = libc.ifIndex(o.ifname);
  const dev = Buffer.from(o.ifname + '\0');
  const txIndex = o.txIfname ? libc.ifIndex(o.txIfname) : ifindex;
  const txDev = o.txIfname ? Buffer.from(o.txIfname + '\0') : dev;
  const rx = libc.socket(af, C.SOCK_RAW, VRRP_PROTO);
  const tx = libc.socket(af, C.SOCK_RAW, VRRP_PROTO);
  try {
    if (family === 6) setup6(rx, tx, o, ifindex, dev, txIndex, txDev);
    else setup4(rx, tx, o, ifindex, dev, txIndex, txDev);
    // The sender never reads (shutdown() refuses an unconnected raw socket): keep its queue tiny.
    libc.setsockoptInt(tx, C.SOL_SOCKET, C.SO_RCVBUF, 1);
  } catch (e) {
    libc.close(rx);
    libc.close(tx);
    throw e;
  }
  const receiver = startReceiver(rx, family, onPacket, onError);
  const sockaddrs = new Map<string, Buffer>();
  return {
    ready: Promise.resolve(),
    send(payload, dst) {
      let sa = sockaddrs.get(dst);
      // Link-local and multicast IPv6 destinations need the interface; the kernel ignores it otherwise.
      if (!sa) sockaddrs.set(dst, (sa = family === 6 ? libc.sockaddrIn6(ipv6ToBytes(dst)!, txIndex) : libc.sockaddrIn(dst)));
      libc.sendto(tx, payload, sa);
    },
    async close() {
      // The receiver closes rx (libuv's handle closes the fd it adopted).
      await receiver.close();
      libc.close(tx);
    },
  };
}
