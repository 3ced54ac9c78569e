/**
 * What a keepalived.conf change does, read with the agent's own parser (keepalived-conf): the
 * VRRP part compared as the values keepalived runs with, so `advert_int 1` written or left to its
 * default, a VIP list reordered, `nopreempt` moved are no change; the rest (global_defs,
 * virtual_server, real_server, checkers, static routes…) compared statement by statement.
 * Includes are not followed: an included file is a file of the plan of its own.
 * auth_pass is never shown, only that it changed.
 */
import { parseConfig, readTree, singleFile, type AgentConfig, type InstanceConf, type NotifyConf, type NotifyScript, type Stmt, type TrackFileConf, type TrackRef, type VipConf } from '../keepalived-conf/index.js';
import { diffTrees, type ConfNode } from './behaviour-tree.js';

/** Sections parseConfig models: the rest of the file is compared as a tree. */
const MODELLED = new Set(['vrrp_script', 'vrrp_instance', 'vrrp_sync_group', 'vrrp_track_process', 'track_file', 'vrrp_track_file']);

/** keepalived's defaults for statements outside the VRRP model (check/check_parser.c, 2.2.7). */
const DEFAULTS: Record<string, string> = { weight: '1', delay_loop: '60', protocol: 'TCP', lb_algo: 'rr' };

const secret = (name: string) => /(^|_)(pass|password|secret)$/.test(name);

const toNodes = (l: readonly Stmt[]): ConfNode[] => l.map((s) => ({ name: s.keyword, args: s.args.map((t) => t.text), ...(s.block ? { block: toNodes(s.block) } : {}) }));

const SCRIPT_KEYWORDS = /^(MISC_CHECK|notify_up|notify_down|quorum_up|quorum_down|notify|notify_master|notify_backup|notify_fault|notify_stop|notify_deleted|notify_master_rx_lower_pri|vrrp_notify_fifo_script|lvs_notify_fifo_script|notify_fifo_script|vrrp_script|startup_script|shutdown_script)$/;
function anyScript(l: readonly Stmt[]): boolean {
  return l.some((s) => SCRIPT_KEYWORDS.test(s.keyword) || (s.block !== undefined && anyScript(s.block)));
}
/** Whether keepalived runs any script for this config (track, notify, checker, startup…) but hafleet's inert notify logger. */
function runsScripts(core: AgentConfig, tree: readonly Stmt[]): boolean {
  const notifies = (n: NotifyConf) => Object.values(n).some(Boolean);
  return core.scripts.length > 0 || core.instances.some((i) => notifies(i.notify)) || core.syncGroups.some((g) => notifies(g.notify))
    || anyScript(tree.filter((s) => s.keyword !== 'vrrp_instance' && s.keyword !== 'vrrp_sync_group'));
}

/** keepalived reads every global_defs block into one set of settings: several blocks compare as one (import keeps what the model lacks in a second). */
function mergeGlobalDefs(l: Stmt[]): Stmt[] {
  const gs = l.filter((s) => s.keyword === 'global_defs');
  if (gs.length < 2) return l;
  const merged: Stmt = { ...gs[0]!, block: gs.flatMap((g) => g.block ?? []) };
  return l.flatMap((s) => (s === gs[0] ? [merged] : s.keyword === 'global_defs' ? [] : [s]));
}

/** What a keepalived.conf change does, and apart from it the hooks hafleet adds or drops (inert until used). */
export interface KeepalivedReport {
  behaviour: string[];
  hafleetHooks: string[];
}

export function keepalivedBehaviour(path: string, old: string, now: string, host: string): string[] {
  return keepalivedReport(path, old, now, host).behaviour;
}

export function keepalivedReport(path: string, old: string, now: string, host: string): KeepalivedReport {
  const a = parseConfig(path, singleFile(path, old));
  const b = parseConfig(path, singleFile(path, now));
  const ta = readTree(path, singleFile(path, old)).stmts;
  const tb = readTree(path, singleFile(path, now)).stmts;
  if (!a.config || !b.config) {
    // One side does not parse as the agent reads it (validation says why): compare statements.
    return { behaviour: diffTrees(toNodes(ta), toNodes(tb), { defaults: DEFAULTS, secret }), hafleetHooks: [] };
  }
  const rest = (l: Stmt[]) => toNodes(mergeGlobalDefs(l.filter((s) => !MODELLED.has(s.keyword))));
  const ha = splitHooks(a.config);
  const hb = splitHooks(b.config);
  // Script security and script_user only matter to scripts: with none on either side they change nothing.
  const scriptless = !runsScripts(ha.core, ta) && !runsScripts(hb.core, tb);
  const inert = (l: string) => scriptless && /^global_defs: (enable_script_security|script_user\b.*) (added|removed)$|^global_defs: script_user: /.test(l);
  return {
    behaviour: [...modelDiff(ha.core, hb.core, host), ...diffTrees(rest(ta), rest(tb), { defaults: DEFAULTS, secret }).filter((l) => !inert(l))],
    hafleetHooks: hookDiff(ha, hb, host),
  };
}

/**
 * hafleet's own hooks, which do nothing until an operator uses them: the track_files of
 * switchover/maintenance (named hafleet_*, a file under /var/lib/hafleet starting at 0 — init_file
 * 0, or no init_file: a missing file reads as 0 — so weight × 0 adds nothing while it holds 0) and the notify logger (hafleet's script
 * at its path: it appends a line to a log). Only exactly these: a hafleet_* track_file elsewhere,
 * with another init value, or another notify command is behaviour like any other.
 */
const HOOK_DIR = '/var/lib/hafleet/';
const HOOK_NOTIFY = '/usr/local/sbin/hafleet-notify';
// init_file 0, or none: keepalived reads a missing file as 0.
const isHookFile = (f: TrackFileConf) => f.name.startsWith('hafleet_') && f.file.startsWith(HOOK_DIR) && (f.init === undefined || f.init.value === 0);
const isHookNotify = (n: NotifyScript | undefined) => n !== undefined && n.cmd === HOOK_NOTIFY;

interface Hooks {
  core: AgentConfig;
  files: TrackFileConf[];
  /** Per instance: the hook track_files it tracks, and whether its `notify` is hafleet's logger. */
  refs: Map<string, { files: string[]; notify?: NotifyScript }>;
}

function splitHooks(c: AgentConfig): Hooks {
  const files = c.trackFiles.filter(isHookFile);
  const names = new Set(files.map((f) => f.name));
  const refs = new Map<string, { files: string[]; notify?: NotifyScript }>();
  const instances = c.instances.map((i) => {
    const own = i.trackFiles.filter((r) => names.has(r.name) && r.weight === undefined);
    const notify = isHookNotify(i.notify.any) ? i.notify.any : undefined;
    refs.set(i.name, { files: own.map((r) => r.name), ...(notify ? { notify } : {}) });
    const rest: NotifyConf = { ...i.notify };
    if (notify) delete rest.any;
    return { ...i, trackFiles: i.trackFiles.filter((r) => !own.includes(r)), notify: rest };
  });
  // A hook file is a hook only while no instance overrides its weight (kept in core otherwise).
  const overridden = new Set(c.instances.flatMap((i) => i.trackFiles.filter((r) => names.has(r.name) && r.weight !== undefined).map((r) => r.name)));
  return { core: { ...c, trackFiles: c.trackFiles.filter((f) => !isHookFile(f) || overridden.has(f.name)), instances }, files: files.filter((f) => !overridden.has(f.name)), refs };
}

function hookDiff(a: Hooks, b: Hooks, host: string): string[] {
  const l = new Lines();
  const file = (f: TrackFileConf) => `track_file ${f.name} (${f.file}, weight ${weightText(f.weight, f.reverse)}, starts at 0)`;
  l.set(a.files, b.files, (f) => f.name, (f) => `${file(f)} added`, (f) => `${file(f)} removed`, (x, y) => {
    if (file(x) !== file(y)) l.out.push(`${file(x)} → ${file(y)}`);
  });
  for (const name of new Set([...a.refs.keys(), ...b.refs.keys()])) {
    const x = a.refs.get(name) ?? { files: [] };
    const y = b.refs.get(name) ?? { files: [] };
    const at = `${name} on ${host}`;
    l.set(x.files, y.files, (f) => f, (f) => `${at}: tracks ${f}`, (f) => `${at}: no longer tracks ${f}`);
    const n = (s: NotifyScript | undefined) => s && [s.cmd, s.user, s.group].filter(Boolean).join(' ');
    if (n(x.notify) !== n(y.notify)) l.out.push(`${at}: notify logger ${x.notify ? n(x.notify) : '(none)'} → ${y.notify ? n(y.notify) : '(none)'}`);
  }
  return l.out;
}

const show = (v: unknown): string => (v === undefined || v === null || v === '' ? '(none)' : Array.isArray(v) ? v.join(' ') : String(v));

class Lines {
  readonly out: string[] = [];
  /** `label: name a → b` when the values differ. */
  field(label: string, name: string, a: unknown, b: unknown): void {
    if (JSON.stringify(a) !== JSON.stringify(b)) this.out.push(`${label}: ${name} ${show(a)} → ${show(b)}`);
  }
  /** A flag keyword (nopreempt, sync_group_tracking_weight): added or removed. */
  flag(label: string, name: string, a: boolean, b: boolean): void {
    if (a !== b) this.out.push(`${label}: ${name} ${b ? 'added' : 'removed'}`);
  }
  /** Items of a set, known by `key`, each added or removed (and changed when `same` says so). */
  set<T>(xs: readonly T[], ys: readonly T[], key: (t: T) => string, added: (t: T) => string, removed: (t: T) => string, changed?: (x: T, y: T) => void): void {
    const mx = new Map(xs.map((x) => [key(x), x]));
    const my = new Map(ys.map((y) => [key(y), y]));
    for (const [k, x] of mx) {
      const y = my.get(k);
      if (!y) this.out.push(removed(x));
      else changed?.(x, y);
    }
    for (const [k, y] of my) if (!mx.has(k)) this.out.push(added(y));
  }
}

function modelDiff(a: AgentConfig, b: AgentConfig, host: string): string[] {
  const l = new Lines();
  l.set(a.scripts, b.scripts, (s) => s.name, (s) => `vrrp_script ${s.name} added`, (s) => `vrrp_script ${s.name} removed`, (x, y) => {
    const at = `vrrp_script ${x.name}`;
    l.field(at, 'script', x.script, y.script);
    l.field(at, 'interval', x.intervalSec, y.intervalSec);
    l.field(at, 'timeout', x.timeoutSec, y.timeoutSec);
    l.field(at, 'weight', weightText(x.weight, x.reverse), weightText(y.weight, y.reverse));
    l.field(at, 'fall', x.fall, y.fall);
    l.field(at, 'rise', x.rise, y.rise);
    l.field(at, 'user', [x.user, x.group].filter(Boolean), [y.user, y.group].filter(Boolean));
  });
  l.set(a.processes, b.processes, (p) => p.name, (p) => `vrrp_track_process ${p.name} added`, (p) => `vrrp_track_process ${p.name} removed`, (x, y) => {
    const at = `vrrp_track_process ${x.name}`;
    l.field(at, 'process', [x.process, ...x.params], [y.process, ...y.params]);
    l.field(at, 'param_match', x.paramMatch, y.paramMatch);
    l.flag(at, 'full_command', x.fullCommand, y.fullCommand);
    l.field(at, 'weight', weightText(x.weight, x.reverse), weightText(y.weight, y.reverse));
    l.field(at, 'quorum', x.quorum, y.quorum);
    l.field(at, 'quorum_max', x.quorumMax, y.quorumMax);
    l.field(at, 'fork_delay', x.forkDelaySec, y.forkDelaySec);
    l.field(at, 'terminate_delay', x.terminateDelaySec, y.terminateDelaySec);
  });
  l.set(a.trackFiles, b.trackFiles, (f) => f.name, (f) => `track_file ${f.name} added`, (f) => `track_file ${f.name} removed`, (x, y) => {
    const at = `track_file ${x.name}`;
    l.field(at, 'file', x.file, y.file);
    l.field(at, 'weight', weightText(x.weight, x.reverse), weightText(y.weight, y.reverse));
    l.field(at, 'init_file', x.init && `${x.init.value}${x.init.overwrite ? ' overwrite' : ''}`, y.init && `${y.init.value}${y.init.overwrite ? ' overwrite' : ''}`);
  });
  l.set(a.instances, b.instances, (i) => i.name, (i) => `vrrp_instance ${i.name} added on ${host} (VRID ${i.vrid}, priority ${i.priority})`, (i) => `vrrp_instance ${i.name} removed from ${host}`, (x, y) => instanceDiff(l, x, y, host));
  l.set(a.syncGroups, b.syncGroups, (g) => g.name, (g) => `vrrp_sync_group ${g.name} added`, (g) => `vrrp_sync_group ${g.name} removed`, (x, y) => {
    const at = `vrrp_sync_group ${x.name}`;
    l.set(x.members, y.members, (m) => m, (m) => `${at}: member ${m} added`, (m) => `${at}: member ${m} removed`);
    l.flag(at, 'sync_group_tracking_weight', x.trackingWeight, y.trackingWeight);
    notifyDiff(l, at, x.notify, y.notify);
  });
  return l.out;
}

function weightText(w: number, reverse: boolean): string {
  return reverse ? `${w} reverse` : String(w);
}

function instanceDiff(l: Lines, x: InstanceConf, y: InstanceConf, host: string): void {
  const at = `${x.name} on ${host}`;
  l.field(at, 'state', x.initialState, y.initialState);
  l.field(at, 'interface', x.interface, y.interface);
  l.field(at, 'virtual_router_id', x.vrid, y.vrid);
  l.field(at, 'priority', x.priority, y.priority);
  // keepalived's seconds, from the agent's centiseconds.
  l.field(at, 'advert_int', x.advertIntervalCs / 100, y.advertIntervalCs / 100);
  l.field(at, 'version', x.version, y.version);
  if (!x.authPass !== !y.authPass) l.out.push(`${at}: authentication ${y.authPass ? 'added (auth_type PASS)' : 'removed'}`);
  // keepalived sends the first 8 characters only (vrrp_parser.c): a longer one cut to 8 is the same password.
  else if (x.authPass?.slice(0, 8) !== y.authPass?.slice(0, 8)) l.out.push(`${at}: auth_pass changed`);
  const vip = (v: VipConf) => `${v.address}/${v.prefix}${v.dev ? ` dev ${v.dev}` : ''}${v.label ? ` label ${v.label}` : ''}`;
  for (const [kind, xs, ys] of [['VIP', x.vips, y.vips], ['excluded VIP', x.vipsExcluded, y.vipsExcluded]] as const) {
    // A VIP without dev is on the instance's interface: writing `dev eth0` there changes nothing.
    const same = (p: VipConf, q: VipConf) => (p.dev ?? x.interface) === (q.dev ?? y.interface) && p.prefix === q.prefix && p.label === q.label;
    l.set(xs, ys, (v) => v.address, (v) => `${kind} ${vip(v)} added to ${x.name}`, (v) => `${kind} ${vip(v)} removed from ${x.name}`, (p, q) => {
      if (!same(p, q)) l.out.push(`${at}: ${kind} ${vip(p)} → ${vip(q)}`);
    });
  }
  refsDiff(l, at, 'track_script', x.trackScripts, y.trackScripts);
  refsDiff(l, at, 'track_interface', x.trackInterfaces, y.trackInterfaces);
  refsDiff(l, at, 'track_process', x.trackProcesses, y.trackProcesses);
  refsDiff(l, at, 'track_file', x.trackFiles, y.trackFiles);
  l.flag(at, 'nopreempt', !x.preempt, !y.preempt);
  l.field(at, 'preempt_delay', x.preemptDelaySec, y.preemptDelaySec);
  l.field(at, 'unicast_src_ip', x.unicastSrcIp, y.unicastSrcIp);
  l.set(x.unicastPeers, y.unicastPeers, (p) => p, (p) => `${at}: unicast peer ${p} added`, (p) => `${at}: unicast peer ${p} removed`);
  l.field(at, 'mcast_src_ip', x.mcastSrcIp, y.mcastSrcIp);
  l.field(at, 'multicast group', x.mcastGroup, y.mcastGroup);
  const route = (r: { kind: string; words: string[] }) => `${r.kind} ${r.words.join(' ')}`;
  l.set(x.routes, y.routes, route, (r) => `${at}: virtual ${route(r)} added`, (r) => `${at}: virtual ${route(r)} removed`);
  l.field(at, 'use_vmac', x.vmac && `${x.vmac.name}${x.vmac.xmitBase ? ' vmac_xmit_base' : ''}`, y.vmac && `${y.vmac.name}${y.vmac.xmitBase ? ' vmac_xmit_base' : ''}`);
  notifyDiff(l, at, x.notify, y.notify);
  l.field(at, 'garp_master_delay', x.garpMasterDelaySec, y.garpMasterDelaySec);
  l.field(at, 'garp_master_repeat', x.garpMasterRepeat, y.garpMasterRepeat);
  l.field(at, 'garp_master_refresh', x.garpMasterRefreshSec, y.garpMasterRefreshSec);
  l.field(at, 'garp_master_refresh_repeat', x.garpMasterRefreshRepeat, y.garpMasterRefreshRepeat);
  l.flag(at, 'dont_track_primary', x.dontTrackPrimary, y.dontTrackPrimary);
}

/** Tracked objects of an instance, with their per-instance weight overrides. */
function refsDiff(l: Lines, at: string, kind: string, xs: readonly TrackRef[], ys: readonly TrackRef[]): void {
  const w = (r: TrackRef) => (r.weight === undefined ? "(the tracked object's)" : weightText(r.weight, r.reverse ?? false));
  l.set(xs, ys, (r) => r.name, (r) => `${at}: ${kind} ${r.name} added`, (r) => `${at}: ${kind} ${r.name} removed`, (x, y) => {
    if (x.weight !== y.weight || (x.reverse ?? false) !== (y.reverse ?? false)) l.out.push(`${at}: ${kind} ${x.name} weight ${w(x)} → ${w(y)}`);
  });
}

function notifyDiff(l: Lines, at: string, x: NotifyConf, y: NotifyConf): void {
  const names: Record<keyof NotifyConf, string> = { any: 'notify', master: 'notify_master', backup: 'notify_backup', fault: 'notify_fault', stop: 'notify_stop' };
  const text = (s: NotifyScript | undefined) => s && [s.cmd, s.user, s.group].filter(Boolean).join(' ');
  for (const k of Object.keys(names) as (keyof NotifyConf)[]) l.field(at, names[k], text(x[k]), text(y[k]));
}
