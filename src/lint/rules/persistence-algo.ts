import { error, warning, type Diagnostic } from '../../diagnostics/index.js';
import { whereUnder } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * LVS persistence pins a client to a realserver for a while; with a hashing scheduler (sh, dh)
 * it adds nothing; nginx has no timed persistence at all (ip_hash is its only stickiness).
 */
export const persistenceAlgo: Rule = {
  code: 'persistence-algo',
  summary: 'persistence_timeout with a scheduler or mode where it does nothing',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    const out: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const s of c.services) {
      const key = JSON.stringify(s.source?.path);
      if (s.persistenceTimeoutSec === 0 || seen.has(key)) continue;
      seen.add(key);
      const where = whereUnder(inv, s.source, ['persistence_timeout']);
      if (c.mode === 'nginx') {
        out.push(error('persistence-algo', 'nginx mode has no persistence_timeout', where, 'remove it; use lb_algo: sh (ip_hash) to keep clients on one realserver'));
      } else if (s.lbAlgo === 'sh' || s.lbAlgo === 'dh') {
        out.push(warning('persistence-algo', `persistence_timeout adds nothing to ${s.lbAlgo}, which already hashes clients to one realserver`, where, 'remove persistence_timeout, or use rr/wlc'));
      }
    }
    return out;
  }),
};
