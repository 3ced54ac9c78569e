import { error, warning } from '../../diagnostics/index.js';
import { whereUnder, rawAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const directorCount: Rule = {
  code: 'director-count',
  summary: 'a cluster with one director (no HA: warning) or none (error)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    if (c.directors.length === 1) {
      return [warning('director-count', `cluster ${c.name} has one director (${c.directors[0]}): no failover`, whereUnder(inv, c.source, ['directors']),
        'add a second director so VRRP has a backup to fail over to')];
    }
    // An empty group is empty-group's finding; an empty list is ours.
    if (c.directors.length === 0 && Array.isArray(rawAt(inv, c.source, ['directors']))) {
      return [error('director-count', `cluster ${c.name} lists no directors`, whereUnder(inv, c.source, ['directors']), 'list two or more directors')];
    }
    return [];
  }),
};
