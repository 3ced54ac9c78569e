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
/**
 * The target's priority during a move, unless its own is higher. Skew_Time at it is
 * (256 − 230)/256 × advert_int ≈ 100 ms: the backup waits that long after the holder's priority-0
 * advert. Not the highest possible (254, ≈ 8 ms): keepalived sends the priority-0 advert before it
 * deletes the VIP (vrrp.c vrrp_restore_interface: advert, rules, routes, then addresses), so a
 * takeover quicker than that deletion makes two holders for a moment — seen once for 24.6 ms with a
 * 254 bid on a machine at load 20. 100 ms is the margin; SYNs in the gap are held, not lost (linger.ts).
 */
export const BID_PRIORITY = 230;

/** The move value that raises a member of base priority `base` to the bid (never lowers it). */
export function bidValue(base: number): number {
  return Math.max(0, BID_PRIORITY - base);
}

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
