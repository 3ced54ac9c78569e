import { error } from '../../diagnostics/index.js';
import { whereUnder } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/** RFC 5798 removed authentication; keepalived ignores auth_pass with vrrp_version 3. */
export const authV3: Rule = {
  code: 'auth-v3',
  summary: 'auth_pass with VRRPv3 (v3 has no authentication)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    const i = c.instances[0];
    if (!i || i.version !== 3 || i.authPass === undefined) return [];
    return [error('auth-v3', 'VRRPv3 has no authentication; the password would be ignored', whereUnder(inv, c.source, ['vrrp', 'auth_pass']),
      'remove auth_pass, or use version: 2')];
  }),
};
