import type { AddressFact, DeployRecord } from '../facts/types.js';

/** A VRRP state as the speaker itself reports it (keepalived's data dump or the agent's status file). */
export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP' | 'UNKNOWN';

export interface SpeakerInstance {
  /** vrrp_instance name. */
  name: string;
  vrid?: number;
  state: VrrpState;
  effectivePriority?: number;
  /** The configured priority, when the speaker says (keepalived's `Priority`, the agent's basePriority). */
  basePriority?: number;
  /** The last state change with its time and cause, when the speaker keeps it (the agent does). */
  lastTransition?: { at: string; from?: VrrpState; to: VrrpState; reason?: string };
  /** Adverts dropped for a wrong password or auth type, since the speaker started. */
  authFailures: number;
}

/** What the VRRP speaker of a director says about itself. Never holds auth_pass. */
export interface SpeakerReport {
  source: 'keepalived' | 'agent';
  instances: SpeakerInstance[];
  /** track_script name → passing. */
  scripts: { name: string; ok: boolean }[];
}

/** A file hafleet manages on a host: live content (secrets masked) beside the deployed record. */
export interface ManagedFileObservation {
  path: string;
  liveSha256: string | null;
  /** Unified diff from what the current inventory renders to the live file, secrets masked. */
  diff?: string;
}

/** One host as the probes found it. */
export type HostObservation =
  | { host: string; reachable: false; message: string }
  | {
      host: string;
      reachable: true;
      addresses: AddressFact[];
      /** dev → MAC address (lower case). */
      macs: Record<string, string>;
      /** Daemons running in this host's own network namespace: `keepalived`, `nginx`, `hafleet-agent`. */
      running: Record<string, boolean>;
      speaker: SpeakerReport | null;
      /** Recent keepalived log lines that tell of an authentication mismatch. */
      authLogLines: string[];
      /** Live sysctl values, e.g. `net.ipv4.conf.all.arp_ignore` → "1". */
      sysctls: Record<string, string>;
      files: ManagedFileObservation[];
      lastDeploy: DeployRecord | null;
      /** hafleet's maintenance flag is set on the host (`hafleet maintenance HOST on`): out on purpose. */
      maintenance?: boolean;
      /** How many files the inventory renders for this host (unknown when verify ran without it). */
      wantedFiles?: number;
    };

/** Who answered an ARP request for a VIP sent from the admin box. */
export interface ArpObservation {
  vip: string;
  /** Interface the request left by on the admin side; absent when the probe could not run. */
  iface?: string;
  macs: string[];
  error?: string;
}

/** A realserver's backend asked directly from the admin box. */
export interface BackendObservation {
  host: string;
  url: string;
  status: number | null;
  error?: string;
}

/** HTTP requests through one VIP:port from the admin box. */
export interface HttpObservation {
  vip: string;
  port: number;
  sent: number;
  /** Realserver name → responses it served. `?` collects answers no realserver could be named for. */
  servedBy: Record<string, number>;
  /** Status code → count. */
  statuses: Record<string, number>;
  failed: number;
  /** First failure message, to say what went wrong. */
  firstError?: string;
}

export interface Observations {
  hosts: Record<string, HostObservation>;
  arp: ArpObservation[];
  backends: BackendObservation[];
  http: HttpObservation[];
}

export type FindingKind =
  | 'vip-ok'
  | 'split-brain'
  | 'orphan'
  | 'wrong-interface'
  | 'wrong-prefix'
  | 'duplicate-vip'
  | 'stale-vip'
  | 'auth-mismatch'
  | 'state-address-disagree'
  | 'host-unreachable'
  | 'daemon-down'
  | 'drift'
  | 'track-failing'
  | 'realserver-vip-missing'
  | 'arp-sysctl'
  | 'arp-ok'
  | 'arp-answered-by-realserver'
  | 'arp-wrong-holder'
  | 'backend-down'
  | 'traffic'
  | 'error-page'
  | 'maintenance';

/** One assertion's outcome. `ok: false` with severity `error` makes verify exit non-zero. */
export interface Finding {
  kind: FindingKind;
  ok: boolean;
  severity: 'ok' | 'warning' | 'error';
  cluster?: string;
  instance?: string;
  vip?: string;
  host?: string;
  message: string;
  /** What to look at. */
  hint?: string;
  /** Directors that hold the VIP (vip findings). */
  holders?: string[];
  /** The holder's VRRP state by its own account. */
  state?: VrrpState;
  /** Traffic findings: realserver → responses. */
  distribution?: Record<string, number>;
  /** Drift findings: unified diff, secrets masked. */
  diff?: string;
}

export interface VerifyReport {
  ok: boolean;
  at: string;
  findings: Finding[];
  summary: { errors: number; warnings: number; passed: number };
}
