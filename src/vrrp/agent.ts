/**
 * The agent process: every vrrp_instance of a config on its sockets, tracking, notify scripts,
 * sync groups, the status file, reload and shutdown. The protocol itself is in machine.ts; the
 * kernel calls in io/; this file wires them.
 */
import os from 'node:os';
import fs from 'node:fs';
import { InstanceRunner } from './agent-instance.js';
import type { AgentConfig, InstanceConf, TrackScriptConf } from './config-types.js';
import type { Logger } from './log.js';
import { effectivePriority, type NotifyState, type Transition } from './machine.js';
import { choosePrimaryIp } from './params.js';
import { initialTracker, observe, trackEffect, type TrackerState, type TrackInput } from './tracking.js';
import { openVrrpSocket, type RxPacket, type VrrpSocket } from './io/vrrp-socket.js';
import { openAddrOps, type AddrOps } from './io/netlink-addr.js';
import { openGarp, type Garp } from './io/garp.js';
import { runNotify, runScript } from './io/scripts.js';
import { canonicalIp, isLinkLocal6, payloadOffset, type Family } from './packet.js';
import { buildStatus, writeStatus, type AgentStatus } from './status.js';

export interface AgentOptions {
  configFile: string;
  statusFile?: string;
  log: Logger;
}

interface SocketEntry {
  sock: VrrpSocket;
  runners: InstanceRunner[];
  otherVrid: number;
  undecodable: number;
}

interface ScriptTracker {
  conf: TrackScriptConf;
  state: TrackerState;
  timer?: NodeJS.Timeout;
  running: boolean;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Candidate source addresses of an interface: its IPv4 addresses, or for IPv6 its link-local
 * ones (RFC 5798 §5.1.2.1: the source of an IPv6 advert is the interface's link-local address,
 * which is also what keepalived uses).
 */
export function addrsOf(ifname: string, family: Family): string[] {
  return (os.networkInterfaces()[ifname] ?? [])
    .filter((a) => (family === 6 ? a.family === 'IPv6' && isLinkLocal6(a.address) : a.family === 'IPv4'))
    .map((a) => canonicalIp(a.address.split('%')[0]!) ?? a.address);
}

/** Every address on the host, canonical, both families: VIPs a killed earlier run left behind. */
function allAddrs(): Set<string> {
  return new Set(Object.values(os.networkInterfaces()).flatMap((l) => (l ?? []).map((a) => canonicalIp(a.address.split('%')[0]!) ?? a.address)));
}

function operUp(ifname: string): boolean {
  try {
    const s = fs.readFileSync(`/sys/class/net/${ifname}/operstate`, 'utf8').trim();
    return s === 'up' || s === 'unknown';
  } catch {
    return false;
  }
}

export class Agent {
  private runners = new Map<string, InstanceRunner>();
  private sockets = new Map<string, SocketEntry>();
  private scripts = new Map<string, ScriptTracker>();
  private ifUp = new Map<string, boolean>();
  private groupStates = new Map<string, string>();
  private ifPoll?: NodeJS.Timeout;
  private statusTimer?: NodeJS.Timeout;
  private statusPending = false;
  private readonly startedAt = new Date().toISOString();
  private stopping = false;
  readonly addr: AddrOps;
  readonly garp: Garp;

  constructor(private cfg: AgentConfig, private readonly o: AgentOptions) {
    this.addr = openAddrOps((why) => o.log.log('warn', 'netlink unavailable, using `ip addr`', { error: why }));
    this.garp = openGarp();
  }

  async start(): Promise<void> {
    this.pollInterfaces(false);
    this.startScripts();
    const present = allAddrs();
    const runners = this.cfg.instances.map((c) => this.addInstance(c, present));
    if (!runners.some(Boolean)) throw new Error('no vrrp_instance could start (see the errors above)');
    await Promise.all([...this.sockets.values()].map((e) => e.sock.ready));
    for (const r of runners) r?.feed({ kind: 'startup' });
    this.ifPoll = setInterval(() => this.pollInterfaces(true), 500);
    this.statusTimer = setInterval(() => this.flushStatus(), 5000);
    this.flushStatus();
  }

  /** Set up an instance; the caller feeds `startup` once its socket listens. */
  private addInstance(c: InstanceConf, present: ReadonlySet<string>): InstanceRunner | undefined {
    const primary = choosePrimaryIp(c, addrsOf(c.interface, c.family));
    if (!primary) {
      const what = c.family === 6 ? 'IPv6 link-local address (is IPv6 disabled on it? see net.ipv6.conf.' + c.interface + '.disable_ipv6)' : 'IPv4 address';
      this.o.log.log('error', `${c.name}: interface ${c.interface} has no ${what}; instance not started`, { instance: c.name });
      return undefined;
    }
    let sock: SocketEntry;
    try {
      sock = this.socketFor(c, primary);
    } catch (e) {
      this.o.log.log('error', `${c.name}: cannot open VRRP sockets on ${c.interface}: ${(e as Error).message}; instance not started`, { instance: c.name });
      return undefined;
    }
    const r = new InstanceRunner(c, primary, {
      sock: sock.sock,
      addr: this.addr,
      garp: this.garp,
      log: this.o.log,
      now,
      onTransition: (run, t) => this.onTransition(run, t),
      onChange: () => this.scheduleStatus(),
      groupReady: (run) => this.groupReady(run),
    });
    sock.runners.push(r);
    this.runners.set(c.name, r);
    for (const dev of new Set([...c.vips, ...c.vipsExcluded].map((v) => v.dev ?? c.interface))) {
      try {
        this.garp.prepare(dev);
      } catch (e) {
        this.o.log.log('error', `${c.name}: interface ${dev} for gratuitous ARP: ${(e as Error).message}`, { instance: c.name });
      }
    }
    if (c.priority !== 255) r.removeLeftovers(present);
    this.applyTracking(r);
    return r;
  }

  private socketFor(c: InstanceConf, primary: string): SocketEntry {
    const multicast = c.unicastPeers.length === 0;
    const key = `${c.interface}|${primary}|${multicast}`;
    let e = this.sockets.get(key);
    if (e) return e;
    const entry: SocketEntry = { runners: [], otherVrid: 0, undecodable: 0, sock: undefined as unknown as VrrpSocket };
    entry.sock = openVrrpSocket({ ifname: c.interface, srcIp: primary, multicast }, (p) => this.dispatch(entry, p), (m) => this.o.log.log('error', `receive on ${c.interface}: ${m}`));
    this.sockets.set(key, entry);
    return entry;
  }

  /** Route a packet to the instance of its VRID; the instance's codec + machine count the rest. */
  private dispatch(e: SocketEntry, p: RxPacket): void {
    const b = p.packet;
    const off = payloadOffset(b);
    if (b.length < off + 8) {
      e.undecodable++;
      return;
    }
    const version = b[off]! >> 4;
    const vrid = b[off + 1]!;
    const r = e.runners.find((x) => x.conf.vrid === vrid && x.conf.version === version) ?? e.runners.find((x) => x.conf.vrid === vrid);
    if (!r) {
      e.otherVrid++;
      return;
    }
    r.receive(b, p.at);
  }

  private onTransition(r: InstanceRunner, t: Transition & { at: number }): void {
    this.scheduleStatus();
    const state: NotifyState | undefined = t.to === 'INIT' ? 'STOP' : t.to === 'MASTER' || t.to === 'BACKUP' || t.to === 'FAULT' ? t.to : undefined;
    if (!state) return;
    const n = r.conf.notify;
    const as = { user: this.cfg.global.scriptUser, group: this.cfg.global.scriptGroup };
    const done = (cmd: string) => (res: { ok: boolean; code: number | null; error?: string }) => {
      if (!res.ok) this.o.log.log('warn', `${r.name}: notify script failed`, { instance: r.name, script: cmd, code: res.code, error: res.error });
    };
    const specific = { MASTER: n.master, BACKUP: n.backup, FAULT: n.fault, STOP: n.stop }[state];
    if (specific) runNotify(specific, [], as, done(specific));
    // keepalived's generic notify: SCRIPT INSTANCE NAME STATE PRIORITY.
    if (n.any) runNotify(n.any, ['INSTANCE', r.name, state, String(r.m.priority)], as, done(n.any));
    this.syncGroups(r, t);
    this.groupNotify(r, as, done);
  }

  /** A group's own notify scripts run when all its members have reached the same state. */
  private groupNotify(r: InstanceRunner, as: { user?: string; group?: string }, done: (cmd: string) => (res: { ok: boolean; code: number | null; error?: string }) => void): void {
    for (const g of this.cfg.syncGroups.filter((x) => x.members.includes(r.name))) {
      const members = g.members.map((m) => this.runners.get(m)).filter((o): o is InstanceRunner => o !== undefined);
      const states = new Set(members.map((m) => m.m.state));
      const s = [...states][0];
      if (states.size !== 1 || !s || this.groupStates.get(g.name) === s) continue;
      this.groupStates.set(g.name, s);
      const state: NotifyState | undefined = s === 'INIT' ? 'STOP' : s;
      const cmd = { MASTER: g.notify.master, BACKUP: g.notify.backup, FAULT: g.notify.fault, STOP: g.notify.stop }[state];
      this.o.log.log('info', `vrrp_sync_group ${g.name}: ${state}`, { group: g.name, state });
      if (cmd) runNotify(cmd, [], as, done(cmd));
      if (g.notify.any) runNotify(g.notify.any, ['GROUP', g.name, state], as, done(g.notify.any));
    }
  }

  private groupsOf(r: InstanceRunner): { name: string; others: InstanceRunner[] }[] {
    return this.cfg.syncGroups
      .filter((g) => g.members.includes(r.name))
      .map((g) => ({ name: g.name, others: g.members.map((m) => this.runners.get(m)).filter((o): o is InstanceRunner => o !== undefined && o !== r) }));
  }

  /** keepalived's vrrp_sync_can_goto_master: only when every other member is, or wants to be, master. */
  private groupReady(r: InstanceRunner): boolean {
    return this.groupsOf(r).every((g) => g.others.every((o) => o.m.state === 'MASTER' || o.m.wantsMaster));
  }

  /**
   * vrrp_sync_group: members move together. FAULT takes the others to FAULT; MASTER and BACKUP
   * pull the others along. Moves the group itself caused are not propagated again.
   */
  private syncGroups(r: InstanceRunner, t: Transition): void {
    if (t.reason.includes('sync group ')) return;
    for (const g of this.groupsOf(r)) {
      const cause = `sync group ${g.name}: ${r.name} in FAULT`;
      if (t.to === 'FAULT' || t.from === 'FAULT') {
        const faulty = t.to === 'FAULT';
        for (const o of g.others) o.feed({ kind: 'fault', cause, active: faulty });
      }
      if (t.to === 'MASTER') for (const o of g.others) o.feed({ kind: 'sync', to: 'MASTER', reason: `sync group ${g.name}: ${r.name} became MASTER` });
      if (t.from === 'MASTER' && t.to === 'BACKUP') for (const o of g.others) o.feed({ kind: 'sync', to: 'BACKUP', reason: `sync group ${g.name}: ${r.name} became BACKUP` });
    }
  }

  private startScripts(): void {
    const used = new Set(this.cfg.instances.flatMap((i) => i.trackScripts.map((t) => t.name)));
    for (const conf of this.cfg.scripts) {
      if (!used.has(conf.name)) continue;
      const t: ScriptTracker = { conf, state: initialTracker(), running: false };
      this.scripts.set(conf.name, t);
      const tick = () => {
        if (this.stopping) return;
        t.timer = setTimeout(tick, conf.intervalSec * 1000);
        if (t.running) return;
        t.running = true;
        const as = { user: conf.user ?? this.cfg.global.scriptUser, group: conf.user ? conf.group : this.cfg.global.scriptGroup };
        void runScript(conf.script, conf.timeoutSec * 1000, as).then((res) => {
          t.running = false;
          const before = t.state.up;
          t.state = observe(t.state, res.ok, conf.fall, conf.rise);
          if (t.state.up !== before) {
            this.o.log.log('info', `vrrp_script ${conf.name} ${t.state.up ? 'passes' : 'fails'}`, { script: conf.name, code: res.code, timedOut: res.timedOut, error: res.error });
            for (const r of this.runners.values()) if (r.conf.trackScripts.some((x) => x.name === conf.name)) this.applyTracking(r);
            this.scheduleStatus();
          }
        });
      };
      tick();
    }
  }

  private pollInterfaces(apply: boolean): void {
    const names = new Set(this.cfg.instances.flatMap((i) => [...(i.dontTrackPrimary ? [] : [i.interface]), ...i.trackInterfaces.map((t) => t.name)]));
    let changed = false;
    for (const n of names) {
      const up = operUp(n);
      if (this.ifUp.get(n) !== up) {
        changed ||= this.ifUp.has(n);
        this.ifUp.set(n, up);
        if (apply) this.o.log.log('info', `interface ${n} ${up ? 'up' : 'down'}`, { interface: n });
      }
    }
    if (apply && changed) for (const r of this.runners.values()) this.applyTracking(r);
  }

  private applyTracking(r: InstanceRunner): void {
    const c = r.conf;
    const inputs: TrackInput[] = [];
    if (!c.dontTrackPrimary) inputs.push({ name: `interface ${c.interface}`, up: this.ifUp.get(c.interface) ?? true, weight: 0 });
    for (const t of c.trackInterfaces) inputs.push({ name: `interface ${t.name}`, up: this.ifUp.get(t.name) ?? true, weight: t.weight ?? 0 });
    for (const t of c.trackScripts) {
      const s = this.scripts.get(t.name);
      if (s) inputs.push({ name: `script ${t.name}`, up: s.state.up, weight: t.weight ?? s.conf.weight, reverse: s.conf.reverse });
    }
    const eff = trackEffect(inputs);
    if (effectivePriority(r.m.params.priority, eff.weight) !== r.m.priority) r.feed({ kind: 'priority', weight: eff.weight });
    for (const f of r.m.faults.filter((f) => !f.startsWith('sync group ') && !eff.faults.includes(f))) r.feed({ kind: 'fault', cause: f, active: false });
    for (const f of eff.faults.filter((f) => !r.m.faults.includes(f))) r.feed({ kind: 'fault', cause: f, active: true });
  }

  /** SIGHUP: re-read the file; same-named instances keep their state (and mastership). */
  reload(next: AgentConfig): void {
    this.o.log.log('info', 'reloading configuration', { file: this.o.configFile });
    for (const t of this.scripts.values()) clearTimeout(t.timer);
    this.scripts.clear();
    const old = this.cfg;
    this.cfg = next;
    this.startScripts();
    const present = allAddrs();
    for (const c of next.instances) {
      const r = this.runners.get(c.name);
      const oc = old.instances.find((x) => x.name === c.name);
      const same = r && oc && oc.interface === c.interface && oc.family === c.family && oc.vrid === c.vrid && oc.version === c.version &&
        oc.unicastSrcIp === c.unicastSrcIp && oc.mcastSrcIp === c.mcastSrcIp && (oc.unicastPeers.length === 0) === (c.unicastPeers.length === 0);
      if (r && same) {
        r.reconfigure(c, r.m.params.primaryIp);
        this.applyTracking(r);
      } else {
        if (r) this.removeRunner(r);
        const n = this.addInstance(c, present);
        if (n) void this.socketOf(n).then(() => n.feed({ kind: 'startup' }));
      }
    }
    for (const r of [...this.runners.values()]) if (!next.instances.some((c) => c.name === r.name)) this.removeRunner(r);
    this.scheduleStatus();
  }

  private async socketOf(r: InstanceRunner): Promise<void> {
    for (const e of this.sockets.values()) if (e.runners.includes(r)) await e.sock.ready;
  }

  private removeRunner(r: InstanceRunner): void {
    r.feed({ kind: 'shutdown' });
    r.dispose();
    this.runners.delete(r.name);
    for (const e of this.sockets.values()) e.runners = e.runners.filter((x) => x !== r);
  }

  /** SIGTERM/SIGINT: priority-0 adverts, VIPs removed, sockets closed. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const r of this.runners.values()) r.feed({ kind: 'shutdown' });
    for (const r of this.runners.values()) r.dispose();
    clearInterval(this.ifPoll);
    clearInterval(this.statusTimer);
    for (const t of this.scripts.values()) clearTimeout(t.timer);
    this.flushStatus();
    await Promise.all([...this.sockets.values()].map((e) => e.sock.close()));
    this.addr.close();
    this.garp.close();
  }

  status(): AgentStatus {
    return buildStatus({
      startedAt: this.startedAt,
      configFile: this.o.configFile,
      runners: [...this.runners.values()],
      socketDrops: [...this.sockets.values()].reduce((a, e) => ({ otherVrid: a.otherVrid + e.otherVrid, undecodable: a.undecodable + e.undecodable }), { otherVrid: 0, undecodable: 0 }),
      addrVia: this.addr.via,
      scripts: [...this.scripts.values()].map((t) => ({ name: t.conf.name, ok: t.state.up })),
    });
  }

  private scheduleStatus(): void {
    if (this.statusPending) return;
    this.statusPending = true;
    setImmediate(() => {
      this.statusPending = false;
      this.flushStatus();
    });
  }

  private flushStatus(): void {
    if (!this.o.statusFile) return;
    try {
      writeStatus(this.o.statusFile, this.status());
    } catch (e) {
      this.o.log.log('error', 'cannot write the status file', { file: this.o.statusFile, error: (e as Error).message });
    }
  }
}
