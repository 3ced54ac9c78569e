import type { Cluster, HealthCheck, Topology, VrrpInstance, VrrpMember } from '../topology/types.js';
import type { Host, VarValue } from '../inventory/types.js';
import { DEFAULTS, hostBool } from '../topology/index.js';
import { noFlags, type Flags } from './conditions.js';
import { nginxClusterView, type NginxClusterView } from './view-nginx.js';

/**
 * What templates see. Keys are snake_case like the inventory; an absent value is `null`, never
 * missing, so strict mode can tell a typo from "not set". Documented in templates/README.md.
 */
export interface HostView {
  host: { name: string; address: string; vars: Record<string, unknown> };
  role: string;
  /** null: no router_id line (`vrrp_router_id: false`: keepalived takes the host name). */
  router_id: string | null;
  /** false: no enable_script_security (`keepalived_script_security: false`, an adopted fleet's; never for the agent). */
  script_security: boolean;
  /** null: no script_user line (only without script security and without `vrrp_script_user`). */
  script_user: string | null;
  vrrp_scripts: VrrpScriptView[];
  instances: InstanceView[];
  virtual_servers: VirtualServerView[];
  clusters: ClusterView[];
  /** Ports the host's nginx listens on (health probe of the check script). */
  nginx_ports: number[];
  /** lvs-dr realserver: VIPs carried on lo. */
  realserver_vips: { address: string; prefix: number; label: string }[];
  /** The same as `address/prefix@label` words, for the realserver script's list (shlist). */
  realserver_vip_specs: string[];
  notify_log_file: string;
  /** The command that runs the VRRP agent (`hafleet_agent_command`): a word list for sh. */
  hafleet_agent_command: string;
  /** keepalived.conf text kept verbatim (`hafleet import`), written with kblock; null when unset. */
  extra_keepalived: string | null;
  /** nginx http-level text kept verbatim, written with nblock; null when unset. */
  extra_nginx: string | null;
}

/**
 * Day-2 state the hosts hold (not the inventory): the realservers in maintenance. A topology
 * seen through `withMaintenance` renders them drained — nginx upstream entries `down`, LVS
 * real_servers at weight 0 — so deploy keeps a drained realserver out (the fleet layer reads
 * each host's flag with its facts and renders again when any is set).
 */
const drainedOf = new WeakMap<Topology, ReadonlySet<string>>();
export function withMaintenance(topo: Topology, hosts: Iterable<string>): Topology {
  const copy: Topology = { ...topo };
  drainedOf.set(copy, new Set(hosts));
  return copy;
}
/** The realservers a topology renders drained (empty unless seen through `withMaintenance`). */
export function maintenanceOf(topo: Topology): ReadonlySet<string> {
  return drainedOf.get(topo) ?? new Set();
}

export interface ClusterView extends NginxClusterView {
  name: string;
  mode: string;
  flags: Flags;
  /** The host's extra_nginx on its first nginx cluster only (one conf.d file carries it: twice would define its upstreams twice). */
  extra_nginx: string | null;
}

interface VrrpScriptView { name: string; script: string; interval: number; timeout: number; weight: number; fall: number; rise: number; user: string | null }

interface InstanceView {
  name: string; cluster: string; vrid: number; version: number; advert_int: number; interface: string;
  state: string; priority: number; auth_pass: string | null; nopreempt: boolean; preempt_delay: number;
  unicast_src_ip: string | null; unicast_peers: string[];
  garp_master_delay: number; garp_master_repeat: number; garp_master_refresh: number; smtp_alert: boolean;
  vips: { address: string; prefix: number; dev: string; label: string | null }[];
  track_scripts: string[];
  notify: { script: string | null; master: string | null; backup: string | null; fault: string | null; stop: string | null; script_user: string | null; user: string | null };
}

interface VirtualServerView {
  cluster: string; vip: string; port: number; protocol: string; lb_algo: string; lb_kind: string;
  persistence_timeout: number; delay_loop: number; sorry_server: { address: string; port: number } | null;
  real_servers: { host: string; address: string; port: number; weight: number; check: CheckView | null }[];
}

interface CheckView { type: string; http: boolean; path: string; status: number; connect_timeout: number; retry: number; delay_before_retry: number }

const DEFAULT_NOTIFY_LOG = '/var/log/hafleet-notify.log';

// What depends on the cluster alone is built once per cluster, not once per host. Views are
// read-only to templates, so sharing them between hosts is safe.
const nginxViews = new WeakMap<Cluster, NginxClusterView>();
const lvsViews = new WeakMap<Cluster, VirtualServerView[]>();
function memo<V>(cache: WeakMap<Cluster, V>, c: Cluster, build: (c: Cluster) => V): V {
  let v = cache.get(c);
  if (v === undefined) cache.set(c, (v = build(c)));
  return v;
}

export function clusterFlags(c: Cluster, host: string): Flags {
  const f = noFlags();
  f.nginx = c.mode === 'nginx';
  f.lvs = c.mode !== 'nginx';
  f.lvs_dr = c.mode === 'lvs-dr';
  f.lvs_nat = c.mode === 'lvs-nat';
  const engines = new Set(c.instances.flatMap((i) => i.members.filter((m) => m.host === host).map((m) => m.engine)));
  if (engines.size === 0) engines.add(c.engine);
  f.keepalived = engines.has('keepalived');
  f.agent = engines.has('agent');
  return f;
}

/** The clusters a host plays `role` in, in topology order. */
export function clustersOf(topo: Topology, host: string, role: string): Cluster[] {
  return topo.clusters.filter((c) => (role === 'director' ? c.directors : role === 'realserver' ? c.realservers : []).includes(host));
}

export function buildHostView(topo: Topology, host: Host | undefined, name: string, role: string): HostView {
  const clusters = clustersOf(topo, name, role);
  const mine: { inst: VrrpInstance; member: VrrpMember; cluster: Cluster }[] = [];
  for (const c of clusters) for (const inst of c.instances) {
    const member = inst.members.find((m) => m.host === name);
    if (member && role === 'director') mine.push({ inst, member, cluster: c });
  }
  const scripts = new Map<string, VrrpScriptView>();
  for (const { inst, cluster } of mine) for (const s of cluster.trackScripts) {
    if (inst.trackScripts.includes(s.name) && !scripts.has(s.name)) {
      scripts.set(s.name, { name: s.name, script: s.script, interval: s.intervalSec, timeout: s.timeoutSec, weight: s.weight, fall: s.fall, rise: s.rise, user: s.user ?? null });
    }
  }
  const address = mine[0]?.member.address ?? String(host?.vars['ansible_host'] ?? name);
  // A host the inventory says has no systemd gets no unit files (lab hosts share the machine's /etc/systemd).
  const manager = host?.vars['service_manager'];
  const systemd = manager === undefined || manager === null || manager === 'systemd';
  const rsVips = role === 'realserver' ? realserverVips(clusters) : [];
  const extraNginx = verbatim(host?.vars['extra_nginx']);
  const firstNginx = role === 'director' ? clusters.find((c) => c.mode === 'nginx') : undefined;
  const drained = maintenanceOf(topo);
  const clusterViews: ClusterView[] = clusters.map((c) => ({ name: c.name, mode: c.mode, flags: { ...clusterFlags(c, name), systemd }, ...drainedNginx(memo(nginxViews, c, (x) => markDown(nginxClusterView(x), new Set())), drained), extra_nginx: c === firstNginx ? extraNginx : null }));
  return {
    host: { name, address, vars: { ...(host?.vars ?? {}) } },
    role,
    ...globalDefs(host?.vars ?? {}, name, [...scripts.values()], mine.some((m) => m.member.engine === 'agent')),
    vrrp_scripts: [...scripts.values()],
    instances: mine.map(({ inst, member, cluster }) => instanceView(inst, member, cluster)),
    virtual_servers: role === 'director' ? clusters.filter((c) => c.mode !== 'nginx').flatMap((c) => drainedLvs(memo(lvsViews, c, virtualServers), drained)) : [],
    clusters: clusterViews,
    nginx_ports: role === 'director' ? [...new Set(clusterViews.filter((c) => c.flags.nginx).flatMap((c) => c.servers.map((s) => s.port)))] : [],
    realserver_vips: rsVips,
    realserver_vip_specs: rsVips.map((v) => `${v.address}/${v.prefix}@${v.label}`),
    notify_log_file: clusters.find((c) => c.notify.logFile)?.notify.logFile ?? DEFAULT_NOTIFY_LOG,
    hafleet_agent_command: agentCommand(host?.vars['hafleet_agent_command']),
    extra_keepalived: role === 'director' ? verbatim(host?.vars['extra_keepalived']) : null,
    extra_nginx: firstNginx ? extraNginx : null,
  };
}

/** Every upstream entry says whether it is `down` (strict templates read the key on each); copies only when one is. */
function drainedNginx(v: NginxClusterView, drained: ReadonlySet<string>): NginxClusterView {
  return drained.size > 0 && v.upstreams.some((u) => u.servers.some((s) => drained.has(s.host))) ? markDown(v, drained) : v;
}
function markDown(v: NginxClusterView, drained: ReadonlySet<string>): NginxClusterView {
  return { ...v, upstreams: v.upstreams.map((u) => ({ ...u, servers: u.servers.map((s) => ({ ...s, down: drained.has(s.host) })) })) };
}

/** A drained realserver stays in the virtual_server at weight 0: keepalived's LVS sends it no new connection and lets the open ones end. */
function drainedLvs(vs: VirtualServerView[], drained: ReadonlySet<string>): VirtualServerView[] {
  if (!vs.some((v) => v.real_servers.some((r) => drained.has(r.host)))) return vs;
  return vs.map((v) => ({ ...v, real_servers: v.real_servers.map((r) => (drained.has(r.host) ? { ...r, weight: 0 } : r)) }));
}

/** A passthrough value as the template sees it: text, or null when unset or empty (kblock/nblock check the text). */
function verbatim(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/**
 * global_defs: router_id is the host's name unless the inventory keeps what import found.
 * enable_script_security is written unless the inventory says `keepalived_script_security: false`
 * (an adopted fleet that ran its scripts without it: the first deploy must not change how they
 * run; lint warns, deploy's keepalived -t accepts only that complaint). The agent always checks
 * its scripts. script_user is the user of scripts without their own (an imported fleet's: root);
 * without script security it is written only when the inventory names one, as keepalived's
 * default (keepalived_script, else root) is what such a fleet ran with.
 */
function globalDefs(vars: Record<string, unknown>, name: string, scripts: VrrpScriptView[], agent: boolean): Pick<HostView, 'router_id' | 'script_security' | 'script_user'> {
  const rid = vars['vrrp_router_id'];
  const user = typeof vars['vrrp_script_user'] === 'string' ? vars['vrrp_script_user'] : null;
  const security = agent || hostBool(vars['keepalived_script_security'] as VarValue | undefined) !== false;
  return {
    router_id: rid === false ? null : typeof rid === 'string' ? rid : name,
    script_security: security,
    script_user: security ? user ?? scripts.find((s) => s.user)?.user ?? 'nobody' : user,
  };
}

/** Where `hafleet` is not on the host's PATH (a checkout, a lab), the inventory names the command. */
export const DEFAULT_AGENT_COMMAND = 'hafleet agent';
function agentCommand(v: unknown): string {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : DEFAULT_AGENT_COMMAND;
}

function instanceView(inst: VrrpInstance, m: VrrpMember, c: Cluster): InstanceView {
  return {
    name: inst.name, cluster: c.name, vrid: inst.vrid, version: inst.version, advert_int: inst.advertInt,
    interface: m.interface || inst.interface, priority: m.priority,
    // keepalived clears nopreempt and preempt_delay on a MASTER-state instance (with a warning):
    // both only work when every router starts BACKUP.
    state: !inst.preempt || inst.preemptDelaySec > 0 ? 'BACKUP' : m.initialState,
    // VRRPv3 (RFC 5798) has no authentication; keepalived refuses it there.
    auth_pass: inst.version === 2 && inst.authPass ? inst.authPass : null,
    nopreempt: !inst.preempt, preempt_delay: inst.preempt ? inst.preemptDelaySec : 0, // keepalived: incompatible with nopreempt
    unicast_src_ip: inst.unicast ? (m.unicastSrcIp ?? m.address) : null,
    unicast_peers: inst.unicast ? m.unicastPeers : [],
    garp_master_delay: inst.garpMasterDelaySec, garp_master_repeat: inst.garpMasterRepeat, garp_master_refresh: inst.garpMasterRefreshSec, smtp_alert: inst.smtpAlert,
    vips: inst.vips.map((v) => {
      // A VIP without its own dev follows the director's interface (its vrrp_interface may differ).
      const dev = v.devExplicit && v.dev ? v.dev : m.interface || v.dev;
      // label: false in the inventory: none (an adopted fleet's unlabelled VIP stays as it is).
      return { address: v.address, prefix: v.prefix, dev, label: v.noLabel ? null : vipLabel(v.address, v.label ?? `${dev}:${inst.vrid}`) };
    }),
    track_scripts: inst.trackScripts,
    notify: {
      script: c.notify.script ?? null, master: c.notify.master ?? null, backup: c.notify.backup ?? null, fault: c.notify.fault ?? null, stop: c.notify.stop ?? null,
      // hafleet's own logger appends under /var/log: root. The user's scripts: notify.user (false: none written).
      script_user: c.notify.script === DEFAULTS.notify.script ? 'root' : c.notify.user ?? null,
      user: c.notify.user ?? null,
    },
  };
}

function checkView(h: HealthCheck): CheckView | null {
  if (h.type === 'NONE') return null;
  return { type: h.type, http: h.type === 'HTTP_GET', path: h.path, status: h.status, connect_timeout: h.connectTimeoutSec, retry: h.retry, delay_before_retry: h.delayBeforeRetrySec };
}

function virtualServers(c: Cluster): VirtualServerView[] {
  return c.services.map((s) => ({
    cluster: c.name, vip: s.vip, port: s.port, protocol: s.protocol, lb_algo: s.lbAlgo,
    lb_kind: c.lbKind ?? (c.mode === 'lvs-nat' ? 'NAT' : 'DR'),
    persistence_timeout: s.persistenceTimeoutSec, delay_loop: s.healthCheck.delayLoopSec,
    sorry_server: s.sorryServer ? { address: s.sorryServer.address, port: s.sorryServer.port } : null,
    real_servers: s.realServers.map((r) => ({ host: r.host, address: r.address, port: r.port, weight: r.weight, check: checkView(s.healthCheck) })),
  }));
}

function realserverVips(clusters: Cluster[]): HostView['realserver_vips'] {
  const seen = new Set<string>();
  const out: HostView['realserver_vips'] = [];
  for (const c of clusters) {
    if (c.mode !== 'lvs-dr') continue;
    for (const inst of c.instances) for (const v of inst.vips) {
      if (seen.has(v.address)) continue;
      seen.add(v.address);
      out.push({ address: v.address, prefix: v.address.includes(':') ? 128 : 32, label: `lo:${out.length}` });
    }
  }
  return out;
}

/** Labels are IPv4-only and at most IFNAMSIZ-1 (15) characters; the kernel refuses others. */
function vipLabel(address: string, label: string): string | null {
  return address.includes(':') || label.length > 15 ? null : label;
}
