import { error, type Diagnostic, type Where } from '../../diagnostics/index.js';
import { whereUnder, hostVarAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * What the TypeScript VRRP agent does not do (src/vrrp reads a keepalived.conf VRRP subset):
 * no virtual_server (LVS), no mail (smtp_alert: it reads the keyword and sends nothing). keepalived
 * must run those directors. (IPv6 VIPs it does, VRRPv3.)
 */
const MISSING: { what: (c: Parameters<Rule['check']>[0]['topology']['clusters'][number]) => string | undefined; hint: string }[] = [
  { what: (c) => (c.mode !== 'nginx' ? `LVS virtual servers (mode ${c.mode})` : undefined), hint: 'use vrrp_engine: keepalived for lvs clusters' },
  { what: (c) => (c.instances.some((i) => i.smtpAlert) ? 'mail on state changes (vrrp.smtp_alert): it would send none' : undefined), hint: 'send the mail from a notify script, or use vrrp_engine: keepalived' },
];

export const engineAgentFeatures: Rule = {
  code: 'engine-agent-features',
  summary: 'features the VRRP agent does not support (LVS virtual servers, smtp_alert)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    const agents = [...new Set(c.instances.flatMap((i) => i.members.filter((m) => m.engine === 'agent').map((m) => m.host)))];
    if (agents.length === 0) return [];
    // Cluster-wide agent: one finding at vrrp_engine; per-host overrides: one per host.
    const places: Where[] = c.engine === 'agent' && agents.every((h) => inv.hosts.get(h)?.vars.vrrp_engine === undefined)
      ? [whereUnder(inv, c.source, ['vrrp_engine'])]
      : agents.map((h) => (inv.hosts.get(h)?.vars.vrrp_engine !== undefined ? hostVarAt(inv, h, 'vrrp_engine') : { ...whereUnder(inv, c.source, ['vrrp_engine']), host: h }));
    const out: Diagnostic[] = [];
    for (const m of MISSING) {
      const what = m.what(c);
      if (what) for (const w of places) out.push(error('engine-agent-features', `the VRRP agent does not support ${what}`, w, m.hint));
    }
    return out;
  }),
};
