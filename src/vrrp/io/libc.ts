/**
 * The few libc calls the agent needs, through koffi (FFI with a prebuilt binary; no compiler on the
 * host). Kept to plain syscalls on byte buffers: every struct is built by hand in a Buffer so this
 * file is the whole native surface to review. Linux x86_64/arm64 constants (identical on both).
 */
import koffi from 'koffi';

const lib = koffi.load('libc.so.6');

const fns = {
  socket: lib.func('int socket(int domain, int type, int protocol)'),
  setsockopt: lib.func('int setsockopt(int fd, int level, int name, const void *val, uint32_t len)'),
  bind: lib.func('int bind(int fd, const void *addr, uint32_t len)'),
  sendto: lib.func('intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t alen)'),
  recv: lib.func('intptr_t recv(int fd, _Out_ void *buf, size_t len, int flags)'),
  recvmsg: lib.func('intptr_t recvmsg(int fd, void *msg, int flags)'),
  poll: lib.func('int poll(_Inout_ void *fds, unsigned long n, int timeout)'),
  close: lib.func('int close(int fd)'),
  pipe2: lib.func('int pipe2(_Out_ int *fds, int flags)'),
  write: lib.func('intptr_t write(int fd, const void *buf, size_t len)'),
  read: lib.func('intptr_t read(int fd, _Out_ void *buf, size_t len)'),
  ifNameToIndex: lib.func('unsigned int if_nametoindex(const char *name)'),
  strerror: lib.func('const char *strerror(int errnum)'),
  madvise: lib.func('int madvise(uintptr_t addr, size_t len, int advice)'),
  prctl: lib.func('int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)'),
  capget: lib.func('int capget(void *hdr, _Out_ void *data)'),
  capset: lib.func('int capset(void *hdr, const void *data)'),
};

export const C = {
  AF_INET: 2,
  AF_INET6: 10,
  AF_NETLINK: 16,
  AF_PACKET: 17,
  SOCK_RAW: 3,
  SOCK_CLOEXEC: 0o2000000,
  O_NONBLOCK: 0o4000,
  O_CLOEXEC: 0o2000000,
  SOL_SOCKET: 1,
  SO_BINDTODEVICE: 25,
  SO_RCVBUF: 8,
  IPPROTO_IP: 0,
  IP_TOS: 1,
  IP_TTL: 2,
  IP_MULTICAST_IF: 32,
  IP_MULTICAST_TTL: 33,
  IP_MULTICAST_LOOP: 34,
  IP_ADD_MEMBERSHIP: 35,
  IP_MULTICAST_ALL: 49,
  IPPROTO_IPV6: 41,
  IPV6_CHECKSUM: 7,
  IPV6_UNICAST_HOPS: 16,
  IPV6_MULTICAST_IF: 17,
  IPV6_MULTICAST_HOPS: 18,
  IPV6_MULTICAST_LOOP: 19,
  IPV6_JOIN_GROUP: 20,
  IPV6_MULTICAST_ALL: 29,
  IPV6_RECVPKTINFO: 49,
  IPV6_PKTINFO: 50,
  IPV6_RECVHOPLIMIT: 51,
  IPV6_HOPLIMIT: 52,
  IPV6_TCLASS: 67,
  IPV6_FREEBIND: 78,
  ETH_P_IPV6: 0x86dd,
  NETLINK_ROUTE: 0,
  ETH_P_ARP: 0x0806,
  MSG_DONTWAIT: 0x40,
  POLLIN: 1,
  EAGAIN: 11,
  EINTR: 4,
  MADV_DONTNEED: 4,
  PR_CAP_AMBIENT: 47,
  PR_CAP_AMBIENT_CLEAR_ALL: 4,
  LINUX_CAPABILITY_VERSION_3: 0x20080522,
} as const;

export class SysError extends Error {
  constructor(readonly call: string, readonly errno: number) {
    super(`${call}: ${fns.strerror(errno) as string} (errno ${errno})`);
  }
}

function check(call: string, r: number | bigint): number {
  const n = Number(r);
  if (n < 0) throw new SysError(call, koffi.errno());
  return n;
}

export function socket(domain: number, type: number, protocol: number): number {
  return check('socket', fns.socket(domain, type | C.SOCK_CLOEXEC, protocol) as number);
}

export function setsockopt(fd: number, level: number, name: number, val: Buffer): void {
  check(`setsockopt(${level},${name})`, fns.setsockopt(fd, level, name, val, val.length) as number);
}

export function setsockoptInt(fd: number, level: number, name: number, v: number): void {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  setsockopt(fd, level, name, b);
}

export function bind(fd: number, addr: Buffer): void {
  check('bind', fns.bind(fd, addr, addr.length) as number);
}

export function sendto(fd: number, buf: Uint8Array, addr: Buffer): number {
  return check('sendto', fns.sendto(fd, buf, buf.length, 0, addr, addr.length) as number);
}

/** Non-blocking receive; undefined when nothing is queued. */
export function recvNow(fd: number, buf: Buffer): number | undefined {
  const n = Number(fns.recv(fd, buf, buf.length, C.MSG_DONTWAIT));
  if (n >= 0) return n;
  const e = koffi.errno();
  if (e === C.EAGAIN || e === C.EINTR) return undefined;
  throw new SysError('recv', e);
}

/** Wait until `fd` is readable or `timeoutMs` passes; true when readable. */
export function pollIn(fd: number, timeoutMs: number): boolean {
  const pfd = Buffer.alloc(8);
  pfd.writeInt32LE(fd, 0);
  pfd.writeInt16LE(C.POLLIN, 4);
  const n = Number(fns.poll(pfd, 1, timeoutMs));
  if (n < 0) {
    const e = koffi.errno();
    if (e === C.EINTR) return false;
    throw new SysError('poll', e);
  }
  return n > 0 && (pfd.readInt16LE(6) & C.POLLIN) !== 0;
}

/**
 * Wait, on a libuv threadpool thread, until one of `fds` is readable; `done` runs on the main
 * thread with which were. No JS runs while it waits: this is what lets the agent receive without
 * a worker thread (a second V8 isolate, ≈ 11 MiB) polling every 100 ms.
 */
export function pollInAsync(fds: readonly number[], timeoutMs: number, done: (error: SysError | undefined, readable: boolean[]) => void): void {
  const pfd = Buffer.alloc(8 * fds.length);
  fds.forEach((fd, i) => {
    pfd.writeInt32LE(fd, 8 * i);
    pfd.writeInt16LE(C.POLLIN, 8 * i + 4);
  });
  (fns.poll as unknown as { async(...a: unknown[]): void }).async(pfd, fds.length, timeoutMs, (err: unknown, n: number) => {
    if (err || Number(n) < 0) return done(new SysError('poll', C.EINTR), []);
    done(undefined, fds.map((_, i) => (pfd.readInt16LE(8 * i + 6) & C.POLLIN) !== 0));
  });
}

/** A non-blocking close-on-exec pipe: [read end, write end]. */
export function pipe(): [number, number] {
  const fds = [0, 0];
  check('pipe2', fns.pipe2(fds, C.O_NONBLOCK | C.O_CLOEXEC) as number);
  return [fds[0]!, fds[1]!];
}

/** Non-blocking read of a pipe; false when it was empty. */
export function readNow(fd: number, buf: Buffer): boolean {
  return Number(fns.read(fd, buf, buf.length)) > 0;
}

export function writeByte(fd: number): void {
  fns.write(fd, Buffer.from([1]), 1);
}

/** madvise(2) on [start, end); false when the kernel refused (a locked or special mapping). */
export function madvise(start: bigint, end: bigint, advice: number): boolean {
  return Number(fns.madvise(start, end - start, advice)) === 0;
}

/**
 * Empty this process's ambient and inheritable capability sets (effective and permitted stay):
 * what a child keeps across execve as a non-root user comes from these two.
 */
export function clearInheritedCapabilities(): void {
  check('prctl(PR_CAP_AMBIENT_CLEAR_ALL)', fns.prctl(C.PR_CAP_AMBIENT, C.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) as number);
  const hdr = Buffer.alloc(8);
  hdr.writeUInt32LE(C.LINUX_CAPABILITY_VERSION_3, 0);
  // Two { effective, permitted, inheritable } u32 triples: capabilities 0–31 and 32–63.
  const data = Buffer.alloc(24);
  check('capget', fns.capget(hdr, data) as number);
  data.writeUInt32LE(0, 8);
  data.writeUInt32LE(0, 20);
  check('capset', fns.capset(hdr, data) as number);
}

export function close(fd: number): void {
  fns.close(fd);
}

export function ifIndex(name: string): number {
  const i = fns.ifNameToIndex(name) as number;
  if (i === 0) throw new SysError(`if_nametoindex(${name})`, koffi.errno());
  return i;
}

/** struct sockaddr_in for an IPv4 address (port 0: raw sockets ignore it). */
export function sockaddrIn(ip: string): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(C.AF_INET, 0);
  ip.split('.').forEach((p, i) => (b[4 + i] = Number(p)));
  return b;
}

/** struct sockaddr_in6 (port 0, no flow label); `scopeId` is the ifindex a link-local address needs. */
export function sockaddrIn6(addr: readonly number[], scopeId = 0): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt16LE(C.AF_INET6, 0);
  Buffer.from(addr).copy(b, 8);
  b.writeUInt32LE(scopeId, 24);
  return b;
}

/** struct ipv6_mreq { multiaddr, ifindex }. */
export function ipv6Mreq(group: readonly number[], ifindex: number): Buffer {
  const b = Buffer.alloc(20);
  Buffer.from(group).copy(b, 0);
  b.writeInt32LE(ifindex, 16);
  return b;
}

/** One datagram from `recvmsg` on a raw IPv6 socket, with what its ancillary data said. */
export interface Datagram6 {
  payload: Buffer;
  src: Buffer;
  /** From IPV6_PKTINFO; undefined when the kernel sent none. */
  dst?: Buffer;
  /** From IPV6_HOPLIMIT; undefined when the kernel sent none. */
  hopLimit?: number;
}

/**
 * recvmsg for a raw IPv6 socket (which strips the IPv6 header: source, destination and hop limit
 * come back as the peer address and ancillary data). The msghdr, iovec and buffers live in native
 * memory allocated once and seen through Buffers, because the kernel writes through the pointers
 * in them after the call has returned its arguments. Not re-entrant: one per receive loop.
 */
export class Recv6 {
  private readonly name = koffi.alloc('uint8_t', 28);
  private readonly data = koffi.alloc('uint8_t', 65536);
  private readonly control = koffi.alloc('uint8_t', 256);
  private readonly iov = koffi.alloc('uint8_t', 16);
  private readonly msg = koffi.alloc('uint8_t', 56);
  private readonly nameB = Buffer.from(koffi.view(this.name, 28));
  private readonly dataB = Buffer.from(koffi.view(this.data, 65536));
  private readonly controlB = Buffer.from(koffi.view(this.control, 256));
  private readonly msgB = Buffer.from(koffi.view(this.msg, 56));

  constructor(private readonly fd: number) {
    const iovB = Buffer.from(koffi.view(this.iov, 16));
    iovB.writeBigUInt64LE(koffi.address(this.data), 0);
    iovB.writeBigUInt64LE(65536n, 8);
    this.msgB.writeBigUInt64LE(koffi.address(this.name), 0);
    this.msgB.writeBigUInt64LE(koffi.address(this.iov), 16);
    this.msgB.writeBigUInt64LE(1n, 24);
    this.msgB.writeBigUInt64LE(koffi.address(this.control), 32);
  }

  /** Non-blocking; undefined when nothing is queued. */
  next(): Datagram6 | undefined {
    // struct msghdr (x86_64/arm64): name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48.
    this.msgB.writeUInt32LE(28, 8);
    this.msgB.writeBigUInt64LE(256n, 40);
    this.msgB.writeInt32LE(0, 48);
    const n = Number(fns.recvmsg(this.fd, this.msg, C.MSG_DONTWAIT));
    if (n < 0) {
      const e = koffi.errno();
      if (e === C.EAGAIN || e === C.EINTR) return undefined;
      throw new SysError('recvmsg', e);
    }
    const d: Datagram6 = { payload: Buffer.from(this.dataB.subarray(0, n)), src: Buffer.from(this.nameB.subarray(8, 24)) };
    // struct cmsghdr { size_t len; int level; int type; data… }, each aligned to 8.
    const clen = Number(this.msgB.readBigUInt64LE(40));
    for (let off = 0; off + 16 <= clen; ) {
      const len = Number(this.controlB.readBigUInt64LE(off));
      if (len < 16 || off + len > clen) break;
      const level = this.controlB.readInt32LE(off + 8);
      const type = this.controlB.readInt32LE(off + 12);
      if (level === C.IPPROTO_IPV6 && type === C.IPV6_PKTINFO && len >= 16 + 20) d.dst = Buffer.from(this.controlB.subarray(off + 16, off + 32));
      if (level === C.IPPROTO_IPV6 && type === C.IPV6_HOPLIMIT && len >= 16 + 4) d.hopLimit = this.controlB.readInt32LE(off + 16);
      off += (len + 7) & ~7;
    }
    return d;
  }

  close(): void {
    for (const p of [this.name, this.data, this.control, this.iov, this.msg]) koffi.free(p);
  }
}

/** struct ip_mreqn { multiaddr, address, ifindex }. */
export function ipMreqn(group: string, local: string, ifindex: number): Buffer {
  const b = Buffer.alloc(12);
  group.split('.').forEach((p, i) => (b[i] = Number(p)));
  local.split('.').forEach((p, i) => (b[4 + i] = Number(p)));
  b.writeInt32LE(ifindex, 8);
  return b;
}
