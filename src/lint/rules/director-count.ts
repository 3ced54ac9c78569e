import { warning } from '../../diagnostics/index.js';
import { at } from '../at.js';
import type { Rule } from '../rule.js';

export const directorCount: Rule = {
  code: 'director-count',
  summary: 'a cluster with one director (no HA)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) =>
    c.directors.length === 1 ? [warning('director-count', `cluster ${c.name} has one director (${c.directors[0]}): no failover`, at(inv, c.source, ['directors']),
      'add a second director so VRRP has a backup to fail over to')] : []),
};
