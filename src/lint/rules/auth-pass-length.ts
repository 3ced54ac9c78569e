import { error } from '../../diagnostics/index.js';
import { whereUnder } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/** keepalived copies auth_pass into the 8-byte field of the VRRPv2 header and drops the rest, silently. */
export const authPassLength: Rule = {
  code: 'auth-pass-length',
  summary: 'auth_pass longer than 8 characters (keepalived truncates it)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    const pass = c.instances[0]?.authPass;
    if (pass === undefined || pass.length <= 8) return [];
    return [error('auth-pass-length', `${pass.length} characters; keepalived uses only the first 8`, whereUnder(inv, c.source, ['vrrp', 'auth_pass']),
      'shorten it to 8 characters so what you wrote is what is checked')];
  }),
};
