import { error } from '../../diagnostics/index.js';
import { hostVarAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/** keepalived ignores nopreempt and preempt_delay unless the instance's state is BACKUP. */
export const nopreemptState: Rule = {
  code: 'nopreempt-state',
  summary: 'vrrp_state MASTER with nopreempt or preempt_delay (keepalived needs BACKUP)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => c.instances.flatMap((i) => {
    if (i.preempt && i.preemptDelaySec === 0) return [];
    const why = i.preempt ? `preempt_delay ${i.preemptDelaySec}` : 'nopreempt';
    return i.members.filter((m) => m.initialState === 'MASTER').map((m) =>
      error('nopreempt-state', `state MASTER in ${i.name} with ${why}: keepalived ignores ${i.preempt ? 'the delay' : 'nopreempt'} and preempts`,
        hostVarAt(inv, m.host, 'vrrp_state'), 'remove vrrp_state (hafleet starts every director BACKUP here), or set it to BACKUP'));
  })),
};
