import { error, warning, type Diagnostic } from '../../diagnostics/index.js';
import { hostBool, whereAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * `keepalived_script_security: false` keeps an adopted fleet's scripts running as they did (no
 * enable_script_security: keepalived runs a script whoever can write it, as script_user or root).
 * Allowed so the first deploy changes nothing, never silently: a warning on every such director
 * until the inventory drops the key. The VRRP agent always checks its scripts: an error there.
 */
export const scriptSecurityOff: Rule = {
  code: 'script-security-off',
  summary: 'keepalived_script_security: false — scripts run without keepalived\'s script security',
  check: ({ inv, topology }) => {
    const out: Diagnostic[] = [];
    for (const [host, roles] of topology.roles) {
      if (!roles.has('director')) continue;
      const vars = inv.hosts.get(host)?.vars ?? {};
      if (hostBool(vars['keepalived_script_security']) !== false) continue;
      const w = { ...whereAt(inv, host, ['keepalived_script_security'], true), host };
      const agent = topology.clusters.some((c) => c.instances.some((i) => i.members.some((m) => m.host === host && m.engine === 'agent')));
      out.push(agent
        ? error('script-security-off', 'false with vrrp_engine agent: the agent always checks its scripts (root-owned, not writable by others)', w, 'drop the key; make the scripts and their directories root-owned and not group/world-writable')
        : warning('script-security-off', 'false: keepalived runs the track/notify/check scripts without script security — whoever can write a script or its directory runs code as root', w,
          'make the scripts and their directories root-owned and not group/world-writable, then drop the key (plan shows `global_defs: enable_script_security added`)'));
    }
    return out;
  },
};
