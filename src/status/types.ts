/**
 * What `hafleet status` knows about the fleet at one moment: the contract between the part that
 * gathers it (SSH probes, kept-open connections) and the views that show it (terminal, --json,
 * the --serve page, /metrics). Plain data, JSON as is; never holds a secret (auth_pass).
 */
import type { VrrpState } from '../verify/types.js';

export type { VrrpState };

/** One member (director) of a VRRP instance, as its own speaker reports it. */
export interface MemberStatus {
  host: string;
  /** Unreachable hosts keep their row: state UNKNOWN and a reason. */
  reachable: boolean;
  /** Why the host could not be read (unreachable, host key refused…), printable text. */
  error?: string;
  /** The kind of `error`: a changed or unknown host key is `refused` (never accepted). Added by the gatherer. */
  failure?: 'unreachable' | 'refused' | 'auth' | 'failed';
  state: VrrpState;
  /** Priority as configured (the inventory's / the config's). */
  basePriority?: number;
  /** Priority the speaker advertises now (base + track weights), when it says. */
  effectivePriority?: number;
  /** `keepalived`, `agent` or null when no VRRP speaker runs. */
  speaker: 'keepalived' | 'agent' | null;
  /**
   * Track scripts / interfaces / files of this instance on this host, as its speaker reports them
   * (hafleet's own switchover and maintenance files included), and whether they pass: an
   * interface is up, a script succeeds, a file's value does not put the instance in FAULT.
   */
  tracks: {
    kind: 'script' | 'interface' | 'file';
    name: string;
    ok: boolean;
    weight?: number;
    /** A track file's number as the speaker last read it (× weight is added to the priority). */
    value?: number;
    /** A track file's path. */
    path?: string;
  }[];
  /** Host is in maintenance (a hafleet-owned flag on the host), with who/when/why when known. */
  maintenance?: { since?: string; by?: string; reason?: string };
  /** The last state change seen in the speaker's log or notify, newest first: at most a few. */
  lastTransition?: Transition;
}

/** A VRRP state change, as a speaker logged it. */
export interface Transition {
  /** ISO time. */
  at: string;
  host: string;
  instance: string;
  from?: VrrpState;
  to: VrrpState;
  /** keepalived's / the agent's words for why (higher priority seen, master down timer, track script…). */
  reason?: string;
  /**
   * Where `reason` comes from: the agent's own record (`speaker`), keepalived's log (`log`), or
   * what status saw of the member and its peers around the change (`observed`: see causes.ts).
   */
  reasonFrom?: 'speaker' | 'log' | 'observed';
}

/** One VIP of one instance: who holds it, by the addresses on the hosts. */
export interface VipStatus {
  /** The address as in the inventory, without prefix. */
  vip: string;
  cluster: string;
  instance: string;
  /** The director that holds it, or null (none, or more than one: see holders). */
  holder: string | null;
  /** Every director that has the address (two or more: split brain). */
  holders: string[];
  /** The director the inventory expects to hold it when all are healthy (highest priority). */
  expectedHolder?: string;
  /** A request through the VIP from the admin box: latency, or the error. */
  probe?: { ok: boolean; ms?: number; status?: number; error?: string };
}

export interface InstanceStatus {
  cluster: string;
  instance: string;
  vrid: number;
  members: MemberStatus[];
  vips: VipStatus[];
}

export interface ClusterStatus {
  name: string;
  /** Two or more holders of one VIP. */
  splitBrain: boolean;
  /** Members whose host answered. */
  membersUp: number;
  members: number;
  instances: InstanceStatus[];
}

/** Files that differ from the last deploy's record, per host. */
export interface DriftStatus {
  host: string;
  /** Paths whose live checksum differs from the record (or that vanished). */
  paths: string[];
}

/** One moment of the whole fleet. */
export interface StatusSnapshot {
  /** ISO time the snapshot was complete. */
  at: string;
  clusters: ClusterStatus[];
  /** One object per VIP, flat (what --json users and scripts read first). */
  vips: VipStatus[];
  drift: DriftStatus[];
  /** The last deploy as the hosts' records tell it: newest of them. */
  lastDeploy?: { at: string; by?: string; ok: boolean };
  /** Hosts that could not be read, with why. */
  unreachable: { host: string; error: string; failure?: 'unreachable' | 'refused' | 'auth' | 'failed' }[];
  /** Transitions seen since the watch began (or in the logs' recent window), newest first. */
  transitions: Transition[];
}

/**
 * Where snapshots come from: the terminal --watch, the --serve page and /metrics all read one
 * source, so the page and the metrics never disagree. `next` resolves with the next complete
 * snapshot; `close` ends the connections.
 */
export interface StatusSource {
  current(): StatusSnapshot | undefined;
  next(signal?: AbortSignal): Promise<StatusSnapshot>;
  close(): Promise<void>;
}
