import { warning } from '../../diagnostics/index.js';
import { whereUnder } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const preemptDelayNeedsPreempt: Rule = {
  code: 'preempt-delay-needs-preempt',
  summary: 'preempt_delay set while preempt is false (no effect)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    const i = c.instances[0];
    if (!i || i.preempt || i.preemptDelaySec === 0) return [];
    return [warning('preempt-delay-needs-preempt', `preempt_delay ${i.preemptDelaySec} has no effect with preempt: false`, whereUnder(inv, c.source, ['vrrp', 'preempt_delay']),
      'remove preempt_delay, or set preempt: true to preempt after the delay')];
  }),
};
