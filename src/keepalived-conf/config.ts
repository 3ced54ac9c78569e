/**
 * The vrrp subset of a keepalived.conf → AgentConfig. Sections that are not VRRP (virtual_server,
 * static routes, …) are skipped with a note; unknown keywords in VRRP blocks are warnings with
 * file:line; anything that would make the agent run something other than what the file says is
 * an error. Every problem is collected.
 */
import fs from 'node:fs';
import { error, warning, type Diagnostic } from '../diagnostics/index.js';
import { tokenize, type ConfFiles } from './conf-lexer.js';
import { buildTree, type Stmt } from './conf-tree.js';
import { Reader } from './conf-values.js';
import { readInt, readUnsigned } from './conf-numbers.js';
import { KEEPALIVED_DEPRECATED, KEEPALIVED_GLOBAL_KEYWORDS } from './keywords.js';
import { readInstance } from './config-instance.js';
import { isMulticastGroup, VRRP_MCAST_GROUP, VRRP_MCAST_GROUP6 } from '../vrrp/packet.js';
import { checkMetricsAddress } from './metrics-address.js';
import type { AgentConfig, GlobalDefs, InstanceConf, NotifyConf, NotifyScript, SyncGroupConf, TrackFileConf, TrackProcessConf, TrackRef, TrackScriptConf } from './config-types.js';

export interface ParsedConfig {
  config?: AgentConfig;
  /** Errors and warnings; the config is usable when there is no error. */
  diagnostics: Diagnostic[];
  /** Things skipped or without effect, for `agent -t` to show. */
  notes: Diagnostic[];
}

const SKIPPED_SECTIONS = new Set([
  'virtual_server', 'virtual_server_group', 'real_server', 'static_ipaddress', 'static_routes', 'static_rules',
  'garp_group', 'net_namespace', 'instance', 'linkbeat_use_polling',
  'bfd_instance', 'use_pid_dir', 'include_dir',
]);

/** Parse from the file system (includes resolved relative to each file). */
export function loadConfig(file: string): ParsedConfig {
  return parseConfig(file, nodeFiles);
}

export const nodeFiles: ConfFiles = {
  read: (f) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  },
  list: (d) => {
    try {
      return fs.readdirSync(d);
    } catch {
      return [];
    }
  },
};

export function parseConfig(file: string, files: ConfFiles): ParsedConfig {
  const lex = tokenize(file, files);
  const tree = buildTree(lex.tokens);
  const r = new Reader();
  r.diagnostics.push(...lex.diagnostics, ...tree.diagnostics);
  const g: GlobalDefs = {
    enableScriptSecurity: false, vrrpVersion: 2, garpMasterDelaySec: 5, garpMasterRepeat: 5,
    garpMasterRefreshSec: 0, garpMasterRefreshRepeat: 1, garpIntervalMs: 0,
    mcastGroup4: VRRP_MCAST_GROUP, mcastGroup6: VRRP_MCAST_GROUP6,
  };
  // global_defs first: its defaults apply to instances written before it.
  for (const s of tree.stmts) if (s.keyword === 'global_defs') readGlobal(s, g, r);
  const scripts: TrackScriptConf[] = [];
  const cfg: AgentConfig = { global: g, scripts, processes: [], trackFiles: [], instances: [], syncGroups: [], files: lex.filesRead };
  for (const s of tree.stmts) {
    switch (s.keyword) {
      case 'global_defs': break;
      case 'vrrp_script': { const sc = readScript(s, r); if (sc) scripts.push(sc); break; }
      case 'vrrp_track_process': { const p = readTrackProcess(s, r); if (p) cfg.processes.push(p); break; }
      case 'vrrp_track_file':
      case 'track_file': {
        if (s.keyword === 'vrrp_track_file') r.note(s, 'vrrp_track_file is a deprecated name for track_file');
        const f = readTrackFile(s, r);
        if (f) cfg.trackFiles.push(f);
        break;
      }
      case 'vrrp_instance': { const i = readInstance(s, g, r); if (i) cfg.instances.push(i); break; }
      case 'vrrp_sync_group': { const sg = readSyncGroup(s, r); if (sg) cfg.syncGroups.push(sg); break; }
      default:
        if (SKIPPED_SECTIONS.has(s.keyword)) r.note(s, `${s.keyword} skipped: the agent runs VRRP only`);
        else r.warn(s, 'conf-unknown-section', `unknown top-level keyword '${s.keyword}', ignored`);
    }
  }
  crossCheck(cfg, r);
  const diagnostics = r.diagnostics;
  return { ...(r.fatal() ? {} : { config: cfg }), diagnostics, notes: r.notes };
}

function readGlobal(s: Stmt, g: GlobalDefs, r: Reader): void {
  for (const a of s.block ?? []) {
    const k = a.keyword;
    switch (k) {
      case 'router_id': g.routerId = r.word(a); break;
      case 'script_user': g.scriptUser = r.word(a); g.scriptGroup = a.args[1]?.text; g.scriptUserWhere = a.where; break;
      case 'enable_script_security': g.enableScriptSecurity = true; break;
      case 'vrrp_version': {
        const t = r.word(a);
        const n = t === undefined ? undefined : readInt(t, 2, 3);
        if (n?.value !== undefined) g.vrrpVersion = n.value as 2 | 3;
        else if (n) r.kaError(a, 'conf-version', `VRRP Error: Version must be either 2 or 3 (${n.message})`);
        break;
      }
      // global_parser.c vrrp_garp_delay_handler / vrrp_garp_rep_handler: whole numbers, bad ignored, repeat 0 is 1.
      case 'vrrp_garp_master_delay': {
        const t = r.word(a);
        const n = t === undefined ? undefined : readUnsigned(t, 0, 4294);
        if (n?.value !== undefined) g.garpMasterDelaySec = n.value;
        else if (n) r.kaError(a, 'conf-garp', `vrrp_garp_master_delay '${t}' invalid - ignoring (${n.message})`);
        break;
      }
      case 'vrrp_garp_master_repeat': {
        const t = r.word(a);
        const n = t === undefined ? undefined : readUnsigned(t, 0, 4294967295);
        if (n?.value === 0) r.kaError(a, 'conf-garp', 'vrrp_garp_master_repeat must be greater than 0, setting to 1');
        if (n?.value !== undefined) g.garpMasterRepeat = n.value || 1;
        else if (n) r.kaError(a, 'conf-garp', `vrrp_garp_master_repeat '${t}' invalid - ignoring (${n.message})`);
        break;
      }
      case 'vrrp_garp_master_refresh': g.garpMasterRefreshSec = r.num(a, 0, 86400) ?? g.garpMasterRefreshSec; break;
      case 'vrrp_garp_master_refresh_repeat': g.garpMasterRefreshRepeat = r.num(a, 1, 1000, { integer: true }) ?? g.garpMasterRefreshRepeat; break;
      case 'vrrp_garp_interval': { const v = r.num(a, 0, 1); if (v !== undefined) g.garpIntervalMs = v * 1000; break; }
      case 'vrrp_mcast_group4':
      case 'vrrp_mcast_group6': {
        const family = k === 'vrrp_mcast_group4' ? 4 : 6;
        const ip = r.ip(a, r.word(a) ?? '');
        // keepalived: "… is not multicast. Skipping" — the default group stays.
        if (ip && !isMulticastGroup(ip, family)) r.kaError(a, 'conf-mcast', `${k} [${ip}] is not multicast. Skipping`, family === 6 ? 'ff02::/16' : '224.0.0.0/4');
        else if (ip && family === 4) g.mcastGroup4 = ip;
        else if (ip) g.mcastGroup6 = ip;
        break;
      }
      case 'hafleet_metrics_address': {
        // The agent's own keyword, in the --metrics flag's syntax so both mean the same; a bad one
        // refuses the file as the bad flag refuses to start.
        const t = r.word(a);
        const at = t === undefined ? undefined : checkMetricsAddress(t);
        if (typeof at === 'string') r.err(a, at, 'PORT (on 127.0.0.1), ADDR:PORT or [ADDR6]:PORT, e.g. hafleet_metrics_address 127.0.0.1:9650');
        else if (at) g.metricsAddress = t;
        break;
      }
      case 'vrrp_strict':
        // Copied from distribution sample configs more often than chosen.
        r.note(a, 'global_defs vrrp_strict: the agent adds no firewall rules; keepalived would drop traffic to the VIPs (no_accept) unless `accept` is set, and refuses unicast and authentication');
        break;
      default:
        if (KEEPALIVED_DEPRECATED[k]) r.kaError(a, 'conf-deprecated', KEEPALIVED_DEPRECATED[k]);
        if (KEEPALIVED_GLOBAL_KEYWORDS.has(k)) r.note(a, `global_defs ${k}: not used by the agent`);
        else r.unknown(a, 'global_defs');
    }
  }
}

function readScript(s: Stmt, r: Reader): TrackScriptConf | undefined {
  const name = s.args[0]?.text;
  if (!name) return void r.err(s, 'needs a name', 'vrrp_script chk_nginx { … }');
  const sc: Partial<TrackScriptConf> = { name, intervalSec: 1, weight: 0, reverse: false, fall: 1, rise: 1, where: s.where };
  for (const a of s.block ?? []) {
    switch (a.keyword) {
      case 'script': sc.script = r.rest(a); break;
      // keepalived 2.2.7 (vrrp_parser.c vrrp_vscript_*_handler): whole seconds; 0 is 1; bad is ignored.
      case 'interval':
      case 'timeout': {
        const t = r.word(a);
        if (t === undefined) break;
        const n = readUnsigned(t, 0, 4294);
        if (n.value === undefined) {
          r.kaError(a, 'conf-script', `(${name}): vrrp script ${a.keyword} '${t}' ${a.keyword === 'interval' ? 'must be between 1 and 4294' : 'invalid'} - ignoring`, 'whole seconds: keepalived 2.2.7 takes no fractions here');
          break;
        }
        if (n.value === 0) r.kaError(a, 'conf-script', `(${name}): vrrp script ${a.keyword} must be greater than 0, setting to 1`);
        if (a.keyword === 'interval') sc.intervalSec = n.value || 1;
        else sc.timeoutSec = n.value || 1;
        break;
      }
      case 'weight': {
        const t = r.word(a);
        if (t === undefined) break;
        const n = readInt(t, -253, 253);
        // keepalived stores strtol's value even when it reports it out of range (priority is clamped later).
        if (n.value === undefined) r.kaError(a, 'conf-script', `vrrp_script ${name} weight ${t} must be in [-253, 253]`, 'keepalived still uses the number it read');
        sc.weight = n.value ?? Number(/^\s*[+-]?\d+/.exec(t)?.[0] ?? 0);
        const opt = a.args[1]?.text;
        if (opt === 'reverse') sc.reverse = true;
        else if (opt !== undefined) r.kaError(a, 'conf-script', `vrrp_script ${name} unknown weight option ${opt}`);
        break;
      }
      case 'fall':
      case 'rise': {
        const t = r.word(a);
        if (t === undefined) break;
        const n = readUnsigned(t, 1, 2147483647);
        if (n.value === undefined) r.kaError(a, 'conf-script', `(${name}): vrrp script ${a.keyword} value '${t}' invalid, defaulting to 1`);
        sc[a.keyword] = n.value ?? 1;
        break;
      }
      case 'user': sc.user = r.word(a); sc.group = a.args[1]?.text; break;
      case 'init_fail': r.note(a, 'init_fail: the agent starts every script as failed until it first passes'); break;
      default: r.unknown(a, `vrrp_script ${name}`);
    }
  }
  if (!sc.script) return void r.err(s, `vrrp_script ${name} has no script`, 'add `script "/usr/bin/pidof nginx"`');
  if ([sc.intervalSec, sc.weight, sc.fall, sc.rise].some((v) => v === undefined)) return undefined;
  sc.timeoutSec ??= sc.intervalSec;
  return sc as TrackScriptConf;
}

function readTrackProcess(s: Stmt, r: Reader): TrackProcessConf | undefined {
  const name = s.args[0]?.text;
  if (!name) return void r.err(s, 'needs a name', 'vrrp_track_process chk_nginx { process nginx }');
  const p: TrackProcessConf = {
    name, process: '', params: [], paramMatch: 'none', fullCommand: false, weight: 0, reverse: false,
    quorum: 1, quorumMax: Number.MAX_SAFE_INTEGER, forkDelaySec: 0, terminateDelaySec: 0, where: s.where,
  };
  let quorumMaxSet = false;
  for (const a of s.block ?? []) {
    const k = a.keyword;
    switch (k) {
      case 'process': {
        const [proc, ...params] = a.args.map((t) => t.text);
        if (proc === undefined) { r.err(a, 'needs a process name'); break; }
        p.process = proc;
        if (params.length > 0) {
          // keepalived: parameters mean the whole command line is matched, exactly unless said otherwise.
          p.params = params;
          p.fullCommand = true;
          if (p.paramMatch === 'none') p.paramMatch = 'exact';
        }
        break;
      }
      case 'param_match': {
        const v = a.args[0]?.text;
        if (v === undefined) p.paramMatch = 'exact';
        else if (v === 'initial' || v === 'partial') p.paramMatch = v;
        else { r.err(a, `'${v}' is neither initial nor partial`); break; }
        p.fullCommand = true;
        break;
      }
      case 'weight':
        p.weight = r.num(a, -254, 254, { integer: true }) ?? 0;
        if (a.args[1]?.text === 'reverse') p.reverse = true;
        break;
      case 'quorum': p.quorum = r.num(a, 1, 65535, { integer: true }) ?? p.quorum; break;
      case 'quorum_max': p.quorumMax = r.num(a, 0, 65535, { integer: true }) ?? p.quorumMax; quorumMaxSet = true; break;
      case 'delay': case 'fork_delay': case 'terminate_delay': {
        const v = r.num(a, 0.000001, 3600);
        if (v !== undefined && k !== 'terminate_delay') p.forkDelaySec = v;
        if (v !== undefined && k !== 'fork_delay') p.terminateDelaySec = v;
        break;
      }
      case 'full_command': p.fullCommand = true; break;
      default: r.unknown(a, `vrrp_track_process ${name}`);
    }
  }
  if (!p.process) return void r.err(s, `vrrp_track_process ${name} has no process`, 'add `process nginx` (the name in /proc/PID/comm)');
  // quorum_max 0: up while no such process runs.
  if (quorumMaxSet && p.quorumMax === 0) p.quorum = 0;
  if (p.quorum > p.quorumMax) r.err(s, `vrrp_track_process ${name}: quorum ${p.quorum} is above quorum_max ${p.quorumMax}`);
  if (!p.fullCommand && p.process.length > 15) {
    r.warn(s, 'conf-process-name', `vrrp_track_process ${name}: '${p.process}' is longer than the 15 characters of a process name, so it can never match`, 'use full_command to match the command line');
  }
  return p;
}

function readTrackFile(s: Stmt, r: Reader): TrackFileConf | undefined {
  const name = s.args[0]?.text;
  if (!name) return void r.err(s, 'needs a name', 'track_file state { file /run/keepalived/state }');
  const f: TrackFileConf = { name, file: '', weight: 1, reverse: false, where: s.where };
  for (const a of s.block ?? []) {
    switch (a.keyword) {
      case 'file': f.file = r.word(a) ?? ''; break;
      case 'weight':
        f.weight = r.num(a, -2147483647, 2147483647, { integer: true }) ?? f.weight;
        if (a.args[1]?.text === 'reverse') f.reverse = true;
        break;
      case 'init_file': {
        const words = a.args.map((t) => t.text);
        const overwrite = words.includes('overwrite');
        const v = words.find((w) => w !== 'overwrite');
        if (v !== undefined && !/^-?\d+$/.test(v)) { r.err(a, `'${v}' is not a whole number`); break; }
        f.init = { value: v === undefined ? 0 : Number(v), overwrite };
        break;
      }
      default: r.unknown(a, `track_file ${name}`);
    }
  }
  if (!f.file) return void r.err(s, `track_file ${name} has no file`, 'add `file "/run/keepalived/weight"`');
  if (!f.file.startsWith('/')) r.warn(s, 'conf-relative-file', `track_file ${name}: '${f.file}' is relative`, 'give an absolute path');
  return f;
}

function readSyncGroup(s: Stmt, r: Reader): SyncGroupConf | undefined {
  const name = s.args[0]?.text;
  if (!name) return void r.err(s, 'needs a name');
  const sg: SyncGroupConf = { name, members: [], trackingWeight: false, notify: {}, where: s.where };
  const notify = sg.notify as Record<keyof NotifyConf, NotifyScript | undefined>;
  const keys: Record<string, keyof NotifyConf> = { notify: 'any', notify_master: 'master', notify_backup: 'backup', notify_fault: 'fault', notify_stop: 'stop' };
  for (const a of s.block ?? []) {
    if (a.keyword === 'group') for (const m of a.block ?? []) sg.members.push(m.keyword, ...m.args.map((t) => t.text));
    else if (a.keyword in keys) notify[keys[a.keyword]!] = r.notify(a);
    else if (a.keyword === 'sync_group_tracking_weight' || a.keyword === 'global_tracking') {
      if (a.keyword === 'global_tracking') r.kaError(a, 'conf-deprecated', KEEPALIVED_DEPRECATED.global_tracking!.replace('%s', name), 'use sync_group_tracking_weight');
      sg.trackingWeight = true;
    }
    else if (a.keyword === 'smtp_alert' || a.keyword === 'notify_priority_changes') r.note(a, `${a.keyword}: not used by the agent`);
    else if (['track_script', 'track_interface', 'track_file', 'track_process', 'track_bfd'].includes(a.keyword)) r.warn(a, 'conf-unsupported', `${a.keyword} in a sync group is not supported by the agent`, 'track in each vrrp_instance');
    else r.unknown(a, `vrrp_sync_group ${name}`);
  }
  return sg;
}

/**
 * keepalived ignores tracking weights of sync group members unless the group says
 * sync_group_tracking_weight: a failing check puts the member, and so the group, in FAULT.
 */
function zeroSyncWeights(cfg: AgentConfig, group: string, members: string[], r: Reader): void {
  for (const i of cfg.instances.filter((x) => members.includes(x.name))) {
    for (const k of trackedKinds(cfg, i)) {
      for (const t of k.refs) {
        const w = t.weight ?? k.find(t.name)?.weight ?? 0;
        if (w === 0) continue;
        r.diagnostics.push(warning('conf-sync-weight', `vrrp_instance ${i.name} is in vrrp_sync_group ${group}: weight ${w} of ${k.label}${t.name} is ignored, a failure puts the group in FAULT (as keepalived does)`, t.where, 'add sync_group_tracking_weight to the group to keep the weights'));
        t.weight = 0;
      }
    }
    for (const t of i.trackInterfaces) {
      if (!t.weight) continue;
      r.diagnostics.push(warning('conf-sync-weight', `vrrp_instance ${i.name} is in vrrp_sync_group ${group}: weight ${t.weight} of interface ${t.name} is ignored (as keepalived does)`, t.where, 'add sync_group_tracking_weight to the group to keep the weights'));
      t.weight = 0;
    }
  }
}

/** An instance's references to tracked objects defined at the top level, by kind. */
function trackedKinds(cfg: AgentConfig, i: InstanceConf): { refs: TrackRef[]; find: (n: string) => { weight: number } | undefined; label: string; keyword: string; block: string; hint: string }[] {
  return [
    { refs: i.trackScripts, find: (n) => cfg.scripts.find((x) => x.name === n), label: '', keyword: 'track_script', block: 'vrrp_script', hint: 'define it with vrrp_script or fix the name' },
    { refs: i.trackProcesses, find: (n) => cfg.processes.find((x) => x.name === n), label: 'track_process ', keyword: 'track_process', block: 'vrrp_track_process', hint: 'define it with vrrp_track_process or fix the name' },
    { refs: i.trackFiles, find: (n) => cfg.trackFiles.find((x) => x.name === n), label: 'track_file ', keyword: 'track_file', block: 'track_file block', hint: 'define it with track_file NAME { file … } or fix the name' },
  ];
}

function crossCheck(cfg: AgentConfig, r: Reader): void {
  const names = new Map<string, boolean>();
  const vrids = new Map<string, string>();
  for (const i of cfg.instances) {
    if (names.has(i.name)) r.diagnostics.push(error('conf-duplicate', `vrrp_instance ${i.name} is defined twice`, i.where));
    names.set(i.name, true);
    const key = `${i.interface}/IPv${i.family}/${i.version}/${i.vrid}`;
    const other = vrids.get(key);
    if (other) {
      r.diagnostics.push(error('conf-vrid-unique', `virtual_router_id ${i.vrid} on ${i.interface} is used by ${other} and ${i.name}`, i.where, 'give each instance on an interface its own VRID'));
    }
    vrids.set(key, i.name);
    for (const k of trackedKinds(cfg, i)) {
      for (const t of k.refs) {
        if (k.find(t.name)) continue;
        if (k.keyword === 'track_script') r.kaError({ where: t.where }, 'conf-unknown-script', `(${i.name}) track script ${t.name} not found, ignoring...`, k.hint);
        else r.diagnostics.push(warning('conf-unknown-script', `${k.keyword} ${t.name}: no ${k.block} of that name, ignored (as keepalived does)`, t.where, k.hint));
      }
    }
  }
  for (const sg of cfg.syncGroups) {
    for (const m of sg.members) {
      if (!names.has(m)) r.diagnostics.push(warning('conf-sync-member', `vrrp_sync_group ${sg.name}: no vrrp_instance ${m}, ignored`, sg.where));
    }
    if (!sg.trackingWeight) zeroSyncWeights(cfg, sg.name, sg.members, r);
  }
  if (cfg.instances.length === 0 && !r.fatal()) {
    r.diagnostics.push(error('conf-no-instance', 'no vrrp_instance: the agent would have nothing to run', { file: cfg.files[0] }, 'hafleet agent runs the VRRP part of keepalived.conf'));
  }
}
