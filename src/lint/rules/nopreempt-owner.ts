import { warning } from '../../diagnostics/index.js';
import { priorityAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * keepalived 2.2 on the address owner (priority 255) with nopreempt: "(VI_1) nopreempt is
 * incompatible with priority 255. resetting nopreempt" — the owner takes the VIP back whenever it
 * returns, which is exactly what nopreempt was written to stop.
 */
export const nopreemptOwner: Rule = {
  code: 'nopreempt-owner',
  summary: 'nopreempt on the address owner (priority 255): keepalived resets it and the owner preempts',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => c.instances.flatMap((i) => {
    if (i.preempt) return [];
    // A 255 that owns nothing is priority-range's error already.
    return i.members.filter((m) => m.priority === 255 && i.vips.some((v) => v.address === m.address)).map((m) =>
      warning('nopreempt-owner', `${i.name}: ${m.host} has priority 255 (address owner) and nopreempt: keepalived resets nopreempt and ${m.host} takes the VIP back whenever it returns`,
        priorityAt(inv, i, m), `give ${m.host} a priority below 255 (and a VIP that is not its own address) to keep nopreempt, or drop nopreempt`));
  })),
};

