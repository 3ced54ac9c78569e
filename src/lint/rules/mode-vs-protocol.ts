import { error } from '../../diagnostics/index.js';
import { whereUnder } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const modeVsProtocol: Rule = {
  code: 'mode-vs-protocol',
  summary: 'UDP services in nginx mode (an HTTP proxy)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    if (c.mode !== 'nginx') return [];
    const seen = new Set<string>();
    return c.services.flatMap((s) => {
      const key = JSON.stringify(s.source?.path);
      if (s.protocol !== 'UDP' || seen.has(key)) return [];
      seen.add(key);
      return [error('mode-vs-protocol', `nginx mode proxies HTTP over TCP; port ${s.port}/UDP cannot be served`, whereUnder(inv, s.source, ['protocol']),
        'use mode: lvs-dr or lvs-nat for UDP services')];
    });
  }),
};
