import type { Clock } from '../async/index.js';
import type { Topology } from '../topology/types.js';
import type { HostRef } from '../transport/types.js';
import type { FactsByHost, ValidationOutcome } from '../plan/index.js';

/** The step a host failed in: where to look. */
export type FailStep = 'plan' | 'lock' | 'stage' | 'validate' | 'install' | 'handler' | 'health' | 'vip' | 'script';

/** What happened on one host: a value, never a rejected promise. */
export type HostResult =
  | { host: string; status: 'ok'; recordWritten: boolean }
  | { host: string; status: 'changed'; changed: string[]; handlers: string[]; stepsMs?: Record<string, number> }
  | { host: string; status: 'failed'; step: FailStep; message: string; hint?: string; rolledBack: boolean; validations?: ValidationOutcome[] }
  | { host: string; status: 'unreachable'; message: string; hint?: string }
  /** Not attempted: an earlier director of its cluster failed, `--max-fail` was reached, or Ctrl-C. */
  | { host: string; status: 'skipped'; reason: string };

export interface DeployResult {
  deployId: string;
  planId: string;
  hosts: HostResult[];
  durationMs: number;
}

/** `--serial 2` or `--serial 25%`: realservers per batch. */
export type Serial = { count: number } | { percent: number };

export type DeployEvent =
  | { kind: 'host-start'; host: string }
  | { kind: 'host-step'; host: string; step: string }
  | { kind: 'host-done'; host: string; result: HostResult }
  | { kind: 'vip-wait'; cluster: string; after: string }
  | { kind: 'vip-settled'; cluster: string; holders: Record<string, string> };

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
  onEvent?: (e: DeployEvent) => void;
  deployId?: string;
  now?: Date;
}
