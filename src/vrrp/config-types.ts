/** The vrrp part of a keepalived.conf, as the agent runs it. Defaults are keepalived 2.2.7's. */
import type { Where } from '../diagnostics/index.js';
import type { Family, VrrpVersion } from './packet.js';

export interface GlobalDefs {
  routerId?: string;
  scriptUser?: string;
  scriptGroup?: string;
  enableScriptSecurity: boolean;
  vrrpVersion: VrrpVersion;
  /** Defaults for the instances' garp_master_* (vrrp_garp_master_*). */
  garpMasterDelaySec: number;
  garpMasterRepeat: number;
  garpMasterRefreshSec: number;
  garpMasterRefreshRepeat: number;
  /** vrrp_garp_interval: gap between the gratuitous ARPs of one burst. */
  garpIntervalMs: number;
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
  where: Where;
}

export interface NotifyConf {
  master?: string;
  backup?: string;
  fault?: string;
  stop?: string;
  /** `notify`: called as SCRIPT INSTANCE|GROUP NAME STATE PRIORITY. */
  any?: string;
}

export interface InstanceConf {
  name: string;
  where: Where;
  initialState: 'MASTER' | 'BACKUP';
  interface: string;
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
  preempt: boolean;
  preemptDelaySec: number;
  /** Addresses in canonical form (`canonicalIp`), of the instance's family. */
  unicastSrcIp?: string;
  unicastPeers: string[];
  mcastSrcIp?: string;
  notify: NotifyConf;
  garpMasterDelaySec: number;
  garpMasterRepeat: number;
  garpMasterRefreshSec: number;
  garpMasterRefreshRepeat: number;
  dontTrackPrimary: boolean;
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
  instances: InstanceConf[];
  syncGroups: SyncGroupConf[];
  /** Every file read (main + includes), for reload and messages. */
  files: string[];
}
