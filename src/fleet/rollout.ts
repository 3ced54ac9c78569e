import type { AddressFact } from '../facts/index.js';
import { hostsToDeploy, type FactsByHost, type Plan, type RolloutOrder } from '../plan/index.js';
import { rollingOrder } from '../apply/index.js';
import type { Fleet } from './load.js';

/**
 * The order deploy would follow for this plan: apply's own `rollingOrder`, given what deploy
 * gives it (the hosts it would run, the topology, where the VIPs are per the facts).
 */
export function rolloutOf(fleet: Pick<Fleet, 'topology'>, facts: FactsByHost, plan: Plan): RolloutOrder {
  const addresses = new Map<string, AddressFact[]>();
  for (const [host, f] of facts) if (f.ok) addresses.set(host, f.value.addresses);
  const o = rollingOrder(hostsToDeploy(plan), fleet.topology, addresses);
  return { lanes: o.lanes.map((l) => ({ cluster: l.cluster, directors: l.hosts, holderLast: l.served })), batches: o.batches, free: o.free };
}
