import { error } from '../../diagnostics/index.js';
import { whereUnder, rawAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const missingRealservers: Rule = {
  code: 'missing-realservers',
  summary: 'a cluster without realservers',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    const raw = rawAt(inv, c.source, ['realservers']);
    if (raw === undefined) {
      return [error('missing-realservers', `cluster ${c.name} has no realservers`, whereUnder(inv, c.source, ['name']),
        'add realservers: a group name or a list of hosts the directors send traffic to')];
    }
    if (Array.isArray(raw) && raw.length === 0) {
      return [error('missing-realservers', `cluster ${c.name} lists no realservers`, whereUnder(inv, c.source, ['realservers']), 'list the hosts the directors send traffic to')];
    }
    return [];
  }),
};
