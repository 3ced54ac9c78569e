import { warning } from '../../diagnostics/index.js';
import { whereUnder } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * weight 0 is not "check without effect": keepalived puts an instance whose weight-0 track script
 * fails into FAULT (priority 0, VIP released). When the check fails on every director at once (a
 * shared upstream, a bad deploy), nobody holds the VIP.
 */
export const trackWeightZero: Rule = {
  code: 'track-weight-zero',
  summary: 'track script weight 0: a failure is FAULT (the VIP is released), not "no effect"',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => c.trackScripts.filter((s) => s.weight === 0 && c.instances.some((i) => i.trackScripts.includes(s.name))).map((s) =>
    warning('track-weight-zero', `track script ${s.name} has weight 0: keepalived puts a director whose ${s.name} fails into FAULT and releases the VIP; if it fails on every director, nobody holds it`,
      whereUnder(inv, c.source, ['track', 'nginx', 'weight']), 'use a negative weight (e.g. -60) to hand the VIP to a healthy director and keep it when all fail; keep 0 only if no VIP is wanted then'))),
};
