/**
 * The agent process: every vrrp_instance of a config on its sockets, tracking, notify scripts,
 * sync groups, the status file, reload and shutdown. The protocol itself is in machine.ts; the
 * kernel calls in io/; this file wires them.
 */
import os from 'node:os';
import fs from 'node:fs';
import { InstanceRunner } from './agent-instance.js';
import { vipDev, type AgentConfig, type InstanceConf, type TrackFileConf, type TrackProcessConf, type TrackScriptConf } from './config-types.js';
import type { Logger } from './log.js';
import { effectivePriority, type NotifyState, type Transition } from './machine.js';
import { choosePrimaryIp } from './params.js';
import {
  fileTrackInput, initialQuorum, initialTracker, observe, observeQuorum, parseTrackFileValue, processMatches, trackEffect,
  type QuorumState, type TrackerState, type TrackInput,
} from './tracking.js';
import { readProc, scanProcs } from './io/procs.js';
import { openVrrpSocket, type RxPacket, type VrrpSocket } from './io/vrrp-socket.js';
import { openAddrOps, type AddrOps } from './io/netlink-addr.js';
import { openGarp, type Garp } from './io/garp.js';
import { openVmacOps, vmacAddress, type VmacOps } from './io/netlink-link.js';
import { ipRouteOps } from './io/routes.js';
import { runNotify, runScript } from './io/scripts.js';
import { nodeScriptSystem } from './io/script-system.js';
import { secureScripts } from './script-security.js';
import { scriptLines } from './ka-log.js';
import type { NotifyScript } from './config-types.js';
import { formatWhere } from '../diagnostics/index.js';
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
  /** The last exit status, for keepalived's "Script `x` now returning N" when it changes. */
  lastCode?: number;
}

interface ProcessTracker {
  conf: TrackProcessConf;
  state: QuorumState;
  pids: Set<number>;
}

interface FileTracker {
  conf: TrackFileConf;
  value: number;
  /** inode, mtime and size of the last read: the file is re-read when they change. */
  seen?: string;
}

/**
 * vrrp_track_process and track_file are polled (see io/procs.ts for why): the processes known to
 * match, and the files, every QUICK_MS — a tracked nginx that dies is seen within 0.1 s; a full
 * /proc scan to find new ones every FULL_SCAN_MS (≈ 1.4 ms of CPU per scan with 65 processes).
 */
const QUICK_MS = 100;
const FULL_SCAN_MS = 1000;

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
  private processes = new Map<string, ProcessTracker>();
  private files = new Map<string, FileTracker>();
  private sourcePoll?: NodeJS.Timeout;
  private lastFullScan = 0;
  private ifUp = new Map<string, boolean>();
  private groupStates = new Map<string, string>();
  private ifPoll?: NodeJS.Timeout;
  private statusTimer?: NodeJS.Timeout;
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
    this.cfg = this.secure(cfg);
    this.addr = openAddrOps((why) => o.log.log('warn', 'netlink unavailable, using `ip addr`', { error: why }));
    this.garp = openGarp();
  }

  async start(): Promise<void> {
    this.pollInterfaces(false);
    this.startScripts();
    this.startSources();
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
    entry.sock = openVrrpSocket({ ifname: c.interface, txIfname, srcIp: primary, group: multicast ? c.mcastGroup : undefined }, (p) => this.dispatch(entry, p), (m) => this.o.log.log('error', `receive on ${c.interface}: ${m}`));
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
        if (!conf.exec) return;
        void runScript(conf.exec, conf.timeoutSec * 1000).then((res) => {
          t.running = false;
          const before = t.state.up;
          t.state = observe(t.state, res.ok, conf.fall, conf.rise);
          // keepalived's words: the exit status when it changes, then the script's new state.
          const code = res.code ?? -1;
          const lines = scriptLines(conf.name, t.state.up, code !== t.lastCode && t.lastCode !== undefined ? code : undefined);
          t.lastCode = code;
          if (lines.length > 1) this.o.log.log('info', lines[0]!, { script: conf.name });
          if (t.state.up !== before) {
            this.o.log.log('info', lines[lines.length - 1]!, { script: conf.name, code: res.code, timedOut: res.timedOut, error: res.error });
            for (const r of this.runners.values()) if (r.conf.trackScripts.some((x) => x.name === conf.name)) this.applyTracking(r);
            this.scheduleStatus();
          }
        });
      };
      tick();
    }
  }

  /** vrrp_track_process and track_file trackers the instances use; their first state is read now. */
  private startSources(): void {
    clearInterval(this.sourcePoll);
    const procs = new Set(this.cfg.instances.flatMap((i) => i.trackProcesses.map((t) => t.name)));
    const files = new Set(this.cfg.instances.flatMap((i) => i.trackFiles.map((t) => t.name)));
    const oldProcs = this.processes;
    this.processes = new Map();
    this.files = new Map();
    for (const conf of this.cfg.processes) {
      if (!procs.has(conf.name)) continue;
      this.processes.set(conf.name, { conf, state: oldProcs.get(conf.name)?.state ?? { up: true }, pids: new Set() });
    }
    for (const conf of this.cfg.trackFiles) {
      if (!files.has(conf.name)) continue;
      this.initFile(conf);
      this.files.set(conf.name, { conf, value: 0 });
    }
    if (this.processes.size > 0) this.fullScan(true);
    for (const f of this.files.values()) this.readTrackFile(f, true);
    if (this.processes.size > 0 || this.files.size > 0) this.sourcePoll = setInterval(() => this.pollSources(), QUICK_MS);
  }

  /** track_file's init_file: write the value when the file is missing, or always with overwrite. */
  private initFile(conf: TrackFileConf): void {
    if (!conf.init || (!conf.init.overwrite && fs.existsSync(conf.file))) return;
    try {
      fs.writeFileSync(conf.file, `${conf.init.value}\n`);
    } catch (e) {
      this.o.log.log('error', `track_file ${conf.name}: cannot initialise ${conf.file}`, { error: (e as Error).message });
    }
  }

  private fullScan(initial: boolean): void {
    const withArgv = [...this.processes.values()].some((t) => t.conf.fullCommand);
    let procs;
    try {
      procs = scanProcs(withArgv);
    } catch (e) {
      this.o.log.log('error', 'cannot read /proc for vrrp_track_process', { error: (e as Error).message });
      return;
    }
    this.lastFullScan = now();
    for (const t of this.processes.values()) {
      t.pids = new Set([...procs].filter(([, e]) => processMatches(t.conf, e)).map(([pid]) => pid));
      this.observeProcess(t, initial);
    }
  }

  private pollSources(): void {
    if (this.stopping) return;
    if (this.processes.size > 0) {
      if (now() - this.lastFullScan >= FULL_SCAN_MS) this.fullScan(false);
      else {
        for (const t of this.processes.values()) {
          for (const pid of t.pids) {
            const e = readProc(pid, t.conf.fullCommand);
            if (!e || !processMatches(t.conf, e)) t.pids.delete(pid);
          }
          this.observeProcess(t, false);
        }
      }
    }
    for (const f of this.files.values()) this.readTrackFile(f, false);
  }

  private observeProcess(t: ProcessTracker, initial: boolean): void {
    const before = t.state.up;
    t.state = initial ? initialQuorum(t.conf, t.pids.size) : observeQuorum(t.state, t.conf, t.pids.size, now());
    if (t.state.up === before) return;
    this.o.log.log('info', `vrrp_track_process ${t.conf.name} ${t.state.up ? 'in quorum' : 'out of quorum'}`, { process: t.conf.name, count: t.pids.size, quorum: t.conf.quorum });
    if (!initial || this.runners.size > 0) this.retrack((c) => c.trackProcesses.some((x) => x.name === t.conf.name));
  }

  private readTrackFile(f: FileTracker, initial: boolean): void {
    let seen: string;
    let value = 0;
    try {
      const st = fs.statSync(f.conf.file);
      seen = `${st.ino}:${st.mtimeMs}:${st.size}`;
      if (seen === f.seen) return;
      const parsed = parseTrackFileValue(fs.readFileSync(f.conf.file, 'utf8'));
      if (!parsed.ok) this.o.log.log('warn', `track_file ${f.conf.name}: ${f.conf.file} holds no number; taken as 0`, { file: f.conf.file });
      value = parsed.value;
    } catch {
      seen = 'missing';
      if (seen === f.seen) return;
      this.o.log.log('warn', `track_file ${f.conf.name}: cannot read ${f.conf.file}; taken as 0`, { file: f.conf.file });
    }
    f.seen = seen;
    if (value === f.value && !initial) return;
    f.value = value;
    if (!initial) this.o.log.log('info', `track_file ${f.conf.name} = ${value}`, { file: f.conf.file, value });
    if (!initial || this.runners.size > 0) this.retrack((c) => c.trackFiles.some((x) => x.name === f.conf.name));
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
      const s = this.scripts.get(t.name);
      if (s) inputs.push({ name: `script ${t.name}`, up: s.state.up, weight: t.weight ?? s.conf.weight, reverse: t.reverse ?? s.conf.reverse });
    }
    for (const t of c.trackProcesses) {
      const p = this.processes.get(t.name);
      if (p) inputs.push({ name: `process ${t.name}`, up: p.state.up, weight: t.weight ?? p.conf.weight, reverse: t.reverse ?? p.conf.reverse });
    }
    for (const t of c.trackFiles) {
      const f = this.files.get(t.name);
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
    for (const t of this.scripts.values()) clearTimeout(t.timer);
    this.scripts.clear();
    const old = this.cfg;
    this.cfg = this.secure(next);
    next = this.cfg;
    this.startScripts();
    this.startSources();
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
    clearInterval(this.ifPoll);
    clearInterval(this.statusTimer);
    clearInterval(this.sourcePoll);
    for (const t of this.scripts.values()) clearTimeout(t.timer);
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
      scripts: [...this.scripts.values()].map((t) => ({ name: t.conf.name, ok: t.state.up })),
      processes: [...this.processes.values()].map((t) => ({ name: t.conf.name, ok: t.state.up, count: t.pids.size })),
      files: [...this.files.values()].map((t) => ({ name: t.conf.name, file: t.conf.file, value: t.value })),
      memory: process.memoryUsage(),
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
