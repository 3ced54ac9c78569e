import { maskText, plan as makePlan, withValidations, type FactsByHost, type Plan, type ValidationOutcome } from '../plan/index.js';
import { validatePlanOnHosts } from '../apply/index.js';
import type { Transport } from '../transport/index.js';
import { gatherFleetFacts } from './facts.js';
import type { Fleet } from './load.js';
import { drainedRealservers, settleDrained } from './maintenance.js';

export interface PlanFleetOptions {
  forks: number;
  signal?: AbortSignal;
  /** Check each changed file on its host with the real tool (plan does; deploy validates while it runs). */
  validate: boolean;
  /** Ask every host, also realservers the directors' realserver ledger vouches for. */
  contactAll?: boolean;
}

export interface PlannedFleet {
  facts: FactsByHost;
  plan: Plan;
  /** Realservers in maintenance, as their hosts say: rendered drained (nginx `down`, LVS weight 0). */
  maintenance: string[];
}

/**
 * Gather facts and plan; with `validate`, each host is validated as soon as its own facts are in,
 * while the others are still being read (validation messages masked with the fleet's secrets).
 * The caller owns the transport.
 */
export async function planFleet(fleet: Fleet, transport: Transport, o: PlanFleetOptions): Promise<PlannedFleet> {
  const signal = o.signal ? { signal: o.signal } : {};
  const checks: Promise<Map<string, ValidationOutcome[]>>[] = [];
  const facts = await gatherFleetFacts(fleet, transport, {
    forks: o.forks,
    ...signal,
    ...(o.contactAll ? { contactAll: true } : {}),
    onHost: (host, got) => {
      if (!o.validate || !got.ok) return;
      const one = makePlan(new Map([[host, fleet.desired.get(host)!]]), new Map([[host, got]]));
      checks.push(validatePlanOnHosts(one, fleet.desired, transport, fleet.refs, { forks: 1, ...signal }));
    },
  });
  // The directors' upstreams follow the realservers' maintenance flags (state on the hosts):
  // the desired state is rendered again with them, and validated again as a whole.
  const maintenance = await drainedRealservers(fleet, transport, facts, { forks: o.forks, ...signal, ...(o.contactAll ? { contactAll: true } : {}) });
  settleDrained(fleet, maintenance);
  let p = makePlan(fleet.desired, facts);
  if (o.validate) {
    const outcomes = new Map<string, ValidationOutcome[]>();
    const done = maintenance.length ? [await validatePlanOnHosts(p, fleet.desired, transport, fleet.refs, { forks: o.forks, ...signal })] : await Promise.all(checks);
    if (maintenance.length) await Promise.all(checks); // the early checks saw the undrained files: let them end, unused
    for (const m of done) for (const [host, vs] of m) outcomes.set(host, vs.map((v) => ({ ...v, message: maskText(v.message, fleet.secrets) })));
    p = withValidations(p, outcomes);
  }
  return { facts, plan: p, maintenance };
}
