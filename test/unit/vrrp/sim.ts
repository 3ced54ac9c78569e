/**
 * Fake-time network of state machines for the unit tests: adverts go through the real codec
 * (encode → IPv4 packet → decode) on an in-memory bus; timers are absolute deadlines in fake ms.
 */
import { decodePacket, encodeAdvert, encodeIpv4Packet, VRRP_MCAST_GROUP } from '../../../src/vrrp/packet.js';
import { initialMachine, step, type Action, type InstanceParams, type MachineEvent, type MachineState, type TimerName } from '../../../src/vrrp/machine.js';

export interface SimNode {
  name: string;
  s: MachineState;
  authPass?: string;
  timers: Map<TimerName, number>;
  alive: boolean;
  holdsVips: boolean;
  /** Fake time of each transition, e.g. `[{ at, to: 'MASTER' }]`. */
  transitions: { at: number; to: string; reason: string }[];
  sentAt: number[];
  garpAt: number[];
}

export class Sim {
  now = 0;
  nodes: SimNode[] = [];
  inflight: { at: number; from: SimNode; bytes: Uint8Array }[] = [];
  /** When false the bus drops everything (a partition). */
  linked = true;

  constructor(readonly latencyMs = 0) {}

  add(name: string, params: InstanceParams, authPass?: string): SimNode {
    const n: SimNode = { name, s: initialMachine(params), authPass, timers: new Map(), alive: false, holdsVips: false, transitions: [], sentAt: [], garpAt: [] };
    this.nodes.push(n);
    return n;
  }

  feed(n: SimNode, e: MachineEvent): Action[] {
    const before = n.s.state;
    const r = step(n.s, e);
    n.s = r.state;
    if (r.state.state !== before) n.transitions.push({ at: this.now, to: r.state.state, reason: r.state.lastTransition?.reason ?? '' });
    for (const a of r.actions) this.apply(n, a);
    return r.actions;
  }

  start(n: SimNode): void {
    n.alive = true;
    this.feed(n, { kind: 'startup' });
  }

  /** kill -9: no more adverts, VIPs stay where they were. */
  kill(n: SimNode): void {
    n.alive = false;
    n.timers.clear();
  }

  private apply(n: SimNode, a: Action): void {
    switch (a.kind) {
      case 'arm': n.timers.set(a.timer, this.now + a.ms); break;
      case 'cancel': n.timers.delete(a.timer); break;
      case 'add-vips': n.holdsVips = true; break;
      case 'del-vips': n.holdsVips = false; break;
      case 'send-garp': n.garpAt.push(this.now); break;
      case 'notify': break;
      case 'send-advert': {
        const p = n.s.params;
        const payload = encodeAdvert(
          { version: p.version, vrid: p.vrid, priority: a.priority, advertIntervalCs: p.advertIntervalCs, addresses: p.vips },
          { authPass: n.authPass, src: p.primaryIp, dst: VRRP_MCAST_GROUP },
        );
        n.sentAt.push(this.now);
        if (this.linked) this.inflight.push({ at: this.now + this.latencyMs, from: n, bytes: encodeIpv4Packet(payload, { src: p.primaryIp, dst: VRRP_MCAST_GROUP, ttl: 255 }) });
        break;
      }
    }
  }

  /** Deliver packets and fire timers in time order up to `until` (inclusive). */
  run(until: number): void {
    for (;;) {
      let best: { at: number; go: () => void } | undefined;
      for (const p of this.inflight) if (!best || p.at < best.at) best = { at: p.at, go: () => this.deliver(p) };
      for (const n of this.nodes) {
        if (!n.alive) continue;
        for (const [t, at] of n.timers) if (!best || at < best.at) best = { at, go: () => { n.timers.delete(t); this.feed(n, { kind: 'timer', timer: t }); } };
      }
      if (!best || best.at > until) break;
      this.now = best.at;
      best.go();
    }
    this.now = until;
  }

  private deliver(p: { at: number; from: SimNode; bytes: Uint8Array }): void {
    this.inflight.splice(this.inflight.indexOf(p), 1);
    for (const n of this.nodes) {
      if (n === p.from || !n.alive) continue;
      const r = decodePacket(p.bytes, { authPass: n.authPass });
      this.feed(n, r.ok ? { kind: 'advert', advert: r.advert, src: r.envelope.src } : { kind: 'drop', reason: r.reason });
    }
  }

  masters(): string[] {
    return this.nodes.filter((n) => n.alive && n.s.state === 'MASTER').map((n) => n.name);
  }
}

export function params(over: Partial<InstanceParams> = {}): InstanceParams {
  return {
    name: 'VI_1', version: 2, vrid: 51, priority: 100, advertIntervalCs: 100, primaryIp: '198.18.250.1',
    vips: ['198.18.0.100'], preempt: true, preemptDelayMs: 0, initialState: 'BACKUP', ...over,
  };
}
