import type { Clock } from '../async/index.js';
import type { Topology } from '../topology/types.js';
import type { HostRef } from '../transport/types.js';
import type { FactsByHost, ValidationOutcome } from '../plan/index.js';

/** The step a host failed in: where to look. */
export type FailStep =
  | 'plan' | 'lock' | 'stage' | 'validate' | 'install' | 'handler' | 'health' | 'vip' | 'script'
  /** The new config was installed and its handlers ran, but the director did not prove it serves. */
  | 'serve'
  /** This director deployed fine; another director of its cluster failed, so it was put back. */
  | 'cluster';

/** What happened on one host: a value, never a rejected promise. */
export type HostResult =
  | { host: string; status: 'ok'; recordWritten: boolean }
  | { host: string; status: 'changed'; changed: string[]; handlers: string[]; stepsMs?: Record<string, number> }
  | { host: string; status: 'failed'; step: FailStep; message: string; hint?: string; rolledBack: boolean; validations?: ValidationOutcome[] }
  | { host: string; status: 'unreachable'; message: string; hint?: string }
  /** Not attempted: an earlier director of its cluster failed, `--max-fail` was reached, or Ctrl-C. */
  | { host: string; status: 'skipped'; reason: string };

/**
 * How a cluster's lane ended when it did not simply deploy: refused its lock, stopped by a
 * failure, or rolled back (every director this deploy changed put back on its previous files);
 * also a lane that deployed with warnings (a director left unlocked under --force).
 */
export interface ClusterOutcome {
  cluster: string;
  outcome: 'deployed' | 'locked' | 'stopped' | 'rolled-back';
  /** What stopped the lane. */
  reason?: string;
  /** Directors returned to their previous files, in the order it was done (newest first). */
  rolledBack: string[];
  /** Directors whose rollback failed: still on the new files. */
  rollbackFailed: { host: string; message: string }[];
  /** After a rollback: every VIP with exactly one holder, and that holder serving. */
  settled?: boolean;
  holders?: Record<string, string>;
  /** The lock was refused: who holds it. */
  lockedBy?: string;
  warnings: string[];
}

export interface DeployResult {
  deployId: string;
  planId: string;
  hosts: HostResult[];
  /** One entry per cluster whose lane did not simply deploy (see ClusterOutcome). */
  clusters: ClusterOutcome[];
  durationMs: number;
}

/** `--serial 2` or `--serial 25%`: realservers per batch. */
export type Serial = { count: number } | { percent: number };

export type DeployEvent =
  | { kind: 'host-start'; host: string }
  | { kind: 'host-step'; host: string; step: string }
  | { kind: 'host-done'; host: string; result: HostResult }
  | { kind: 'vip-wait'; cluster: string; after: string }
  | { kind: 'vip-settled'; cluster: string; holders: Record<string, string> }
  | { kind: 'serve-check'; cluster: string; host: string }
  /** A first deploy's priority-0 adverts went out (lane.ts hastenFirstElection): from `senders`, for `instances`. */
  | { kind: 'election-hastened'; cluster: string; senders: string[]; instances: string[] }
  | { kind: 'cluster-rollback'; cluster: string; hosts: string[]; reason: string }
  | { kind: 'cluster-done'; outcome: ClusterOutcome };

export interface DeployOptions {
  refs: ReadonlyMap<string, HostRef>;
  /** Facts gathered for the plan: service manager per host, current VIP holders. */
  facts: FactsByHost;
  /** Clusters decide the rolling order; without it every host is independent. */
  topology?: Topology;
  forks?: number;
  serial?: Serial;
  /** Realserver failures tolerated before the remaining batches are skipped. */
  maxFail?: number;
  breakLock?: boolean;
  /** `user@admin-host` for the lock and the deploy record. */
  by?: string;
  /** Ctrl-C: no new host starts; a host under way finishes or rolls back on its own. */
  signal?: AbortSignal;
  clock?: Clock;
  /** How long to wait for exactly one director per VIP before the next director. */
  vipDeadlineMs?: number;
  /**
   * Connections to every director of every cluster in the plan, also those outside --limit:
   * the cluster lock is taken on all of them. Falls back to `refs`.
   */
  clusterRefs?: ReadonlyMap<string, HostRef>;
  /** Go on when a director outside --limit cannot be locked (unreachable); refused otherwise. */
  force?: boolean;
  /** Longest wait for a changed director to prove it serves (default: from its track scripts). */
  serveWindowMs?: number;
  /** The lane's I/O steps (lock, proof, rollback): the real ones unless a test passes its own. */
  ops?: Partial<import('./lane.js').LaneOps>;
  onEvent?: (e: DeployEvent) => void;
  deployId?: string;
  now?: Date;
}
