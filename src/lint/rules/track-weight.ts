import { error } from '../../diagnostics/index.js';
import { whereUnder, rawAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * A failing track script lowers the master by |weight|; unless that takes it below the next
 * director, a dead nginx keeps the VIP (keepalived: effective priority = priority + weight).
 */
export const trackWeight: Rule = {
  code: 'track-weight',
  summary: 'a failing track script does not take the master below the next director',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => c.trackScripts.flatMap((s) => {
    if (s.weight >= 0) return [];
    return c.instances.flatMap((i) => {
      if (!i.trackScripts.includes(s.name) || i.members.length < 2) return [];
      const [top, next] = [...i.members].sort((a, b) => b.priority - a.priority) as [typeof i.members[0], typeof i.members[0]];
      const left = top.priority + s.weight;
      if (left < next.priority) return [];
      return [error('track-weight', `${i.name}: ${top.host} ${top.priority} ${s.weight} = ${left} is not below ${next.host}'s ${next.priority}; a dead ${s.name} never demotes it`,
        // Point at the weight when written, else at the cluster that got the default.
        rawAt(inv, c.source, ['track', 'nginx', 'weight']) !== undefined ? whereUnder(inv, c.source, ['track', 'nginx', 'weight']) : whereUnder(inv, c.source, []), `use weight: ${next.priority - top.priority - 1} or lower, or lower ${top.host}'s priority`)];
    });
  })),
};
