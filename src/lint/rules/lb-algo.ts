import { error } from '../../diagnostics/index.js';
import { whereUnder } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/** What an nginx upstream can do: rr (default), wrr (weights), lc/wlc (least_conn, weighted), sh (ip_hash). */
export const NGINX_ALGOS = new Set(['rr', 'wrr', 'lc', 'wlc', 'sh']);

export const lbAlgo: Rule = {
  code: 'lb-algo',
  summary: 'a scheduler the mode cannot do (nginx: rr, wrr, lc, wlc, sh)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    if (c.mode !== 'nginx') return [];
    const seen = new Set<string>();
    return c.services.flatMap((s) => {
      const key = JSON.stringify(s.source?.path);
      if (NGINX_ALGOS.has(s.lbAlgo) || seen.has(key)) return [];
      seen.add(key);
      return [error('lb-algo', `nginx mode has no ${s.lbAlgo} scheduler`, whereUnder(inv, s.source, ['lb_algo']),
        'use rr, wrr (server weights), lc or wlc (least_conn) or sh (ip_hash), or an lvs mode')];
    });
  }),
};
