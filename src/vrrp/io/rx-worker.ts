/**
 * Receive loop for one raw socket, off the main thread: a blocking wait must not stall timers.
 * poll() with a short timeout so a stop request is seen; each packet is copied into its own
 * buffer before posting (transferring the big receive buffer would hand it away). An IPv6 socket
 * strips the IPv6 header, so its packets are posted with one rebuilt from recvmsg's source and
 * ancillary data: the decoder then sees the same thing for both families.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pollIn, recvNow, Recv6 } from './libc.js';
import { frameIpv6 } from '../packet.js';

const { fd, stop, family } = workerData as { fd: number; stop: SharedArrayBuffer; family: 4 | 6 };
const stopFlag = new Int32Array(stop);
const buf = Buffer.alloc(65536);
const rx6 = family === 6 ? new Recv6(fd) : undefined;
const noDst = new Uint8Array(16);

function next(): Uint8Array | undefined {
  if (!rx6) {
    const n = recvNow(fd, buf);
    return n === undefined ? undefined : Uint8Array.prototype.slice.call(buf, 0, n);
  }
  const d = rx6.next();
  // A missing hop limit or destination becomes 0 / ::, which the decoder drops and counts.
  return d && frameIpv6(d.payload, d.src, d.dst ?? noDst, d.hopLimit ?? 0);
}

// The agent starts its timers only once someone is listening (a cold worker takes ~0.5 s).
parentPort!.postMessage({ ready: true });

while (Atomics.load(stopFlag, 0) === 0) {
  if (!pollIn(fd, 100)) continue;
  for (;;) {
    let packet: Uint8Array | undefined;
    try {
      packet = next();
    } catch (e) {
      parentPort!.postMessage({ error: String((e as Error).message) });
      // Do not spin on a persistent error.
      Atomics.wait(stopFlag, 0, 0, 1000);
      break;
    }
    if (packet === undefined) break;
    parentPort!.postMessage({ packet, at: performance.timeOrigin + performance.now() });
  }
}
rx6?.close();
parentPort!.postMessage({ stopped: true });
