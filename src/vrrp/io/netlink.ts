/**
 * rtnetlink plumbing shared by the address and link requests: attribute and message packing, and
 * a request that waits for the kernel's ack and returns its errno (0 = done).
 */
import * as libc from './libc.js';
import { C } from './libc.js';

export const NLMSG_ERROR = 2;
export const NLM_F_REQUEST = 1;
export const NLM_F_ACK = 4;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_REPLACE = 0x100;

/** One rtattr, padded to 4 bytes. `data` may itself be packed attributes (a nested one). */
export function attr(type: number, data: Buffer): Buffer {
  const len = 4 + data.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0);
  b.writeUInt16LE(type, 2);
  data.copy(b, 4);
  return b;
}

export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
}

/** nlmsghdr + body. */
export function nlmsg(type: number, flags: number, seq: number, body: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(16 + body.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(seq, 8);
  return Buffer.concat([h, body]);
}

/** A bound NETLINK_ROUTE socket. */
export function openRtnl(): number {
  const fd = libc.socket(C.AF_NETLINK, C.SOCK_RAW, C.NETLINK_ROUTE);
  try {
    const local = Buffer.alloc(12);
    local.writeUInt16LE(C.AF_NETLINK, 0);
    libc.bind(fd, local);
  } catch (e) {
    libc.close(fd);
    throw e;
  }
  return fd;
}

const kernel = (() => {
  const b = Buffer.alloc(12);
  b.writeUInt16LE(C.AF_NETLINK, 0);
  return b;
})();

/** Send `msg` (with sequence `seq`) and wait for its ack: the errno it carries, 0 on success. */
export function request(fd: number, msg: Buffer, seq: number, buf: Buffer, what: string): number {
  libc.sendto(fd, msg, kernel);
  // The ack comes back at once; wait for it briefly so errors are reported here.
  for (let tries = 0; tries < 50; tries++) {
    if (!libc.pollIn(fd, 100)) continue;
    const n = libc.recvNow(fd, buf);
    if (n === undefined) continue;
    for (let off = 0; off + 16 <= n; ) {
      const len = buf.readUInt32LE(off);
      const type = buf.readUInt16LE(off + 4);
      const rseq = buf.readUInt32LE(off + 8);
      if (type === NLMSG_ERROR && rseq === seq) return -buf.readInt32LE(off + 16);
      if (len < 16) break;
      off += (len + 3) & ~3;
    }
  }
  throw new Error(`${what}: no answer from the kernel`);
}
