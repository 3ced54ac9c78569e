/**
 * Receive loop for the raw sockets without a worker thread.
 *
 * IPv4: libuv's own UDP handle adopts the raw socket (uv_udp_open takes any datagram fd; a raw
 * IPv4 socket hands over the whole packet, IP header included, which is what the decoder wants),
 * so a packet costs one wake-up of the main thread's epoll and nothing else. The handle comes from
 * process.binding('udp_wrap') because dgram's bind({ fd }) refuses a raw socket by its type; if a
 * Node without it refuses, the socket falls back to the poll below. (The poll cost a threadpool
 * round trip per packet: the pool thread woken twice, an async wake-up of the main thread, 3
 * futex calls and a write; idle CPU at 0.1 s adverts was 0.70 % on the backup.)
 *
 * IPv6 (and the fallback): one poll() over every socket runs on
 * a libuv threadpool thread (koffi's async call), so the main thread never blocks and no JS runs
 * while nothing arrives; when a socket is readable, every packet queued on it is read
 * non-blocking on the main thread. One poll for all sockets, so the agent holds one of libuv's 4
 * pool threads however many interfaces it serves; a pipe wakes the poll when the set changes or
 * the process exits. An IPv6 socket strips the IPv6 header, so its packets get one rebuilt from
 * recvmsg's source and ancillary data: the decoder sees the same thing for both families. (It was
 * a worker thread per socket polling every 100 ms: a second V8 isolate, ≈ 11 MiB RSS each, and 10
 * wake-ups a second.)
 */
import { frameIpv6 } from '../packet.js';
import * as libc from './libc.js';

// timeOrigin is a getter that costs more than performance.now() itself: read it once.
const ORIGIN_MS = performance.timeOrigin;

export interface Received {
  packet: Uint8Array;
  /** Wall-clock ms (performance.timeOrigin based) when it was read. */
  at: number;
}

/** The one poll of the process: fd → what to do when it is readable. */
const watched = new Map<number, () => void>();
let wake: [number, number] | undefined;
let polling = false;
/** Polls completed so far: close() waits for the one in flight to come back. */
let completed = 0;
let wakeAtExit: (() => void) | undefined;

function poll(): void {
  if (polling || watched.size === 0 || !wake) return;
  polling = true;
  const fds = [wake[0], ...watched.keys()];
  libc.pollInAsync(fds, -1, (error, readable) => {
    polling = false;
    completed++;
    if (error) {
      // Do not spin on a persistent error.
      setTimeout(poll, 1000).unref();
      return;
    }
    if (readable[0]) drainWake();
    fds.forEach((fd, i) => {
      if (i > 0 && readable[i]) watched.get(fd)?.();
    });
    poll();
  });
}

function drainWake(): void {
  const b = Buffer.alloc(64);
  while (wake && libc.readNow(wake[0], b)) {
    /* emptied */
  }
}

function kick(): void {
  if (wake) libc.writeByte(wake[1]);
}

interface UdpHandle {
  open(fd: number): number;
  recvStart(): number;
  recvStop(): number;
  close(cb: () => void): void;
  onmessage?: (nread: number, handle: unknown, buf: Buffer | undefined) => void;
}

/** libuv's UDP handle on `fd`, or undefined when this Node will not adopt it. */
function adopt(fd: number): UdpHandle | undefined {
  try {
    const binding = (process as unknown as { binding(name: string): { UDP: new () => UdpHandle } }).binding('udp_wrap');
    const h = new binding.UDP();
    if (h.open(fd) !== 0) return undefined;
    return h;
  } catch {
    return undefined;
  }
}

/**
 * Receive every packet of `fd` and call `onPacket` on the main thread. The receiver owns the fd
 * from here on: close() closes it (libuv's handle closes what it adopted).
 */
export function startReceiver(fd: number, family: 4 | 6, onPacket: (p: Received) => void, onError: (message: string) => void): { close(): Promise<void> } {
  const h = family === 4 ? adopt(fd) : undefined;
  if (h) {
    h.onmessage = (nread, _handle, buf) => {
      if (nread < 0) onError(new libc.SysError('recvmsg', -nread).message);
      // 0: libuv's "nothing to read" (a raw packet always has its IP header).
      else if (nread > 0 && buf) onPacket({ packet: buf, at: ORIGIN_MS + performance.now() });
    };
    const err = h.recvStart();
    if (err !== 0) onError(new libc.SysError('recv start', -err).message);
    return {
      close: () =>
        new Promise<void>((resolve) => {
          h.recvStop();
          h.close(resolve);
        }),
    };
  }
  return startPolled(fd, family, onPacket, onError);
}

function startPolled(fd: number, family: 4 | 6, onPacket: (p: Received) => void, onError: (message: string) => void): { close(): Promise<void> } {
  if (!wake) {
    wake = libc.pipe();
    // Node joins the threadpool at exit: a poll still waiting would hold process.exit() (an
    // uncaught error, a CLI exit) forever. Wake it first.
    wakeAtExit = kick;
    process.on('exit', wakeAtExit);
  }
  const buf = Buffer.alloc(65536);
  const rx6 = family === 6 ? new libc.Recv6(fd) : undefined;
  const noDst = new Uint8Array(16);

  const next = (): Uint8Array | undefined => {
    if (!rx6) {
      const n = libc.recvNow(fd, buf);
      return n === undefined ? undefined : Uint8Array.prototype.slice.call(buf, 0, n);
    }
    const d = rx6.next();
    // A missing hop limit or destination becomes 0 / ::, which the decoder drops and counts.
    return d && frameIpv6(d.payload, d.src, d.dst ?? noDst, d.hopLimit ?? 0);
  };

  watched.set(fd, () => {
    for (;;) {
      let packet: Uint8Array | undefined;
      try {
        packet = next();
      } catch (e) {
        onError((e as Error).message);
        return;
      }
      if (packet === undefined) return;
      onPacket({ packet, at: ORIGIN_MS + performance.now() });
    }
  });
  // A poll already waiting does not know this fd: wake it so the next one does.
  if (polling) kick();
  else poll();

  return {
    async close() {
      watched.delete(fd);
      // The poll in flight may still name this fd: let it return before the fd can be closed and reused.
      if (polling) {
        const inFlight = completed;
        kick();
        while (completed === inFlight) await new Promise((r) => setTimeout(r, 1));
      }
      rx6?.close();
      libc.close(fd);
      if (watched.size === 0 && wake) {
        process.off('exit', wakeAtExit!);
        libc.close(wake[0]);
        libc.close(wake[1]);
        wake = undefined;
      }
    },
  };
}
