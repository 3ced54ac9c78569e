import type { Where } from '../diagnostics/index.js';

/** L7 proxy with nginx on the directors, or L4 with LVS direct routing / NAT. */
export type Mode = 'nginx' | 'lvs-dr' | 'lvs-nat';
export type LbAlgo = 'rr' | 'wrr' | 'lc' | 'wlc' | 'lblc' | 'lblcr' | 'dh' | 'sh' | 'sed' | 'nq';
export type VrrpEngine = 'keepalived' | 'agent';

export interface Vip {
  /** Dotted quad (or IPv6 text), no prefix. */
  address: string;
  prefix: number;
  /** Interface the VIP is added to; defaults to the instance's interface. */
  dev: string;
  /** True when the user named `dev`; else `dev` is the instance's interface and a director with its own `vrrp_interface` may prefer that. */
  devExplicit?: boolean;
  label?: string;
  /** The inventory said `label: false`: the VIP has no label (absent label and no noLabel: the renderer's dev:vrid). */
  noLabel?: true;
  where: Where;
}

export interface VrrpMember {
  host: string;
  priority: number;
  /** keepalived `state`: MASTER for the highest priority when preempting, else BACKUP. */
  initialState: 'MASTER' | 'BACKUP';
  interface: string;
  /** The director's own address on `interface` (its ansible_host unless `unicast_src_ip` is set). */
  address: string;
  /** Set when the instance runs unicast. */
  unicastSrcIp?: string;
  /** Other members' addresses when unicast. */
  unicastPeers: string[];
  engine: VrrpEngine;
  /** Prefix of `address` on `interface` when the inventory gives it (`vrrp_prefix`). */
  prefix?: number;
  /** True when `initialState` comes from the host's `vrrp_state`, not derived. */
  stateExplicit?: boolean;
}

/** Where a model element was written: a host that sees it and the key path under its vars. */
export interface Source {
  host: string;
  path: readonly (string | number)[];
}

export interface VrrpInstance {
  /** keepalived's vrrp_instance name, e.g. `web_51`. */
  name: string;
  cluster: string;
  vrid: number;
  version: 2 | 3;
  /** Seconds; fractional allowed for v3 (0.01 steps). */
  advertInt: number;
  interface: string;
  vips: Vip[];
  /** VRRPv2 simple password (≤ 8 chars); a secret: masked in diffs, logs and JSON. */
  authPass?: string;
  preempt: boolean;
  preemptDelaySec: number;
  unicast: boolean;
  garpMasterDelaySec: number;
  garpMasterRepeat: number;
  garpMasterRefreshSec: number;
  /** keepalived smtp_alert: mail (global_defs smtp_server, notification_email) on each state change. */
  smtpAlert: boolean;
  members: VrrpMember[];
  trackScripts: string[];
  where: Where;
  source?: Source;
}

export interface HealthCheck {
  type: 'HTTP_GET' | 'TCP_CHECK' | 'NONE';
  path: string;
  status: number;
  connectTimeoutSec: number;
  retry: number;
  delayBeforeRetrySec: number;
  delayLoopSec: number;
}

export interface RealServer {
  host: string;
  /** Address the director sends to (ansible_host unless `realserver_address`). */
  address: string;
  port: number;
  weight: number;
  /** nginx `backup` upstream member (only used when the others are down). */
  backup: boolean;
}

export interface VirtualService {
  /** VIP address this service listens on; every VIP of the cluster when omitted by the user. */
  vip: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  lbAlgo: LbAlgo;
  persistenceTimeoutSec: number;
  healthCheck: HealthCheck;
  realServers: RealServer[];
  /** LVS only: address to send to when every real server is down. */
  sorryServer?: { address: string; port: number };
  source?: Source;
}

export interface TrackScript {
  /** vrrp_script name, e.g. `chk_nginx`. */
  name: string;
  /** Command line; the nginx check script by default. */
  script: string;
  intervalSec: number;
  timeoutSec: number;
  /** Negative: subtract while failing; positive: add while passing. */
  weight: number;
  fall: number;
  rise: number;
  /** Run as this user (keepalived `user`); least privilege. Absent: no user line (keepalived's default script user). */
  user?: string;
}

export interface NotifyHooks {
  /** Script called with keepalived's arguments: TYPE NAME STATE PRIORITY. */
  script?: string;
  master?: string;
  backup?: string;
  fault?: string;
  stop?: string;
  /** Where the bundled notify script appends (syslog always). */
  logFile?: string;
  /** User of the user's notify scripts; absent: no user word (keepalived's default script user). hafleet's own logger runs as root. */
  user?: string;
}

export interface NginxSettings {
  listenPort: number;
  proxyConnectTimeout: string;
  proxyReadTimeout: string;
  proxySendTimeout: string;
  maxFails: number;
  failTimeout: string;
  keepalive: number;
  /** Page served with 503 when every realserver is down. */
  errorPage: string;
}

export interface Cluster {
  name: string;
  mode: Mode;
  engine: VrrpEngine;
  directors: string[];
  realservers: string[];
  instances: VrrpInstance[];
  services: VirtualService[];
  trackScripts: TrackScript[];
  notify: NotifyHooks;
  nginx: NginxSettings;
  /** Router id prefix for global_defs. */
  where: Where;
  /** keepalived `lb_kind`, derived from mode: DR for lvs-dr, NAT for lvs-nat, absent for nginx. */
  lbKind?: 'DR' | 'NAT';
  source?: Source;
}

export interface Topology {
  clusters: Cluster[];
  /** Per host: the roles it plays (a host may direct one cluster and serve another). */
  roles: Map<string, Set<'director' | 'realserver'>>;
}
