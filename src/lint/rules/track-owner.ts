import { warning } from '../../diagnostics/index.js';
import { priorityAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * keepalived 2.2 drops every weighted track script of the address owner: "(VI_1) ignoring tracked
 * script chk_nginx with weights due to address_owner". A dead nginx on the owner never moves the
 * VIP, and keepalived -t passes (it is not an error).
 */
export const trackOwner: Rule = {
  code: 'track-owner',
  summary: 'a weighted track script on the address owner (priority 255): keepalived ignores it',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => c.instances.flatMap((i) => {
    const weighted = c.trackScripts.filter((s) => s.weight !== 0 && i.trackScripts.includes(s.name));
    if (weighted.length === 0) return [];
    // A 255 that owns nothing is priority-range's error already.
    return i.members.filter((m) => m.priority === 255 && i.vips.some((v) => v.address === m.address)).map((m) =>
      warning('track-owner', `${i.name}: ${m.host} has priority 255 (address owner): keepalived ignores its weighted track script${weighted.length > 1 ? 's' : ''} ${weighted.map((s) => s.name).join(', ')}, so a failing check never moves the VIP`,
        priorityAt(inv, i, m), `give ${m.host} a priority below 255 (and a VIP that is not its own address), or track with weight: 0 (a failure is FAULT)`));
  })),
};
