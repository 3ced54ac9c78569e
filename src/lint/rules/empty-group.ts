import { error, type Diagnostic } from '../../diagnostics/index.js';
import { whereUnder, rawAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const emptyGroup: Rule = {
  code: 'empty-group',
  summary: 'directors or realservers name a group without hosts',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    const out: Diagnostic[] = [];
    for (const [key, hosts] of [['directors', c.directors], ['realservers', c.realservers]] as const) {
      const raw = rawAt(inv, c.source, [key]);
      if (typeof raw === 'string' && hosts.length === 0 && inv.groups.has(raw)) {
        out.push(error('empty-group', `group ${raw} has no hosts`, whereUnder(inv, c.source, [key]), `add hosts to ${raw} in the inventory, or name another group`));
      }
    }
    return out;
  }),
};
