import type { Stmt } from './conf-tree.js';

/** One `vrrp_sync_group` block as keepalived reads it. */
export interface SyncGroupBlock {
  name: string;
  /** The instance names listed in its `group { }`. */
  instances: string[];
  /**
   * `sync_group_tracking_weight` (or the deprecated `global_tracking`) in the block: without it
   * keepalived ignores the weights of its members' tracked scripts and files (a failure is FAULT).
   */
  trackingWeight: boolean;
  line: number;
}

/** The sync groups among top-level statements (pure; shared by ops' moves and lint). */
export function syncGroupBlocks(stmts: readonly Stmt[]): SyncGroupBlock[] {
  return stmts.filter((s) => s.keyword === 'vrrp_sync_group' && s.args[0]).map((s) => ({
    name: s.args[0]!.text,
    instances: (s.block ?? []).filter((a) => a.keyword === 'group').flatMap((a) => (a.block ?? []).flatMap((m) => [m.keyword, ...m.args.map((t) => t.text)])),
    trackingWeight: (s.block ?? []).some((a) => a.keyword === 'sync_group_tracking_weight' || a.keyword === 'global_tracking'),
    line: s.where.line ?? 0,
  }));
}
