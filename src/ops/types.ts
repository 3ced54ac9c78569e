/** Day-2 operations: what hafleet reads from and writes to the hosts' state files, and its plans. */

/** A director's day-2 state as its files say (see src/host-paths: MAINTENANCE_FILE, vrrpMoveFile). */
export interface OpsState {
  host: string;
  maintenance: boolean;
  /** instance → the number in its move file (0 when missing: keepalived's init_file makes it 0). */
  moves: Record<string, number>;
  /** Who put the host in maintenance, when, why (as the host stores it: text from a host). */
  info?: MaintenanceInfo;
}

export interface MaintenanceInfo {
  by: string;
  at: string;
  reason?: string;
}

/** One file write on one host: the instance's move value. */
export interface MoveWrite {
  host: string;
  instance: string;
  value: number;
}

/** track_file weight 1: a value of −254 puts the instance in FAULT (keepalived: a result below −253). */
export const RELEASE_VALUE = -254;
/** The highest priority tracking can give (255 is the address owner's). */
export const MAX_PRIORITY = 254;

/**
 * A planned switchover of one instance, decided before anything is touched:
 *  1. prepare — lower every other director that would outbid the target once the holder leaves;
 *  2. release — the holder's move file to −254: FAULT, it sends priority 0 and drops the VIP, the
 *     highest backup (the target) takes over after Skew_Time, not Master_Down_Interval;
 *  3. settle  — the holder's final value: below the target when preempt would take the VIP back.
 * `undo` puts every file back as it was (Ctrl-C before the VIP moved).
 */
export interface MovePlan {
  instance: string;
  holder: string;
  target: string;
  prepare: MoveWrite[];
  release: MoveWrite;
  settle: MoveWrite[];
  undo: MoveWrite[];
  /** Effective priorities after the move, per director (base + move value). */
  after: Record<string, number>;
}

/** Why a day-2 command will not go on; `usage`: the request itself is wrong (exit 64). */
export interface Refusal {
  code: 'not-member' | 'unknown-instance' | 'unreachable' | 'unhealthy' | 'split-brain' | 'no-holder' | 'address-owner' | 'in-maintenance' | 'last-director' | 'last-realserver' | 'sync-group' | 'verify';
  message: string;
  hint?: string;
  usage: boolean;
}
