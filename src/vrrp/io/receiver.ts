/**
 * Receive loop for one raw socket without a worker thread: poll() runs on a libuv threadpool
 * thread (koffi's async call), so the main thread never blocks and no JS runs while nothing
 * arrives; when the socket is readable, every queued packet is read non-blocking on the main
 * thread. A pipe wakes the poll to stop. An IPv6 socket strips the IPv6 header, so its packets
 * get one rebuilt from recvmsg's source and ancillary data: the decoder sees the same thing for
 * both families. (It was a worker thread polling every 100 ms: a second V8 isolate, ≈ 11 MiB RSS,
 * and 10 wake-ups a second.)
 */
import { frameIpv6 } from '../packet.js';
import * as libc from './libc.js';

export interface Received {
  packet: Uint8Array;
  /** Wall-clock ms (performance.timeOrigin based) when it was read. */
  at: number;
}

export function startReceiver(fd: number, family: 4 | 6, onPacket: (p: Received) => void, onError: (message: string) => void): { close(): Promise<void> } {
  const [wakeRead, wakeWrite] = libc.pipe();
  const buf = Buffer.alloc(65536);
  const rx6 = family === 6 ? new libc.Recv6(fd) : undefined;
  const noDst = new Uint8Array(16);
  let stopping = false;
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));

  const next = (): Uint8Array | undefined => {
    if (!rx6) {
      const n = libc.recvNow(fd, buf);
      return n === undefined ? undefined : Uint8Array.prototype.slice.call(buf, 0, n);
    }
    const d = rx6.next();
    // A missing hop limit or destination becomes 0 / ::, which the decoder drops and counts.
    return d && frameIpv6(d.payload, d.src, d.dst ?? noDst, d.hopLimit ?? 0);
  };

  const drain = (): void => {
    for (;;) {
      let packet: Uint8Array | undefined;
      try {
        packet = next();
      } catch (e) {
        onError((e as Error).message);
        return;
      }
      if (packet === undefined) return;
      onPacket({ packet, at: performance.timeOrigin + performance.now() });
    }
  };

  const loop = (): void => {
    libc.pollInAsync([fd, wakeRead], -1, (error, readable) => {
      if (stopping) return finished();
      if (error) {
        onError(error.message);
        // Do not spin on a persistent error.
        setTimeout(loop, 1000).unref();
        return;
      }
      if (readable[0]) drain();
      loop();
    });
  };
  // Node joins the threadpool at exit: a poll still waiting would hold process.exit() (an uncaught
  // error, a CLI exit) forever. Wake it first.
  const wakeAtExit = () => libc.writeByte(wakeWrite);
  process.on('exit', wakeAtExit);
  loop();

  return {
    async close() {
      stopping = true;
      process.off('exit', wakeAtExit);
      libc.writeByte(wakeWrite);
      await done;
      rx6?.close();
      libc.close(wakeRead);
      libc.close(wakeWrite);
    },
  };
}
