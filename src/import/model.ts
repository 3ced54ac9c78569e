/**
 * Host snapshots → hafleet_clusters (pure). Hosts whose instances share a VRID and VIPs form one
 * instance group; groups with the same directors and VRRP settings form one cluster (several
 * instances: dual-master). Every value carries its source line. What the model cannot say is
 * kept verbatim per host (extra_keepalived); what cannot be kept even so is an error.
 */
import { error, warning, type Diagnostic, type Where } from '../diagnostics/index.js';
import { parseConfig, readTree, type ConfFiles, type InstanceConf, type Stmt, type TrackScriptConf, type AgentConfig } from '../keepalived-conf/index.js';
import { FORMATS } from '../topology/index.js';
import { keptFileEntries } from './kept-files.js';
import { firstForeign, GLOBAL_MODELLED, INSTANCE_KEYWORDS } from './expressible.js';
import { includeFindings } from './includes.js';
import { pitfalls, runsScriptsWithoutSecurity } from './pitfalls.js';
import { textOf, type HostSnapshot } from './snapshot.js';
import type { ImportHost, ImportResult } from './types.js';
import { blockText } from './verbatim.js';
import { sc, ylist, ymap, type YNode } from './yaml-out.js';
import { lvsServices, type LvsFindings } from './model-lvs.js';
import { upstreamServers } from './model-nginx.js';

/** One host's parsed configuration. */
export interface HostConf {
  host: string;
  snap: HostSnapshot;
  config: AgentConfig;
  stmts: Stmt[];
}

/** A ConfFiles over what the snapshot read (directories are listed from the paths read). */
export function snapshotFiles(s: HostSnapshot): ConfFiles {
  return {
    read: (f) => textOf(s, f),
    list: (d) => {
      const prefix = d.endsWith('/') ? d : d + '/';
      const names = new Set<string>();
      for (const p of s.files.keys()) if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0]!);
      return [...names];
    },
  };
}

export const at = (host: string, w: Where | undefined): string => `${host}:${w?.file ?? '?'}${w?.line ? `:${w.line}` : ''}`;

/** Parse every host; a config keepalived would reject is an error with its file:line. */
export function parseHosts(snaps: HostSnapshot[]): { confs: HostConf[]; diagnostics: Diagnostic[] } {
  const confs: HostConf[] = [];
  const ds: Diagnostic[] = [];
  for (const snap of snaps) {
    for (const [path, f] of snap.files) {
      // A refused lo-script candidate is only not recognised; a refused config or script is lost.
      if (f.kind === 'refused' && snap.roles.get(path) === 'lo-script') ds.push(warning('import-file-refused', `${path}: ${f.reason}, not read`, { host: snap.host, file: path }));
      else if (f.kind === 'refused') ds.push(error('import-file-refused', `${path}: ${f.reason}, not read`, { host: snap.host, file: path, ...(f.line ? { line: f.line } : {}) }, 'import reads UTF-8 text files up to 1 MiB; convert the file to UTF-8 on the host (iconv), or copy what matters into the inventory by hand'));
    }
    ds.push(...includeFindings(snap));
    const main = snap.files.get(snap.keepalivedConf);
    if (main?.kind !== 'text') {
      if (snap.speakers.length === 0 || main?.kind === 'missing') continue; // not a director: its other files may still tell (lo scripts)
      continue;
    }
    if (snap.speakers.length === 0) ds.push(warning('import-speaker-none', `${snap.keepalivedConf} is there but neither keepalived nor the hafleet agent runs: imported as configured`, { host: snap.host, file: snap.keepalivedConf }, 'a deploy starts keepalived on this director: check that is what you want'));
    const files = snapshotFiles(snap);
    const parsed = parseConfig(snap.keepalivedConf, files);
    const tree = readTree(snap.keepalivedConf, files);
    // keepalived logs most config errors and runs on (the value is ignored or reinterpreted):
    // those are pitfalls of the running fleet. Without a config it would not start: rejected.
    for (const d of parsed.diagnostics.filter((x) => x.severity === 'error')) {
      const where = { ...d.where, host: snap.host };
      if (parsed.config) ds.push(warning('pitfall-keepalived-config-error', `keepalived says: ${d.message}`, where, d.hint ?? 'keepalived runs on with this value ignored or changed; the inventory keeps what it does'));
      else ds.push({ ...d, code: 'import-conf-rejected', where, hint: d.hint ?? 'keepalived refuses this configuration too: fix it on the host first' });
    }
    if (!parsed.config) continue;
    confs.push({ host: snap.host, snap, config: parsed.config, stmts: tree.stmts });
  }
  return { confs, diagnostics: ds };
}

interface Member {
  conf: HostConf;
  inst: InstanceConf;
  stmt: Stmt;
}

/** One VRRP instance as all its directors configure it. */
interface Group {
  vrid: number;
  vips: string;
  members: Member[];
}

const vipKey = (i: InstanceConf) => i.vips.map((v) => `${v.address}/${v.prefix}`).sort().join(',');

export function buildImport(snaps: HostSnapshot[], hosts: ImportHost[]): ImportResult {
  const { confs, diagnostics: ds } = parseHosts(snaps);
  const hostVars = new Map<string, [string, YNode][]>();
  const setVar = (host: string, k: string, v: YNode) => {
    const list = hostVars.get(host) ?? [];
    if (!list.some(([x]) => x === k)) list.push([k, v]);
    hostVars.set(host, list);
  };
  const extra = new Map<string, string[]>();
  const keep = (host: string, text: string) => extra.set(host, [...(extra.get(host) ?? []), text]);

  // Instances: expressible ones grouped across hosts, the others kept verbatim.
  const groups = new Map<string, Group>();
  for (const c of confs) {
    const byName = new Map(c.stmts.filter((s) => s.keyword === 'vrrp_instance').map((s) => [s.args[0]?.text ?? '', s]));
    for (const inst of c.config.instances) {
      const stmt = byName.get(inst.name);
      if (!stmt) continue;
      const why = inexpressible(inst, stmt, c.config);
      if (why) {
        keepVerbatim(c, stmt, why, keep, ds);
        continue;
      }
      const key = `${inst.vrid}|${vipKey(inst)}`;
      const g = groups.get(key) ?? { vrid: inst.vrid, vips: vipKey(inst), members: [] };
      g.members.push({ conf: c, inst, stmt });
      groups.set(key, g);
    }
    // Sync groups, mail settings and other sections the model does not render: kept verbatim.
    for (const s of c.stmts) {
      if (['vrrp_sync_group', 'vrrp_track_process', 'track_file', 'vrrp_track_file', 'static_ipaddress', 'static_routes', 'static_rules'].includes(s.keyword) && !isHafleetTrackFile(s)) keepVerbatim(c, s, `${s.keyword} is not in the inventory model`, keep, ds, 'warning');
      if (s.keyword === 'global_defs') {
        const foreign = (s.block ?? []).filter((a) => !GLOBAL_MODELLED.has(a.keyword));
        if (foreign.length) keep(c.host, ['global_defs {', ...foreign.map((a) => lineOf(c, a)), '}'].join('\n'));
      }
    }
    // global_defs as found: the first deploy must not change the router id or how scripts run.
    const g = c.config.global;
    const gw = (w: Where | undefined) => at(c.host, w ?? { file: c.snap.keepalivedConf });
    const rid = c.stmts.find((x) => x.keyword === 'global_defs')?.block?.find((x) => x.keyword === 'router_id');
    setVar(c.host, 'vrrp_router_id', g.routerId !== undefined ? sc(g.routerId, gw(rid?.where)) : sc(false, `${c.host}: no router_id (keepalived takes the host name)`));
    // Scripts run without script security stay so (a pitfall, reported): the inventory says it
    // and the template then writes neither enable_script_security nor a script_user the original
    // lacked (keepalived's default, keepalived_script else root, stays what it was).
    if (g.scriptUser !== undefined) setVar(c.host, 'vrrp_script_user', sc(g.scriptUser, gw(g.scriptUserWhere)));
    if (runsScriptsWithoutSecurity(c)) setVar(c.host, 'keepalived_script_security', sc(false, `${c.host}:${c.snap.keepalivedConf}: scripts run without enable_script_security (pitfall-no-script-security)`));
  }
  // A VRID claimed by two groups (different VIPs) on one segment: both named.
  const byVrid = new Map<number, Group[]>();
  for (const g of groups.values()) byVrid.set(g.vrid, [...(byVrid.get(g.vrid) ?? []), g]);
  for (const [vrid, gs] of byVrid) {
    if (gs.length < 2) continue;
    const who = gs.map((g) => `${g.members.map((m) => at(m.conf.host, m.inst.where)).join(', ')} (VIPs ${g.vips})`).join(' and ');
    ds.push(error('import-vrid-conflict', `VRID ${vrid} is claimed with different VIPs: ${who}`, { host: gs[0]!.members[0]!.conf.host, ...gs[0]!.members[0]!.inst.where }, 'on one segment the two would fight over the VRID: give one of them another virtual_router_id'));
  }
  // smtp_alert is one cluster setting: the directors of an instance must agree on it.
  for (const g of groups.values()) {
    const mail = g.members.map(smtpAlert);
    if (mail.some((x) => x !== mail[0])) for (const m of g.members) ds.push(error('import-cannot-keep', `${m.inst.name} on ${m.conf.host}: smtp_alert ${smtpAlert(m) ? 'on' : 'off'}, not on every director of VRID ${g.vrid}; the inventory has one smtp_alert per cluster`, { host: m.conf.host, ...m.inst.where }, 'set smtp_alert on every director of the instance (or none), or keep the mail in a notify script'));
  }
  // Clusters: groups with the same directors and the same shared VRRP settings.
  const clusters = new Map<string, Group[]>();
  for (const g of groups.values()) {
    const m0 = g.members[0]!.inst;
    const key = [g.members.map((m) => m.conf.host).sort().join(','), m0.advertIntervalCs, m0.version, m0.authPass ?? '', writtenPreempt(g.members[0]!), m0.preemptDelaySec,
      m0.unicastPeers.length > 0, m0.garpMasterDelaySec, m0.garpMasterRepeat, m0.garpMasterRefreshSec, smtpAlert(g.members[0]!), trackKey(g), notifyKey(g)].join('|');
    clusters.set(key, [...(clusters.get(key) ?? []), g]);
  }
  const addressOf = new Map(hosts.map((h) => [h.name, h.address]));
  const hostOfAddress = new Map(hosts.map((h) => [h.address, h.name]));
  const names = new Set<string>();
  const out: YNode[] = [];
  const lvs: LvsFindings = { realservers: new Set(), weights: new Map() };
  for (const gs of clusters.values()) {
    const node = clusterNode(gs, names, addressOf, hostOfAddress, setVar, ds, lvs, keep);
    if (node) out.push(node);
  }
  // A passthrough renders only inside a director's keepalived.conf: a host that directs no
  // cluster the model could say would get no keepalived.conf at all.
  const directing = new Set([...groups.values()].filter((g) => [...clusters.values()].some((gs) => gs.includes(g))).flatMap((g) => g.members.map((m) => m.conf.host)));
  for (const [host, texts] of extra) {
    if (!directing.has(host)) ds.push(error('import-cannot-keep', `${host}: every VRRP instance was kept verbatim, so the host directs no cluster and hafleet would render no keepalived.conf for it`, { host }, 'see the import-passthrough findings above: the model needs at least one instance it can say'));
    setVar(host, 'extra_keepalived', { kind: 'block', text: texts.join('\n\n') });
  }
  ds.push(...pitfalls(confs, snaps));
  const keptFiles = snaps.flatMap((s) => [...s.files].filter(([p, f]) => f.kind === 'text' && (s.roles.get(p) === 'script' || s.roles.get(p) === 'lo-script'))
    .map(([path, f]) => ({ host: s.host, path, text: (f as { text: string }).text })));
  for (const snap of snaps) {
    const own = keptFiles.filter((k) => k.host === snap.host);
    if (own.length === 0) continue;
    const { entries, diagnostics } = keptFileEntries(snap, own);
    ds.push(...diagnostics);
    if (entries.length) setVar(snap.host, 'hafleet_files', ylist(entries));
  }
  return { clusters: out, hostVars, keptFiles, diagnostics: ds };
}

function lineOf(c: HostConf, s: Stmt): string {
  const file = s.where.file ? textOf(c.snap, s.where.file) : undefined;
  return (file && s.where.line ? blockText(file, s.where.line) : undefined) ?? `    ${s.keyword} ${s.args.map((a) => a.text).join(' ')}`;
}

function keepVerbatim(c: HostConf, s: Stmt, why: string, keep: (h: string, t: string) => void, ds: Diagnostic[], severity: 'warning' | 'error' = 'warning'): void {
  const file = s.where.file ? textOf(c.snap, s.where.file) : undefined;
  const text = file && s.where.line ? blockText(file, s.where.line) : undefined;
  const name = `${s.keyword}${s.args[0] ? ' ' + s.args[0].text : ''}`;
  if (text === undefined) {
    ds.push(error('import-cannot-keep', `${name}: ${why}, and its text could not be cut out`, { host: c.host, ...s.where }, 'write it into extra_keepalived by hand'));
    return;
  }
  keep(c.host, text);
  const d = { code: 'import-passthrough', message: `${name} kept verbatim in extra_keepalived: ${why}`, where: { host: c.host, ...s.where }, hint: 'hafleet renders it unchanged; plan, verify and drill do not see inside it' };
  ds.push(severity === 'warning' ? warning(d.code, d.message, d.where, d.hint) : error(d.code, d.message, d.where, d.hint));
}

/** Why an instance cannot be said by the model, or undefined. */
/** hafleet's own track_files (maintenance, switchover): the director template renders them again. */
const isHafleetTrackFile = (s: Stmt) => (s.keyword === 'track_file' || s.keyword === 'vrrp_track_file') && (s.args[0]?.text ?? '').startsWith('hafleet_');

function inexpressible(inst: InstanceConf, stmt: Stmt, cfg: AgentConfig): string | undefined {
  const ownTrackFiles = (stmt.block ?? []).find((s) => s.keyword === 'track_file');
  if (ownTrackFiles && !(ownTrackFiles.block ?? []).every((s) => s.keyword.startsWith('hafleet_'))) return `track_file (line ${ownTrackFiles.where.line}) is not in the inventory model`;
  const foreign = firstForeign((stmt.block ?? []).filter((s) => s !== ownTrackFiles), INSTANCE_KEYWORDS);
  if (foreign) return `'${foreign.keyword}' (line ${foreign.where.line}) is not in the inventory model`;
  if (inst.trackScripts.length > 1) return 'it tracks more than one script';
  const ref = inst.trackScripts[0];
  if (ref) {
    const sc = cfg.scripts.find((s) => s.name === ref.name);
    if (!sc) return `track_script ${ref.name} is not defined`;
    if (sc.reverse || ref.reverse) return 'a reversed track weight';
    if (!FORMATS.command.check(sc.script)) return `vrrp_script ${sc.name}: '${sc.script}' needs a shell or quoting the model does not write`;
  }
  for (const [k, n] of Object.entries(inst.notify)) if (n && !FORMATS.command.check(n.cmd)) return `notify${k === 'any' ? '' : '_' + k} '${n.cmd}' needs quoting the model does not write`;
  if (inst.authPass !== undefined && !FORMATS['auth-pass'].check(inst.authPass)) return 'its auth_pass has characters the model does not write';
  if (inst.vips.some((v) => v.label !== undefined && !FORMATS['vip-label'].check(v.label))) return 'a VIP label the model does not write';
  return undefined;
}

function trackOf(m: Member): { sc: TrackScriptConf; weight: number } | undefined {
  const ref = m.inst.trackScripts[0];
  const s = ref && m.conf.config.scripts.find((x) => x.name === ref.name);
  return s ? { sc: s, weight: ref.weight ?? s.weight } : undefined;
}

function trackKey(g: Group): string {
  const t = trackOf(g.members[0]!);
  return t ? [t.sc.script, t.weight, t.sc.intervalSec, t.sc.timeoutSec, t.sc.fall, t.sc.rise, t.sc.user ?? ''].join(' ') : '';
}

function notifyKey(g: Group): string {
  const n = g.members[0]!.inst.notify;
  return (['any', 'master', 'backup', 'fault', 'stop'] as const).map((k) => n[k]?.cmd ?? '').join(' ');
}

function clusterName(gs: Group[], names: Set<string>): string {
  const base = (gs[0]!.members[0]!.inst.name.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || `vrrp_${gs[0]!.vrid}`).slice(0, 60);
  let name = base;
  for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
  names.add(name);
  return name;
}

function clusterNode(
  gs: Group[], names: Set<string>, addressOf: Map<string, string>, hostOfAddress: Map<string, string>,
  setVar: (h: string, k: string, v: YNode) => void, ds: Diagnostic[], lvs: LvsFindings, keep: (h: string, t: string) => void,
): YNode | undefined {
  const first = gs[0]!.members[0]!;
  const i0 = first.inst;
  const p = (m: Member, w: Where | undefined) => at(m.conf.host, w ?? m.inst.where);
  const name = clusterName(gs, names);
  // Directors in priority order of the first instance.
  const directors = [...gs[0]!.members].sort((a, b) => b.inst.priority - a.inst.priority).map((m) => m.conf.host);
  const iface = i0.interface;
  for (const g of gs) for (const m of g.members) {
    if (m.inst.interface !== iface) setVar(m.conf.host, 'vrrp_interface', sc(m.inst.interface, p(m, m.inst.interfaceWhere)));
    if (m.inst.unicastSrcIp) setVar(m.conf.host, 'unicast_src_ip', sc(m.inst.unicastSrcIp, p(m, m.inst.where)));
  }
  const speakers = new Set(gs.flatMap((g) => g.members.flatMap((m) => m.conf.snap.speakers)));
  // The mode: LVS when the directors carry virtual_servers for these VIPs, nginx otherwise.
  const vipsAll = gs.flatMap((g) => g.members[0]!.inst.vips.map((v) => v.address));
  const svc = lvsServices(gs.flatMap((g) => g.members.map((m) => m.conf)), vipsAll, hostOfAddress, ds, lvs, keep);
  const mode = svc?.mode ?? 'nginx';
  // nginx mode: the realservers are the upstream servers that are inventory hosts.
  const ups = mode === 'nginx' ? gs[0]!.members.flatMap((m) => upstreamServers(m.conf.snap)) : [];
  const upHosts = new Set<string>();
  for (const u of ups) {
    const h = hostOfAddress.get(u.address);
    if (!h) { ds.push(warning('import-upstream-unknown', `upstream server ${u.address}:${u.port} is not a host of the inventory; hafleet's upstream will not have it`, { host: gs[0]!.members[0]!.conf.host }, 'add the host to the inventory (ansible_host) and import again')); continue; }
    upHosts.add(h);
    if (u.weight !== undefined && u.weight !== 1) setVar(h, 'realserver_weight', sc(u.weight, u.from));
    if (u.backup) setVar(h, 'realserver_backup', sc(true, u.from));
  }
  const u0 = ups[0];
  const nginx = u0 ? ymap([
    ['listen_port', undefined],
    ['max_fails', u0.maxFails !== undefined ? sc(u0.maxFails, u0.from) : sc(1, `${u0.from} (nginx's default)`)],
    ['fail_timeout', u0.failTimeout !== undefined ? sc(u0.failTimeout, u0.from) : sc('10s', `${u0.from} (nginx's default)`)],
  ]) : undefined;
  for (const [h, w] of lvs.weights) setVar(h, 'realserver_weight', w);
  const t = trackOf(first);
  const track = t
    ? ymap([['nginx', ymap([
      ['name', sc(t.sc.name, p(first, t.sc.where))],
      ['script', sc(t.sc.script, p(first, t.sc.where))],
      ['interval', sc(t.sc.intervalSec)], ['timeout', sc(t.sc.timeoutSec)],
      ['weight', sc(t.weight, p(first, first.inst.trackScripts[0]!.where))],
      ['fall', sc(t.sc.fall)], ['rise', sc(t.sc.rise)],
      // No user line stays none: keepalived's default script user, as today.
      ['user', t.sc.user !== undefined ? sc(t.sc.user) : sc(false, 'no user line: keepalived\'s default script user')],
    ])]])
    : mode === 'nginx' ? ymap([['nginx', sc(false, 'no track_script in the original')]]) : undefined;
  const n = i0.notify;
  const notify = ymap([
    ['script', n.any ? sc(n.any.cmd, p(first, n.any.where)) : undefined],
    ['master', n.master ? sc(n.master.cmd, p(first, n.master.where)) : undefined],
    ['backup', n.backup ? sc(n.backup.cmd, p(first, n.backup.where)) : undefined],
    ['fault', n.fault ? sc(n.fault.cmd, p(first, n.fault.where)) : undefined],
    ['stop', n.stop ? sc(n.stop.cmd, p(first, n.stop.where)) : undefined],
    ...notifyUser(gs),
  ]);
  const instances = gs.map((g) => {
    const top = [...g.members].sort((a, b) => b.inst.priority - a.inst.priority)[0]!;
    // Peers must be the instance's other directors: the renderer derives them.
    if (g.members.some((m) => m.inst.unicastPeers.length > 0)) {
      const srcs = new Set(g.members.map((m) => m.inst.unicastSrcIp ?? addressOf.get(m.conf.host)));
      for (const m of g.members) {
        const expected = [...srcs].filter((s) => s !== (m.inst.unicastSrcIp ?? addressOf.get(m.conf.host))).sort().join(',');
        if ([...m.inst.unicastPeers].sort().join(',') !== expected) {
          ds.push(warning('import-unicast-peers', `${m.inst.name} on ${m.conf.host}: unicast_peer ${m.inst.unicastPeers.join(' ')} is not the other directors (${expected}); hafleet renders the other directors`, { host: m.conf.host, ...m.inst.where }, 'check the peer list: a peer that is not a director of the instance sends adverts nowhere'));
        }
      }
    }
    return ymap([
      ['name', sc(top.inst.name, p(top, top.inst.where))],
      ['vrid', sc(g.vrid, p(top, top.inst.where))],
      // An IPv4 VIP without a label stays without (label: false): the renderer would label it
      // dev:vrid, and keepalived, comparing labels on reload, would delete and re-add it on the master.
      ['vips', ylist(top.inst.vips.map((v) => (v.dev && v.dev !== top.inst.interface) || v.label || !v.address.includes(':')
        ? ymap([['address', sc(`${v.address}/${v.prefix}`)], ['dev', v.dev ? sc(v.dev) : undefined],
          ['label', v.label ? sc(v.label) : !v.address.includes(':') ? sc(false, 'no label on the host') : undefined]], p(top, v.where))
        : sc(`${v.address}/${v.prefix}`, p(top, v.where))))],
      ['master', sc(top.conf.host)],
      ['priorities', ymap(g.members.map((m) => [m.conf.host, sc(m.inst.priority, p(m, m.inst.where))]))],
    ]);
  });
  // nopreempt with state MASTER: keepalived clears it on that director only; the model has one
  // preempt per cluster and lint refuses state MASTER with nopreempt, so this cannot be kept.
  for (const g of gs) for (const m of g.members) {
    if (m.inst.preempt !== writtenPreempt(first)) ds.push(error('import-cannot-keep', `${m.inst.name} on ${m.conf.host}: nopreempt with state MASTER (keepalived clears it on this director only); the inventory has one preempt per cluster`, { host: m.conf.host, ...m.inst.where }, 'set state BACKUP on this director first (or remove nopreempt everywhere), then import again'));
  }
  // A state the derivation would not give (both BACKUP with preempt, say): the host's vrrp_state.
  for (const g of gs) for (const m of g.members) {
    const top = Math.max(...g.members.map((x) => x.inst.priority));
    const derived = !m.inst.preempt || m.inst.preemptDelaySec > 0 ? 'BACKUP' : m.inst.priority === top ? 'MASTER' : 'BACKUP';
    if (m.inst.initialState !== derived) setVar(m.conf.host, 'vrrp_state', sc(m.inst.initialState, p(m, m.inst.where)));
  }
  return ymap([
    ['name', sc(name, `from ${p(first, i0.where)}`)],
    ['mode', sc(mode, svc ? svc.from : 'no virtual_server for these VIPs')],
    ['vrrp_engine', sc(speakers.has('agent') && !speakers.has('keepalived') ? 'agent' : 'keepalived')],
    ['directors', ylist(directors.map((d) => sc(d)))],
    ['realservers', svc ? ylist([...svc.realservers].map((r) => sc(r))) : upHosts.size ? ylist([...upHosts].map((r) => sc(r))) : undefined],
    ['interface', sc(iface, p(first, i0.interfaceWhere))],
    ['vrrp', ymap([
      ['version', sc(i0.version)],
      ['advert_int', sc(i0.advertIntervalCs / 100)],
      ['auth_pass', i0.authPass !== undefined ? sc(i0.authPass.slice(0, 8), p(first, i0.where)) : undefined],
      ['preempt', sc(writtenPreempt(first))],
      ['preempt_delay', i0.preemptDelaySec ? sc(i0.preemptDelaySec) : undefined],
      ['unicast', i0.unicastPeers.length ? sc(true) : undefined],
      ['garp_master_delay', sc(i0.garpMasterDelaySec)],
      ['garp_master_repeat', sc(i0.garpMasterRepeat)],
      ['garp_master_refresh', sc(i0.garpMasterRefreshSec)],
      ['smtp_alert', smtpAlert(first) ? sc(true, p(first, smtpAlertStmt(first)?.where)) : undefined],
    ])],
    ['instances', ylist(instances)],
    ['services', svc?.services],
    ['track', track],
    ['nginx', nginx],
    ['notify', (notify as { entries: unknown[] }).entries.length ? notify : undefined],
  ]);
}

/**
 * notify.user: the user the original notify scripts run as, when they agree (false: written
 * without one, keepalived's default script user). The model has one user for them all: the first
 * script's (a fleet mixing users per hook keeps the others' user only if it is the same).
 */
function notifyUser(gs: Group[]): [string, YNode | undefined][] {
  const scripts = gs.flatMap((g) => g.members.flatMap((m) => Object.values(m.inst.notify).filter((x): x is NonNullable<typeof x> => !!x)));
  if (scripts.length === 0) return [];
  const u = scripts[0]!.user;
  return [['user', u !== undefined ? sc(u) : sc(false, 'notify scripts written without a user: keepalived\'s default script user')]];
}

/** The instance's smtp_alert line, when it turns mail on (`smtp_alert`, `smtp_alert true|yes|on`). */
function smtpAlertStmt(m: Member): Stmt | undefined {
  const a = (m.stmt.block ?? []).filter((x) => x.keyword === 'smtp_alert').pop();
  return a && !['false', 'no', 'off', '0'].includes(a.args[0]?.text ?? '') ? a : undefined;
}
const smtpAlert = (m: Member): boolean => smtpAlertStmt(m) !== undefined;

/** nopreempt as written (keepalived may clear it on a MASTER): what every director of the group agrees on is checked by the caller. */
function writtenPreempt(m: Member): boolean {
  return !(m.stmt.block ?? []).some((s) => s.keyword === 'nopreempt') || (m.stmt.block ?? []).some((s) => s.keyword === 'preempt');
}
