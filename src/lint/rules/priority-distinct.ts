import { error } from '../../diagnostics/index.js';
import type { Rule } from '../rule.js';
import { priorityAt } from '../../topology/index.js';

/** Equal priorities are broken by the higher primary address (RFC 3768 §6.4.3): rarely what was meant. */
export const priorityDistinct: Rule = {
  code: 'priority-distinct',
  summary: 'two directors of one instance with the same priority',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => c.instances.flatMap((i) => i.members.flatMap((m, k) => {
    const first = i.members.slice(0, k).find((o) => o.priority === m.priority);
    return first ? [error('priority-distinct', `${m.host} and ${first.host} both have priority ${m.priority} in ${i.name}`, priorityAt(inv, i, m),
      'give each director its own priority; a tie is decided by the higher IP address')] : [];
  }))),
};
