import type { FaultKind } from './faults/index.js';

export type { FaultKind };

/** All times are milliseconds on the admin box's clock (epoch); host times are shifted onto it. */
export interface OwnershipSample {
  t: number;
  host: string;
  holds: boolean;
}

/** One request of the client loop through the VIP. */
export interface RequestSample {
  t: number;
  /** First try answered (any HTTP status below 500). */
  ok: boolean;
  /** The first try failed and the one retry answered. */
  okAfterRetry: boolean;
  ms: number;
  status?: number;
  servedBy?: string;
  error?: string;
}

/** A gratuitous ARP for the VIP seen on the admin side (who-has VIP tell VIP). */
export interface GarpSample {
  t: number;
  mac: string;
  host?: string;
}

/** A VRRP advert of the drilled instance seen on the admin side. */
export interface AdvertSample {
  t: number;
  /** Sender's address. */
  src: string;
  priority: number;
}

export type MarkKind = 'start' | 'fault' | 'fault-done' | 'restore' | 'restore-done' | 'end';

export interface Mark {
  t: number;
  kind: MarkKind;
  note: string;
}

/** The VRRP settings the bound and the return behaviour depend on. */
export interface DrillConfig {
  version: 2 | 3;
  advertIntSec: number;
  preempt: boolean;
  preemptDelaySec: number;
  masterPriority: number;
  /** Priority of the director expected to take over. */
  backupPriority: number;
  /** The track script that demotes a master whose nginx stopped. */
  track?: { intervalSec: number; timeoutSec: number; fall: number; weight: number };
}

/** Everything one fault run saw, raw: the input of the pure measures. */
export interface DrillRecord {
  fault: FaultKind;
  cluster: string;
  instance: string;
  vip: string;
  /** VIP holder before the fault. */
  master: string;
  /** Other directors of the instance, highest priority first. */
  backups: string[];
  /** Host the fault was injected on. */
  target: string;
  config: DrillConfig;
  marks: Mark[];
  ownership: OwnershipSample[];
  requests: RequestSample[];
  garps: GarpSample[];
  /** Adverts of the instance (multicast only: unicast adverts do not reach the admin box). */
  adverts: AdvertSample[];
  /** The master's address on the VRRP interface (to find its adverts). */
  masterAddress: string;
  /** Host monitors that could not be read back (their samples are missing). */
  gaps: string[];
}

export interface RequestStats {
  sent: number;
  /** First try failed. */
  failed: number;
  /** Failed even after one retry. */
  failedAfterRetry: number;
  /** Longest time between two first-try successes. */
  longestGapMs: number;
}

export interface ProtocolBound {
  ms: number;
  formula: string;
}

export type ReturnBehaviour = 'moved-back' | 'stayed' | 'elsewhere' | 'none';

export interface DrillMeasures {
  /** Fault → a backup holds the VIP. */
  failoverMs: number | null;
  newHolder: string | null;
  /** Fault → the old master no longer holds it (after restore when the fault left it behind). */
  releasedMs: number | null;
  releasedBeforeRestore: boolean;
  bound: ProtocolBound | null;
  /**
   * The master's last advert before the fault → a backup holds the VIP: the interval the
   * protocol bounds (the backup's Master_Down timer runs from that advert, not from the fault).
   */
  sinceLastAdvertMs: number | null;
  /** (sinceLastAdvertMs, else failoverMs) − bound; negative: faster than the bound. */
  overBoundMs: number | null;
  /** Restore → placement final (preempt: back on the master; nopreempt: stays). */
  recoveryMs: number | null;
  returned: ReturnBehaviour;
  expectedReturn: 'moved-back' | 'stayed';
  garpSeen: number;
  requests: RequestStats;
  /** Requests served by the target realserver after the fault, per second after it (realserver-down). */
  drainMs?: number | null;
}

export interface TimelineEvent {
  t: number;
  /** Milliseconds since the fault (negative before it). */
  sinceFaultMs: number;
  what: string;
}

export interface DrillOutcome {
  record: DrillRecord;
  measures: DrillMeasures;
  timeline: TimelineEvent[];
  /** What went against expectation: empty when the drill passed. */
  problems: string[];
  ok: boolean;
}
