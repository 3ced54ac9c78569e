import { error, warning, type Diagnostic } from '../../diagnostics/index.js';
import { whereUnder, rawAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/** Health-check fields that cannot work, or that the check type ignores. */
export const healthCheck: Rule = {
  code: 'health-check',
  summary: 'health-check fields that cannot work or are ignored by the check type',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    const out: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const s of c.services) {
      const key = JSON.stringify(s.source?.path);
      if (seen.has(key)) continue;
      seen.add(key);
      const h = s.healthCheck;
      const hc = ['health_check'];
      if (h.type === 'HTTP_GET' && !h.path.startsWith('/')) {
        out.push(error('health-check', `path ${h.path} does not start with /`, whereUnder(inv, s.source, [...hc, 'path']), `write /${h.path}`));
      }
      if (h.type !== 'HTTP_GET') {
        for (const k of ['path', 'status'] as const) {
          if (rawAt(inv, s.source, [...hc, k]) !== undefined) {
            out.push(warning('health-check', `${k} is ignored by ${h.type}`, whereUnder(inv, s.source, [...hc, k]), `remove ${k}, or use type: HTTP_GET`));
          }
        }
      }
      if (h.type !== 'NONE' && h.connectTimeoutSec >= h.delayLoopSec) {
        out.push(warning('health-check', `connect_timeout ${h.connectTimeoutSec} s is not below delay_loop ${h.delayLoopSec} s: checks overlap`,
          whereUnder(inv, s.source, [...hc, 'connect_timeout']), 'make connect_timeout shorter than delay_loop'));
      }
    }
    return out;
  }),
};
