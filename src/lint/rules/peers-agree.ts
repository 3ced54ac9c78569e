import { error, type Diagnostic } from '../../diagnostics/index.js';
import { whereAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';
import { instanceView, PEER_FIELDS } from '../views.js';

/**
 * Directors of one instance that read different VRRP settings (a host_vars override of
 * hafleet_clusters) drop each other's adverts (RFC 3768 §7.1) and both become master.
 */
export const peersAgree: Rule = {
  code: 'peers-agree',
  summary: 'directors of one instance disagree on VRID, VIPs, version, advert_int or auth_pass',
  check: ({ inv, topology }) => {
    const out: Diagnostic[] = [];
    for (const c of topology.clusters) {
      for (const inst of c.instances) {
        const ref = inst.members[0] && instanceView(inv, inst, inst.source?.host ?? '');
        if (!ref) continue;
        for (const m of inst.members) {
          const view = instanceView(inv, inst, m.host);
          if (!view || view.variant === ref.variant) continue;
          for (const f of PEER_FIELDS) {
            const mine = JSON.stringify(f.read(view));
            const theirs = JSON.stringify(f.read(ref));
            if (mine === theirs) continue;
            const what = f.secret ? `${f.name} differs from the one ${ref.variant.host} has` : `${f.name} is ${mine} here but ${theirs} on ${ref.variant.host}`;
            out.push(error('peers-agree', `${inst.name}: ${what}`, { ...whereAt(inv, view.variant.host, f.sub(view)), host: m.host },
              'define the cluster once (hafleet_clusters in group_vars/all.yml) so every director reads the same VRRP settings'));
          }
        }
      }
    }
    return out;
  },
};
