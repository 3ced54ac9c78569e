import { error } from '../../diagnostics/index.js';
import type { Rule } from '../rule.js';
import { priorityAt } from '../priority-at.js';

/** RFC 3768 §5.3.4: 255 is the address owner's; 0 means "leaving"; others use 1–254. */
export const priorityRange: Rule = {
  code: 'priority-range',
  summary: 'priority outside 1–254 (255 only for the owner of the VIPs)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => c.instances.flatMap((i) => i.members.flatMap((m) => {
    if (m.priority >= 1 && m.priority <= 254) return [];
    if (m.priority === 255 && i.vips.some((v) => v.address === m.address)) return [];
    const hint = m.priority === 255
      ? `255 is for the router that owns the VIP as its own address; ${m.host} does not: use 1–254`
      : 'use 1–254, higher for the director that should be master';
    return [error('priority-range', `priority ${m.priority} of ${m.host} in ${i.name} is outside 1–254`, priorityAt(inv, i, m), hint)];
  }))),
};
