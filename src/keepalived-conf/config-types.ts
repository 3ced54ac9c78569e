/** The vrrp part of a keepalived.conf, as the agent runs it. Defaults are keepalived 2.2.7's. */
import type { Where } from '../diagnostics/index.js';
import type { Family, VrrpVersion } from '../vrrp/packet.js';

export interface GlobalDefs {
  routerId?: string;
  scriptUser?: string;
  scriptGroup?: string;
  /** The script_user line, for messages about it. */
  scriptUserWhere?: Where;
  enableScriptSecurity: boolean;
  vrrpVersion: VrrpVersion;
  /** Defaults for the instances' garp_master_* (vrrp_garp_master_*). */
  garpMasterDelaySec: number;
  garpMasterRepeat: number;
  garpMasterRefreshSec: number;
  garpMasterRefreshRepeat: number;
  /** vrrp_garp_interval: gap between the gratuitous ARPs of one burst. */
  garpIntervalMs: number;
  /** vrrp_mcast_group4 / vrrp_mcast_group6: the groups adverts go to (224.0.0.18, ff02::12). */
  mcastGroup4: string;
  mcastGroup6: string;
  /**
   * hafleet_metrics_address (the agent's own keyword, unknown to keepalived): where the agent
   * serves /metrics, as written — PORT (127.0.0.1), ADDR:PORT or [ADDR6]:PORT, the syntax of
   * `hafleet agent --metrics`, which wins over it. Absent: no metrics.
   */
  metricsAddress?: string;
}

export interface TrackScriptConf {
  name: string;
  script: string;
  intervalSec: number;
  timeoutSec: number;
  /** Positive: added while passing; negative: subtracted while failing; 0: failing → FAULT. */
  weight: number;
  /** keepalived's `weight N reverse`. */
  reverse: boolean;
  fall: number;
  rise: number;
  user?: string;
  group?: string;
  /** Set by the script-security check (secureScripts): the resolved argv and the ids it runs as. */
  exec?: ScriptExec;
  where: Where;
}

/** `vrrp_track_process NAME { … }`: up while the number of matching processes is within the quorum. */
export interface TrackProcessConf {
  name: string;
  /** Matched against /proc/PID/stat's comm, or argv[0] with fullCommand. */
  process: string;
  /** Parameters to match against argv[1…] (implies fullCommand). */
  params: string[];
  /** none: name only; exact: the same parameters; partial: the first n match; initial: the last may be longer. */
  paramMatch: 'none' | 'exact' | 'partial' | 'initial';
  fullCommand: boolean;
  /** 0 (keepalived's default): out of quorum → FAULT; otherwise as vrrp_script weights. */
  weight: number;
  reverse: boolean;
  quorum: number;
  quorumMax: number;
  /** Seconds the new state must hold before it counts (up after a fork, down after an exit). */
  forkDelaySec: number;
  terminateDelaySec: number;
  where: Where;
}

/** `track_file NAME { … }` (`vrrp_track_file`): a number in a file, times the weight, added to the priority. */
export interface TrackFileConf {
  name: string;
  file: string;
  /** 0: a non-zero value in the file → FAULT; otherwise value × weight is added. */
  weight: number;
  reverse: boolean;
  /** `init_file [VALUE] [overwrite]`: write VALUE at start when the file is missing (or always). */
  init?: { value: number; overwrite: boolean };
  where: Where;
}

export interface VipConf {
  address: string;
  prefix: number;
  dev?: string;
  label?: string;
  where: Where;
}

export interface TrackRef {
  name: string;
  /** Overrides the script's weight (`track_script { chk weight -20 }`). */
  weight?: number;
  /** `weight N reverse` / `noreverse`: overrides the tracked object's own. */
  reverse?: boolean;
  where: Where;
}

/**
 * A notify script as keepalived reads `notify_master "CMD ARGS" [USER [GROUP]]`: the first word (a
 * quoted string for a command with arguments) is the command, the next two are who runs it.
 */
export interface NotifyScript {
  cmd: string;
  user?: string;
  group?: string;
  /** Set by the script-security check (secureScripts): the resolved argv and the ids it runs as. */
  exec?: ScriptExec;
  where: Where;
}

/** A script resolved to run: its real path first, then its arguments; the ids it runs as. */
export interface ScriptExec {
  argv: string[];
  uid: number;
  gid: number;
}

export interface NotifyConf {
  master?: NotifyScript;
  backup?: NotifyScript;
  fault?: NotifyScript;
  stop?: NotifyScript;
  /** `notify`: called as SCRIPT INSTANCE|GROUP NAME STATE PRIORITY. */
  any?: NotifyScript;
}

export interface InstanceConf {
  name: string;
  where: Where;
  initialState: 'MASTER' | 'BACKUP';
  interface: string;
  /** The `interface` line, for messages about it. */
  interfaceWhere?: Where;
  vrid: number;
  priority: number;
  advertIntervalCs: number;
  version: VrrpVersion;
  /** IPv4 or IPv6, from the first address (keepalived's rule) or native_ipv6; IPv6 is VRRPv3 only. */
  family: Family;
  /** VRRPv2 PASS; a secret: never printed. */
  authPass?: string;
  vips: VipConf[];
  vipsExcluded: VipConf[];
  trackScripts: TrackRef[];
  trackInterfaces: TrackRef[];
  trackProcesses: TrackRef[];
  trackFiles: TrackRef[];
  preempt: boolean;
  preemptDelaySec: number;
  /** Addresses in canonical form (`canonicalIp`), of the instance's family. */
  unicastSrcIp?: string;
  unicastPeers: string[];
  mcastSrcIp?: string;
  /** mcast_dst_ip: this instance's group, instead of the global one of its family. */
  mcastDst?: string;
  /** virtual_routes / virtual_rules: `ip route` / `ip rule` lines held while master. */
  routes: RouteLine[];
  /** use_vmac: a macvlan carrying the virtual MAC holds the VIPs; adverts leave through it unless xmitBase. */
  vmac?: { name: string; xmitBase: boolean; where: Where };
  /** The group this instance's adverts go to when multicast: mcast_dst_ip, else the global group of its family. */
  mcastGroup: string;
  notify: NotifyConf;
  garpMasterDelaySec: number;
  garpMasterRepeat: number;
  garpMasterRefreshSec: number;
  garpMasterRefreshRepeat: number;
  dontTrackPrimary: boolean;
}

/**
 * Where an instance's VIP goes: with use_vmac, on the VMAC when it names no device or the VRRP
 * interface itself (keepalived moves those); otherwise its own `dev`, else the VRRP interface.
 */
export function vipDev(c: Pick<InstanceConf, 'interface' | 'vmac'>, v: Pick<VipConf, 'dev'>): string {
  if (c.vmac && (v.dev === undefined || v.dev === c.interface)) return c.vmac.name;
  return v.dev ?? c.interface;
}

/** One virtual_routes / virtual_rules line, handed to `ip route` / `ip rule` as written. */
export interface RouteLine {
  kind: 'route' | 'rule';
  /** The words of the line, as in the configuration. */
  words: string[];
  /** From the destination (or `from`/`to` of a rule): `ip -6` for IPv6. */
  family: 4 | 6;
  /** The line in the configuration, for messages. */
  where?: Where;
}

export interface SyncGroupConf {
  name: string;
  members: string[];
  /** sync_group_tracking_weight: keep the members' tracking weights (else they become 0 → FAULT). */
  trackingWeight: boolean;
  notify: NotifyConf;
  where: Where;
}

export interface AgentConfig {
  global: GlobalDefs;
  scripts: TrackScriptConf[];
  processes: TrackProcessConf[];
  trackFiles: TrackFileConf[];
  instances: InstanceConf[];
  syncGroups: SyncGroupConf[];
  /** Every file read (main + includes), for reload and messages. */
  files: string[];
}
