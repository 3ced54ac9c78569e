/**
 * The agent process: every vrrp_instance of a config on its sockets, tracking, notify scripts,
 * sync groups, the status file, reload and shutdown. The protocol itself is in machine.ts; the
 * kernel calls in io/; this file wires them.
 */
import os from 'node:os';
import fs from 'node:fs';
import { InstanceRunner } from './agent-instance.js';
import { TimerWheel } from './agent-timers.js';
import { vipDev, type AgentConfig, type InstanceConf } from '../keepalived-conf/config-types.js';
import type { Logger } from './log.js';
import { effectivePriority, type NotifyState, type Transition } from './machine.js';
import { choosePrimaryIp } from './params.js';
import { fileTrackInput, trackEffect, type TrackInput } from './tracking.js';
import { TrackSources } from './agent-sources.js';
import { TrackScripts } from './agent-scripts.js';
import { openVrrpSocket, type RxPacket, type VrrpSocket } from './io/vrrp-socket.js';
import { openAddrOps, type AddrOps } from './io/netlink-addr.js';
import { openGarp, type Garp } from './io/garp.js';
import { openVmacOps, vmacAddress, type VmacOps } from './io/netlink-link.js';
import { ipRouteOps } from './io/routes.js';
import { dropStartupPages } from './io/resident.js';
import { clearInheritedCapabilities } from './io/libc.js';
import { runNotify } from './io/scripts.js';
import { nodeScriptSystem } from './io/script-system.js';
import { secureScripts } from './script-security.js';
import type { NotifyScript } from '../keepalived-conf/config-types.js';
import { formatWhere } from '../diagnostics/index.js';
import { canonicalIp, isLinkLocal6, payloadOffset, type Family } from './packet.js';
import { buildStatus, writeStatus, type AgentStatus } from './status.js';
import { renderMetrics } from './metrics.js';
import type { MetricsAddress } from './metrics-address.js';

export interface AgentOptions {
  configFile: string;
  statusFile?: string;
  log: Logger;
  /** Serve GET /metrics here (`--metrics`). */
  metrics?: MetricsAddress;
}

interface SocketEntry {
  sock: VrrpSocket;
  runners: InstanceRunner[];
  otherVrid: number;
  undecodable: number;
}

// timeOrigin is a getter that costs more than performance.now() itself: read it once.
const ORIGIN_MS = performance.timeOrigin;
const now = () => ORIGIN_MS + performance.now();

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
  private readonly scripts: TrackScripts;
  private readonly sources: TrackSources;
  private ifUp = new Map<string, boolean>();
  private groupStates = new Map<string, string>();
  /** One Node timer for every instance's protocol timers: adverts due together share a wake-up. */
  private readonly wheel = new TimerWheel(now);
  /** Interface state every 500 ms, on the wheel: it rides an advert's wake-up when one is near. */
  private readonly ifPoll = this.wheel.slot(() => 100, (deadline) => {
    this.pollInterfaces(true);
    this.ifPoll.arm(deadline + 500);
  });
  private statusTimer?: NodeJS.Timeout;
  private trimTimer?: NodeJS.Timeout;
  private metricsServer?: { address: string; close(): Promise<void> };
  private statusPending = false;
  private readonly startedAt = new Date().toISOString();
  private stopping = false;
  readonly addr: AddrOps;
  readonly garp: Garp;
  private readonly routes = ipRouteOps();
  /** Opened when the first instance with use_vmac starts. */
  private vmacs?: VmacOps;
  private readonly vmacNames = new Set<string>();
  private cfg: AgentConfig;

  constructor(cfg: AgentConfig, private readonly o: AgentOptions) {
    // Started with ambient capabilities (systemd's AmbientCapabilities=, setpriv) as a non-root
    // user: a script run as another non-root user would keep them across exec. They served to
    // start node; from here on nothing but this process holds them.
    try {
      clearInheritedCapabilities();
    } catch (e) {
      o.log.log('warn', 'cannot clear the ambient capability set: scripts of non-root users may inherit capabilities', { error: (e as Error).message });
    }
    this.cfg = this.secure(cfg);
    this.addr = openAddrOps((why) => o.log.log('warn', 'netlink unavailable, using `ip addr`', { error: why }));
    this.garp = openGarp();
    this.scripts = new TrackScripts(o.log, (name) => {
      for (const r of this.runners.values()) if (r.conf.trackScripts.some((x) => x.name === name)) this.applyTracking(r);
      this.scheduleStatus();
    }, () => this.stopping);
    this.sources = new TrackSources(o.log, (uses, initial) => {
      if (!initial || this.runners.size > 0) this.retrack(uses);
    }, () => this.stopping);
  }

  async start(): Promise<void> {
    this.pollInterfaces(false);
    this.scripts.start(this.cfg);
    this.sources.start(this.cfg);
    const present = allAddrs();
    const runners = this.cfg.instances.map((c) => this.addInstance(c, present));
    if (!runners.some(Boolean)) throw new Error('no vrrp_instance could start (see the errors above)');
    await Promise.all([...this.sockets.values()].map((e) => e.sock.ready));
    if (this.o.metrics) {
      // node:http only when asked: an agent without --metrics does not carry it.
      const { serveMetrics } = await import('./metrics-server.js');
      this.metricsServer = await serveMetrics(this.o.metrics, () => this.metrics());
      this.o.log.log('info', `metrics on http://${this.metricsServer.address}/metrics`, { metrics: this.metricsServer.address });
    }
    for (const r of runners) r?.feed({ kind: 'startup' });
    this.ifPoll.arm(now() + 500);
    this.statusTimer = setInterval(() => this.flushStatus(), 5000);
    this.flushStatus();
    // Once start-up is over (first adverts sent, hot paths compiled): its file pages go back.
    // HAFLEET_AGENT_KEEP_PAGES=1 keeps them (the footprint bench's "before").
    if (process.env['HAFLEET_AGENT_KEEP_PAGES'] !== '1') this.trimTimer = setTimeout(() => dropStartupPages(), 3000).unref();
  }

  /** Set up an instance; the caller feeds `startup` once its socket listens. */
  private addInstance(c: InstanceConf, present: ReadonlySet<string>): InstanceRunner | undefined {
    const primary = choosePrimaryIp(c, addrsOf(c.interface, c.family));
    if (!primary) {
      const what = c.family === 6 ? 'IPv6 link-local address (is IPv6 disabled on it? see net.ipv6.conf.' + c.interface + '.disable_ipv6)' : 'IPv4 address';
      this.o.log.log('error', `${c.name}: interface ${c.interface} has no ${what}; instance not started`, { instance: c.name });
      return undefined;
    }
    if (c.vmac && !this.vmacNames.has(c.vmac.name)) {
      try {
        this.vmacs ??= openVmacOps();
        this.vmacs.create(c.vmac.name, c.interface, vmacAddress(c.vrid, 4));
        this.vmacNames.add(c.vmac.name);
        this.o.log.log('info', `${c.name}: VMAC ${c.vmac.name} on ${c.interface}`, { instance: c.name, vmac: c.vmac.name, mac: vmacAddress(c.vrid, 4).toString('hex').replace(/(..)(?!$)/g, '$1:') });
      } catch (e) {
        this.o.log.log('error', `${c.name}: cannot create VMAC ${c.vmac.name} on ${c.interface}: ${(e as Error).message}; instance not started`, { instance: c.name });
        return undefined;
      }
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
      routes: this.routes,
      log: this.o.log,
      now,
      onTransition: (run, t) => this.onTransition(run, t),
      onChange: () => this.scheduleStatus(),
      groupReady: (run) => this.groupReady(run),
      timers: this.wheel,
    });
    sock.runners.push(r);
    this.runners.set(c.name, r);
    for (const dev of new Set([...c.vips, ...c.vipsExcluded].map((v) => vipDev(c, v)))) {
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
    // Adverts leave through the VMAC (its virtual MAC as their source) unless vmac_xmit_base.
    const txIfname = c.vmac && !c.vmac.xmitBase ? c.vmac.name : c.interface;
    const key = `${c.interface}|${txIfname}|${primary}|${multicast ? c.mcastGroup : 'unicast'}`;
    let e = this.sockets.get(key);
    if (e) return e;
    const entry: SocketEntry = { runners: [], otherVrid: 0, undecodable: 0, sock: undefined as unknown as VrrpSocket };
    entry.sock = openVrrpSocket({ ifname: c.interface, txIfname, srcIp: primary, group: multicast ? c.mcastGroup : undefined }, (p) => {
      this.dispatch(entry, p);
      this.wheel.poke();
    }, (m) => this.o.log.log('error', `receive on ${c.interface}: ${m}`));
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

  /**
   * Every script passes keepalived's checks here, so none can run unchecked: who runs it, its
   * real path, and refusal of an unsafe one (logged with keepalived's words).
   */
  private secure(cfg: AgentConfig): AgentConfig {
    const s = secureScripts(cfg, nodeScriptSystem());
    for (const d of s.diagnostics) this.o.log.log(d.severity === 'error' ? 'error' : 'warn', d.message, { code: d.code, where: formatWhere(d.where) });
    return s.config;
  }

  private onTransition(r: InstanceRunner, t: Transition & { at: number }): void {
    this.scheduleStatus();
    const state: NotifyState | undefined = t.to === 'INIT' ? 'STOP' : t.to === 'MASTER' || t.to === 'BACKUP' || t.to === 'FAULT' ? t.to : undefined;
    if (!state) return;
    const n = r.conf.notify;
    const done = (cmd: NotifyScript) => (res: { ok: boolean; code: number | null; error?: string }) => {
      if (!res.ok) this.o.log.log('warn', `${r.name}: notify script failed`, { instance: r.name, script: cmd.cmd, code: res.code, error: res.error });
    };
    const specific = { MASTER: n.master, BACKUP: n.backup, FAULT: n.fault, STOP: n.stop }[state];
    if (specific?.exec) runNotify(specific.exec, [], done(specific));
    // keepalived's generic notify: SCRIPT INSTANCE NAME STATE PRIORITY.
    if (n.any?.exec) runNotify(n.any.exec, ['INSTANCE', r.name, state, String(r.m.priority)], done(n.any));
    this.syncGroups(r, t);
    this.groupNotify(r, done);
  }

  /** A group's own notify scripts run when all its members have reached the same state. */
  private groupNotify(r: InstanceRunner, done: (cmd: NotifyScript) => (res: { ok: boolean; code: number | null; error?: string }) => void): void {
    for (const g of this.cfg.syncGroups.filter((x) => x.members.includes(r.name))) {
      const members = g.members.map((m) => this.runners.get(m)).filter((o): o is InstanceRunner => o !== undefined);
      const states = new Set(members.map((m) => m.m.state));
      const s = [...states][0];
      if (states.size !== 1 || !s || this.groupStates.get(g.name) === s) continue;
      this.groupStates.set(g.name, s);
      const state: NotifyState | undefined = s === 'INIT' ? 'STOP' : s;
      const cmd = { MASTER: g.notify.master, BACKUP: g.notify.backup, FAULT: g.notify.fault, STOP: g.notify.stop }[state];
      this.o.log.log('info', `vrrp_sync_group ${g.name}: ${state}`, { group: g.name, state });
      if (cmd?.exec) runNotify(cmd.exec, [], done(cmd));
      if (g.notify.any?.exec) runNotify(g.notify.any.exec, ['GROUP', g.name, state], done(g.notify.any));
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

  private retrack(uses: (c: InstanceConf) => boolean): void {
    for (const r of this.runners.values()) if (uses(r.conf)) this.applyTracking(r);
    this.scheduleStatus();
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
      const s = this.scripts.trackers.get(t.name);
      if (s) inputs.push({ name: `script ${t.name}`, up: s.state.up, weight: t.weight ?? s.conf.weight, reverse: t.reverse ?? s.conf.reverse });
    }
    for (const t of c.trackProcesses) {
      const p = this.sources.processes.get(t.name);
      if (p) inputs.push({ name: `process ${t.name}`, up: p.state.up, weight: t.weight ?? p.conf.weight, reverse: t.reverse ?? p.conf.reverse });
    }
    for (const t of c.trackFiles) {
      const f = this.sources.files.get(t.name);
      if (f) inputs.push(fileTrackInput(`file ${t.name}`, f.value, t.weight ?? f.conf.weight, t.reverse ?? f.conf.reverse));
    }
    const eff = trackEffect(inputs);
    if (effectivePriority(r.m.params.priority, eff.weight) !== r.m.priority) r.feed({ kind: 'priority', weight: eff.weight });
    for (const f of r.m.faults.filter((f) => !f.startsWith('sync group ') && !eff.faults.includes(f))) r.feed({ kind: 'fault', cause: f, active: false });
    for (const f of eff.faults.filter((f) => !r.m.faults.includes(f))) r.feed({ kind: 'fault', cause: f, active: true });
  }

  /** SIGHUP: re-read the file; same-named instances keep their state (and mastership). */
  reload(next: AgentConfig): void {
    this.o.log.log('info', 'reloading configuration', { file: this.o.configFile });
    this.scripts.stop();
    const old = this.cfg;
    this.cfg = this.secure(next);
    next = this.cfg;
    this.scripts.start(this.cfg);
    this.sources.start(this.cfg);
    const present = allAddrs();
    for (const c of next.instances) {
      const r = this.runners.get(c.name);
      const oc = old.instances.find((x) => x.name === c.name);
      const same = r && oc && oc.interface === c.interface && oc.family === c.family && oc.vrid === c.vrid && oc.version === c.version &&
        oc.vmac?.name === c.vmac?.name && oc.vmac?.xmitBase === c.vmac?.xmitBase &&
        oc.unicastSrcIp === c.unicastSrcIp && oc.mcastSrcIp === c.mcastSrcIp && oc.mcastGroup === c.mcastGroup && (oc.unicastPeers.length === 0) === (c.unicastPeers.length === 0);
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
    for (const [key, e] of this.sockets) {
      e.runners = e.runners.filter((x) => x !== r);
      if (e.runners.length > 0) continue;
      // Nobody left on it (its VMAC may be about to go): close it.
      this.sockets.delete(key);
      void e.sock.close();
    }
    const vmac = r.conf.vmac?.name;
    if (vmac && ![...this.runners.values()].some((o) => o.conf.vmac?.name === vmac)) this.removeVmac(vmac);
  }

  private removeVmac(name: string): void {
    try {
      this.vmacs?.remove(name);
    } catch (e) {
      this.o.log.log('error', `cannot remove VMAC ${name}`, { error: (e as Error).message });
    }
    this.vmacNames.delete(name);
    this.addr.forget(name);
    this.garp.forget(name);
  }

  /** SIGTERM/SIGINT: priority-0 adverts, VIPs removed, sockets closed. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const r of this.runners.values()) r.feed({ kind: 'shutdown' });
    for (const r of this.runners.values()) r.dispose();
    this.ifPoll.cancel();
    clearInterval(this.statusTimer);
    clearTimeout(this.trimTimer);
    await this.metricsServer?.close();
    this.sources.stop();
    this.scripts.stop();
    this.flushStatus();
    await Promise.all([...this.sockets.values()].map((e) => e.sock.close()));
    // The VMACs go last: sockets sending through them are closed by now.
    for (const n of [...this.vmacNames]) this.removeVmac(n);
    this.vmacs?.close();
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
      scripts: [...this.scripts.trackers.values()].map((t) => ({ name: t.conf.name, ok: t.state.up })),
      processes: [...this.sources.processes.values()].map((t) => ({ name: t.conf.name, ok: t.state.up, count: t.pids.size })),
      files: [...this.sources.files.values()].map((t) => ({ name: t.conf.name, file: t.conf.file, value: t.value })),
      memory: process.memoryUsage(),
    });
  }

  /** The Prometheus text of this moment (GET /metrics). */
  metrics(): string {
    const excluded = new Map([...this.runners.values()].map((r) => [r.name, r.conf.vipsExcluded.map((v) => v.address)]));
    return renderMetrics(this.status(), { held: allAddrs(), excluded });
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
