import { warning, type Diagnostic } from '../../diagnostics/index.js';
import { readTree, singleFile, syncGroupBlocks } from '../../keepalived-conf/index.js';
import { whereAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * A vrrp_sync_group (it comes verbatim, in extra_keepalived) without `sync_group_tracking_weight`:
 * keepalived then ignores the weights of its members' tracked scripts and files — each counts as
 * weight 0, so a failure is FAULT for the whole group instead of a lower priority. The
 * inventory's track.nginx weight, hafleet's maintenance file and its switchover move file all rely
 * on weights: maintenance moves such a group at the backups' own priority, and switchover refuses it.
 */
export const syncGroupTrackingWeight: Rule = {
  code: 'sync-group-tracking-weight',
  summary: 'vrrp_sync_group without sync_group_tracking_weight: track weights ignored, a failure is FAULT',
  check: ({ inv, topology }) => {
    const out: Diagnostic[] = [];
    for (const [host, roles] of topology.roles) {
      if (!roles.has('director')) continue;
      const text = inv.hosts.get(host)?.vars['extra_keepalived'];
      if (typeof text !== 'string') continue;
      for (const g of syncGroupsWithoutWeight(text)) {
        out.push(warning('sync-group-tracking-weight',
          `vrrp_sync_group ${g.name} (extra_keepalived line ${g.line}) has no sync_group_tracking_weight: keepalived ignores the weights of its instances' track scripts and files, so a failing check puts the whole group in FAULT, hafleet switchover refuses the group and maintenance moves it at the backups' own priority`,
          { ...whereAt(inv, host, ['extra_keepalived'], true), host },
          'add `sync_group_tracking_weight` inside the vrrp_sync_group block (keepalived ≥ 2.0)'));
      }
    }
    return out;
  },
};

/** The groups of a keepalived.conf text that lack the keyword, with their 1-based line: keepalived-conf's reader, as ops' moves read them. */
export function syncGroupsWithoutWeight(text: string): { name: string; line: number }[] {
  const file = 'extra_keepalived';
  return syncGroupBlocks(readTree(file, singleFile(file, text)).stmts).filter((g) => !g.trackingWeight).map((g) => ({ name: g.name, line: g.line }));
}
