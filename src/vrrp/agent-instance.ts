/**
 * One vrrp_instance at run time: feeds events to the pure state machine and carries out the
 * actions it returns. Timers are absolute deadlines: a timer's follow-up is armed from the
 * deadline it fired at, not from "now", so adverts do not drift (setInterval drifts ≈ 2 ms a
 * tick at 0.1 s).
 */
import { decodePacket, encodeAdvert, packetSource } from './packet.js';
import { initialMachine, step, type Action, type MachineEvent, type MachineState, type TimerName, type Transition } from './machine.js';
import { vipDev, type InstanceConf, type VipConf } from '../keepalived-conf/config-types.js';
import type { Logger } from './log.js';
import type { VrrpSocket } from './io/vrrp-socket.js';
import type { AddrOps } from './io/netlink-addr.js';
import type { Garp } from './io/garp.js';
import type { RouteLine, RouteOps } from './io/routes.js';
import { toParams } from './params.js';
import { advertLine, dropLine, LogLimiter, priorityLine, transitionLines, type DropContext } from './ka-log.js';
import type { Advert, DropReason } from './packet.js';
import type { MachineDropReason } from './machine.js';
import { TimerWheel, type TimerSlot } from './agent-timers.js';

/**
 * How early an advert may go (agent-timers.ts): half its interval, so two instances with the same
 * interval always share a wake-up (whatever their phases, one rides the other's), but never sooner
 * than half an interval after this instance's previous advert.
 */
const ADVERT_EARLY_FRACTION = 0.5;
/** Node's whole-ms rounding: any timer may fire this much early. */
const NODE_EARLY_MS = 1;
/** A take-over timer waits out what Node's rounding left (never before the protocol says). */
const TAKEOVER_EARLY_MS = 0.05;

export interface InstanceIo {
  sock: VrrpSocket;
  addr: AddrOps;
  garp: Garp;
  routes: RouteOps;
  log: Logger;
  now(): number;
  /** After every state change: status file, notify scripts, sync groups. */
  onTransition(r: InstanceRunner, t: Transition & { at: number }): void;
  /** Something the status shows changed (master, priority) without a transition. */
  onChange(r: InstanceRunner): void;
  /** vrrp_sync_group: may this instance become master now (every other member wants to)? */
  groupReady(r: InstanceRunner): boolean;
  /** The process's one timer for every instance (agent-timers.ts); a wheel of its own when absent. */
  timers?: TimerWheel;
}

export class InstanceRunner {
  m: MachineState;
  lastTransitionAt?: number;
  vipsAddedAt?: number;
  firstGarpAt?: number;
  private readonly wheel: TimerWheel;
  private readonly slots = new Map<TimerName, TimerSlot>();
  /** When the advert timer last ran (its early window starts half an interval later). */
  private lastAdvertTimerAt = -Infinity;
  /** The last advert's bytes per destination: they change only with the priority or the configuration. */
  private advertCache = new Map<string, { priority: number; params: MachineState['params']; payload: Uint8Array }>();
  private garpTimers = new Set<NodeJS.Timeout>();
  /** keepalived logs every dropped advert; a flood of them must not flood the log. */
  private readonly limiter: LogLimiter;

  constructor(public conf: InstanceConf, primaryIp: string, private readonly io: InstanceIo) {
    this.m = initialMachine(toParams(conf, primaryIp));
    this.limiter = new LogLimiter(() => io.now());
    this.wheel = io.timers ?? new TimerWheel(io.now);
  }

  /** After a late wake-up the next advert is closer than an interval: it keeps its deadline then. */
  private advertEarlyMs(): number {
    const half = this.conf.advertIntervalCs * 10 * ADVERT_EARLY_FRACTION;
    return this.io.now() - this.lastAdvertTimerAt >= half ? half : NODE_EARLY_MS;
  }

  private slot(timer: TimerName): TimerSlot {
    let s = this.slots.get(timer);
    if (!s) {
      const early = timer === 'advert' ? () => this.advertEarlyMs() : () => TAKEOVER_EARLY_MS;
      s = this.wheel.slot(early, (deadline) => {
        if (timer === 'advert') this.lastAdvertTimerAt = this.io.now();
        const groupReady = timer === 'masterDown' ? this.io.groupReady(this) : true;
        this.feed({ kind: 'timer', timer, groupReady }, deadline);
      });
      this.slots.set(timer, s);
    }
    return s;
  }

  /** keepalived's line for a dropped advert (LOG_INFO, as keepalived), rate-limited per reason. */
  private logDrop(reason: DropReason | MachineDropReason, c: Omit<DropContext, 'name' | 'ours'>): void {
    const ours = { advertIntervalCs: this.conf.advertIntervalCs, vips: this.m.params.vips, version: this.conf.version, vrid: this.conf.vrid };
    const line = dropLine(reason, { name: this.name, ours, ...c });
    if (line === undefined) return;
    const out = this.limiter.pass(reason, line);
    if (out !== undefined) this.io.log.log('info', out, { instance: this.name, drop: reason, ...(c.src ? { src: c.src } : {}) });
  }

  get name(): string {
    return this.conf.name;
  }

  /**
   * A received packet already matched to this instance by VRID. `at` is when the worker read it:
   * timers it arms count from then, so a busy main thread does not stretch Master_Down_Interval.
   */
  receive(packet: Uint8Array, at = this.io.now()): void {
    const unicast = this.conf.unicastPeers.length > 0;
    const r = decodePacket(packet, { authPass: this.conf.version === 2 ? this.conf.authPass : undefined, anyTtl: unicast });
    // Unicast: only a listed peer may speak for this router (what keepalived's check_unicast_src does).
    if (r.ok && unicast && !this.conf.unicastPeers.includes(r.envelope.src)) {
      this.logDrop('unknown-unicast-src', { src: r.envelope.src });
      this.feed({ kind: 'drop', reason: 'unknown-unicast-src' });
    } else if (r.ok) this.feed({ kind: 'advert', advert: r.advert, src: r.envelope.src }, Math.min(at, this.io.now()));
    else {
      this.logDrop(r.reason, { detail: r.detail, src: packetSource(packet) });
      this.feed({ kind: 'drop', reason: r.reason });
    }
  }

  feed(e: MachineEvent, base = this.io.now()): void {
    const before = this.m.state;
    const was = this.m;
    const dropsBefore = this.m.counters.drops;
    const countersBefore = this.m.counters;
    const priorityBefore = this.m.priority;
    const r = step(this.m, e);
    this.m = r.state;
    if (e.kind === 'advert' && r.state.counters.drops !== dropsBefore) this.logMachineDrop(dropsBefore, e.advert, e.src);
    else if (e.kind === 'advert') {
      const line = advertLine(this.name, before, e.advert, e.src, r.state.counters.lowerPriorityIgnored !== countersBefore.lowerPriorityIgnored);
      const out = line && this.limiter.pass(e.advert.priority === 0 ? 'priority-0' : 'lower-priority', line);
      if (out) this.io.log.log('info', out, { instance: this.name, src: e.src, priority: e.advert.priority });
    }
    if (r.state.priority !== priorityBefore && r.state.state !== 'INIT') {
      this.io.log.log('info', priorityLine(this.name, priorityBefore, r.state.priority), { instance: this.name });
    }
    for (const a of r.actions) this.act(a, base);
    if (r.state.state !== before && r.state.lastTransition) {
      this.lastTransitionAt = Date.now();
      const extra = r.state.state === 'MASTER' && this.vipsAddedAt !== undefined && this.firstGarpAt !== undefined ? { garpAfterVipMs: Math.round((this.firstGarpAt - this.vipsAddedAt) * 1000) / 1000 } : {};
      // keepalived's words (the cause, then "Entering X STATE"); the agent's own reason stays a field.
      const lines = transitionLines(this.name, r.state.lastTransition, { priority: r.state.priority });
      for (const [i, line] of lines.entries()) {
        const last = i === lines.length - 1;
        this.io.log.log('info', line, { instance: this.name, ...(last ? { transition: `${before} → ${r.state.state}`, reason: r.state.lastTransition.reason, ...extra } : {}) });
      }
      if (lines.length === 0) this.io.log.log('info', `(${this.name}) ${before} → ${r.state.state}`, { instance: this.name, transition: `${before} → ${r.state.state}`, reason: r.state.lastTransition.reason });
      this.io.onTransition(this, { ...r.state.lastTransition, at: this.lastTransitionAt });
    } else if (r.state.masterIp !== was.masterIp || r.state.masterPriority !== was.masterPriority || r.state.priority !== was.priority || r.state.faults.length !== was.faults.length) {
      this.io.onChange(this);
    }
  }

  private logMachineDrop(before: MachineState['counters']['drops'], advert: Advert, src: string): void {
    const after = this.m.counters.drops;
    const reason = (Object.keys(after) as MachineDropReason[]).find((k) => after[k] !== before[k]);
    if (reason) this.logDrop(reason, { advert, src });
  }

  /** Replace the configuration, keeping the state (SIGHUP). */
  reconfigure(conf: InstanceConf, primaryIp: string): void {
    const wasMaster = this.m.state === 'MASTER';
    const oldVips = this.allVips();
    this.conf = conf;
    this.m = { ...this.m, params: toParams(conf, primaryIp) };
    this.advertCache.clear();
    if (wasMaster) {
      const keep = new Set(this.allVips().map((v) => v.address));
      for (const v of oldVips) if (!keep.has(v.address)) this.vipOp('del', v);
      for (const v of this.allVips()) this.vipOp('add', v);
    }
  }

  private allVips(): VipConf[] {
    return [...this.conf.vips, ...this.conf.vipsExcluded];
  }

  private vipOp(op: 'add' | 'del', v: VipConf): void {
    try {
      this.io.addr[op]({ address: v.address, prefix: v.prefix, dev: vipDev(this.conf, v), label: v.label });
    } catch (e) {
      this.io.log.log('error', `${this.name}: cannot ${op} VIP ${v.address}`, { instance: this.name, error: (e as Error).message });
    }
  }

  /** Remove VIPs a killed earlier run may have left (before startup; the master adds them back). */
  removeLeftovers(present: ReadonlySet<string>): void {
    for (const v of this.allVips()) {
      if (!present.has(v.address)) continue;
      this.io.log.log('warn', `${this.name}: removing VIP ${v.address} left by an earlier run`, { instance: this.name, vip: v.address });
      this.vipOp('del', v);
    }
  }

  private act(a: Action, base: number): void {
    switch (a.kind) {
      case 'arm':
        this.slot(a.timer).arm(base + a.ms);
        break;
      case 'cancel':
        this.slots.get(a.timer)?.cancel();
        break;
      case 'send-advert':
        this.sendAdvert(a.priority);
        break;
      case 'add-vips':
        for (const v of this.allVips()) this.vipOp('add', v);
        this.vipsAddedAt = this.io.now();
        // After this step's advert and ARPs: spawning `ip` must not delay them.
        if (this.conf.routes.length > 0) setImmediate(() => this.routesOp('add', this.conf.routes));
        break;
      case 'del-vips':
        this.stopGarp();
        if (this.conf.routes.length > 0) this.routesOp('del', [...this.conf.routes].reverse());
        for (const v of this.allVips()) this.vipOp('del', v);
        break;
      case 'send-garp':
        this.startGarp();
        break;
      case 'notify':
        // Run by onTransition, which knows the group context.
        break;
    }
  }

  private sendAdvert(priority: number): void {
    const c = this.conf;
    const dsts = c.unicastPeers.length > 0 ? c.unicastPeers : [c.mcastGroup];
    for (const dst of dsts) {
      let cached = this.advertCache.get(dst);
      if (!cached || cached.priority !== priority || cached.params !== this.m.params) {
        const payload = encodeAdvert(
          { version: c.version, vrid: c.vrid, priority, advertIntervalCs: c.advertIntervalCs, addresses: this.m.params.vips },
          { authPass: c.version === 2 ? c.authPass : undefined, src: this.m.params.primaryIp, dst },
        );
        this.advertCache.set(dst, (cached = { priority, params: this.m.params, payload }));
      }
      try {
        this.io.sock.send(cached.payload, dst);
      } catch (e) {
        this.io.log.log('error', `${this.name}: advert to ${dst} failed`, { instance: this.name, error: (e as Error).message });
      }
    }
  }

  /** virtual_routes / virtual_rules one after another, in order (a route may need the one before). */
  private routesOp(op: 'add' | 'del', lines: readonly RouteLine[]): void {
    const [line, ...rest] = lines;
    if (!line) return;
    this.io.routes.apply(op, line, (error) => {
      if (error) this.io.log.log('error', `${this.name}: cannot ${op} ${line.kind} ${line.words.join(' ')}: ${error}`, { instance: this.name });
      this.routesOp(op, rest);
    });
  }

  private garpBurst(repeat: number): void {
    for (let i = 0; i < repeat; i++) {
      for (const v of this.allVips()) {
        try {
          this.io.garp.send(vipDev(this.conf, v), v.address);
        } catch (e) {
          this.io.log.log('error', `${this.name}: gratuitous ARP for ${v.address} failed`, { instance: this.name, error: (e as Error).message });
        }
      }
    }
  }

  /** keepalived: a burst at once, another after garp_master_delay, then every garp_master_refresh. */
  private startGarp(): void {
    this.stopGarp();
    const c = this.conf;
    this.garpBurst(c.garpMasterRepeat);
    this.firstGarpAt = this.io.now();
    if (c.garpMasterDelaySec > 0) {
      const t = setTimeout(() => {
        this.garpTimers.delete(t);
        this.garpBurst(c.garpMasterRepeat);
      }, c.garpMasterDelaySec * 1000);
      this.garpTimers.add(t);
    }
    if (c.garpMasterRefreshSec > 0) {
      const t = setInterval(() => this.garpBurst(c.garpMasterRefreshRepeat), c.garpMasterRefreshSec * 1000);
      this.garpTimers.add(t);
    }
  }

  private stopGarp(): void {
    for (const t of this.garpTimers) clearTimeout(t);
    this.garpTimers.clear();
  }

  /** Stop every timer (after the shutdown event was fed). */
  dispose(): void {
    for (const s of this.slots.values()) s.cancel();
    this.stopGarp();
  }
}
