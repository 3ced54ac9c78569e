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
  poll: lib.func('int poll(_Inout_ void *fds, unsigned long n, int timeout)'),
  close: lib.func('int close(int fd)'),
  ifNameToIndex: lib.func('unsigned int if_nametoindex(const char *name)'),
  strerror: lib.func('const char *strerror(int errnum)'),
};

export const C = {
  AF_INET: 2,
  AF_NETLINK: 16,
  AF_PACKET: 17,
  SOCK_RAW: 3,
  SOCK_CLOEXEC: 0o2000000,
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
  NETLINK_ROUTE: 0,
  ETH_P_ARP: 0x0806,
  MSG_DONTWAIT: 0x40,
  POLLIN: 1,
  EAGAIN: 11,
  EINTR: 4,
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

/** struct ip_mreqn { multiaddr, address, ifindex }. */
export function ipMreqn(group: string, local: string, ifindex: number): Buffer {
  const b = Buffer.alloc(12);
  group.split('.').forEach((p, i) => (b[i] = Number(p)));
  local.split('.').forEach((p, i) => (b[4 + i] = Number(p)));
  b.writeInt32LE(ifindex, 8);
  return b;
}
