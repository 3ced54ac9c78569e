import { hostHasChanges } from './plan.js';
import type { Plan } from './types.js';

/**
 * The order deploy will follow, in plan's words: one lane per cluster (its directors one at a
 * time), realserver batches one after another, hosts in no cluster at once. Apply's
 * `rollingOrder` decides it from the same plan and facts deploy uses; this is what `plan` shows.
 * Deploy looks at VIP placement again once it holds a cluster's lock and puts a holder last
 * then too, so a VIP that moved in between changes the order there, not here.
 */
export interface RolloutOrder {
  lanes: { cluster: string; directors: string[]; holderLast: boolean }[];
  batches: string[][];
  free: string[];
}

/**
 * The hosts deploy runs its script on: all but the planned ones with nothing to change and a
 * current deploy record (apply/deploy.ts makes the same cut; unreachable hosts stay in and fail
 * there, as they would in a deploy).
 */
export function hostsToDeploy(plan: Plan): string[] {
  return plan.hosts.filter((h) => !(h.status === 'planned' && !hostHasChanges(h) && h.recordCurrent)).map((h) => h.host);
}

/** The order as text, after the plan's own: empty when deploy would run nothing. */
export function renderRolloutText(o: RolloutOrder): string {
  if (o.lanes.length === 0 && o.batches.length === 0 && o.free.length === 0) return '';
  const lines = ['Rolling order (deploy checks VIP placement again under each cluster lock):'];
  for (const l of o.lanes) {
    lines.push(`  cluster ${l.cluster}: ${l.directors.join(' → ')} (${l.holderLast ? 'VIP holder last' : 'no VIP held yet: highest priority first'})`);
  }
  if (o.batches.length > 0) lines.push(`  realservers: ${o.batches.map((b) => `[${b.join(', ')}]`).join(' then ')}`);
  if (o.free.length > 0) lines.push(`  other hosts, at once: ${o.free.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
