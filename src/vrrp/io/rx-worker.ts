/**
 * Receive loop for one raw socket, off the main thread: a blocking wait must not stall timers.
 * poll() with a short timeout so a stop request is seen; each packet is copied into its own
 * buffer before posting (transferring the big receive buffer would hand it away).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pollIn, recvNow } from './libc.js';

const { fd, stop } = workerData as { fd: number; stop: SharedArrayBuffer };
const stopFlag = new Int32Array(stop);
const buf = Buffer.alloc(65536);
// The agent starts its timers only once someone is listening (a cold worker takes ~0.5 s).
parentPort!.postMessage({ ready: true });

while (Atomics.load(stopFlag, 0) === 0) {
  if (!pollIn(fd, 100)) continue;
  for (;;) {
    let n: number | undefined;
    try {
      n = recvNow(fd, buf);
    } catch (e) {
      parentPort!.postMessage({ error: String((e as Error).message) });
      // Do not spin on a persistent error.
      Atomics.wait(stopFlag, 0, 0, 1000);
      break;
    }
    if (n === undefined) break;
    parentPort!.postMessage({ packet: Uint8Array.prototype.slice.call(buf, 0, n), at: performance.timeOrigin + performance.now() });
  }
}
parentPort!.postMessage({ stopped: true });
