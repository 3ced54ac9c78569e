import type { Plan, ValidationOutcome } from './types.js';
import { summarize } from './summary.js';

/** The plan with on-host validation outcomes attached (they come from apply's validator, I/O). */
export function withValidations(plan: Plan, outcomes: ReadonlyMap<string, ValidationOutcome[]>): Plan {
  const hosts = plan.hosts.map((h) => (h.status === 'planned' && outcomes.has(h.host) ? { ...h, validations: [...outcomes.get(h.host)!] } : h));
  return { ...plan, hosts, summary: summarize(hosts) };
}
