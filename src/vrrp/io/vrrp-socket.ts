/**
 * Raw IPPROTO 112 sockets for one interface. Two of them, because of a kernel habit: a socket
 * bound to an address silently drops multicast. So the receiver is only bound to the device and
 * joined to 224.0.0.18; the sender is bound to our primary address (the source every peer — and
 * the v3 pseudo-header checksum — sees), with TTL 255 (IP_MULTICAST_TTL for the group, IP_TTL for
 * unicast peers), TOS 0xc0 like keepalived, and loop off so we never hear ourselves.
 */
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VRRP_MCAST_GROUP, VRRP_PROTO } from '../packet.js';
import * as libc from './libc.js';
import { C } from './libc.js';

export interface VrrpSocket {
  /** Resolves when the receive worker runs: adverts queued on the socket meanwhile are not lost. */
  ready: Promise<void>;
  send(payload: Uint8Array, dst: string): void;
  close(): Promise<void>;
}

export interface RxPacket {
  packet: Uint8Array;
  /** Wall-clock ms (performance.timeOrigin based) when the worker read it. */
  at: number;
}

function startWorker(workerData: unknown): Worker {
  // Built: rx-worker.js beside us. From source under tsx, whose loader hooks do not reach
  // workers on Node 20: register them inside the worker first.
  const js = new URL('./rx-worker.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(js))) return new Worker(js, { workerData });
  const ts = new URL('./rx-worker.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

export function openVrrpSocket(
  o: { ifname: string; srcIp: string; multicast: boolean },
  onPacket: (p: RxPacket) => void,
  onError: (message: string) => void,
): VrrpSocket {
  const ifindex = libc.ifIndex(o.ifname);
  const dev = Buffer.from(o.ifname + '\0');
  const rx = libc.socket(C.AF_INET, C.SOCK_RAW, VRRP_PROTO);
  const tx = libc.socket(C.AF_INET, C.SOCK_RAW, VRRP_PROTO);
  try {
    libc.setsockopt(rx, C.SOL_SOCKET, C.SO_BINDTODEVICE, dev);
    if (o.multicast) libc.setsockopt(rx, C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, libc.ipMreqn(VRRP_MCAST_GROUP, '0.0.0.0', ifindex));

    libc.setsockopt(tx, C.SOL_SOCKET, C.SO_BINDTODEVICE, dev);
    libc.bind(tx, libc.sockaddrIn(o.srcIp));
    libc.setsockopt(tx, C.IPPROTO_IP, C.IP_MULTICAST_IF, libc.ipMreqn(VRRP_MCAST_GROUP, o.srcIp, ifindex));
    libc.setsockoptInt(tx, C.IPPROTO_IP, C.IP_MULTICAST_TTL, 255);
    libc.setsockoptInt(tx, C.IPPROTO_IP, C.IP_TTL, 255);
    libc.setsockoptInt(tx, C.IPPROTO_IP, C.IP_MULTICAST_LOOP, 0);
    libc.setsockoptInt(tx, C.IPPROTO_IP, C.IP_TOS, 0xc0);
    // The sender never reads (shutdown() refuses an unconnected raw socket): keep its queue tiny.
    libc.setsockoptInt(tx, C.SOL_SOCKET, C.SO_RCVBUF, 1);
  } catch (e) {
    libc.close(rx);
    libc.close(tx);
    throw e;
  }
  const stop = new SharedArrayBuffer(4);
  const worker = startWorker({ fd: rx, stop });
  let stopped: () => void = () => {};
  const done = new Promise<void>((resolve) => (stopped = resolve));
  let started: () => void = () => {};
  const ready = new Promise<void>((resolve) => (started = resolve));
  worker.on('message', (m: { packet?: Uint8Array; at?: number; error?: string; stopped?: boolean; ready?: boolean }) => {
    if (m.packet) onPacket({ packet: m.packet, at: m.at! });
    else if (m.ready) started();
    else if (m.error) onError(m.error);
    else if (m.stopped) stopped();
  });
  worker.on('error', (e) => onError(`receive worker: ${e.message}`));
  worker.on('exit', () => {
    started();
    stopped();
  });
  const sockaddrs = new Map<string, Buffer>();
  return {
    ready,
    send(payload, dst) {
      let sa = sockaddrs.get(dst);
      if (!sa) sockaddrs.set(dst, (sa = libc.sockaddrIn(dst)));
      libc.sendto(tx, payload, sa);
    },
    async close() {
      Atomics.store(new Int32Array(stop), 0, 1);
      await done;
      await worker.terminate();
      libc.close(rx);
      libc.close(tx);
    },
  };
}
