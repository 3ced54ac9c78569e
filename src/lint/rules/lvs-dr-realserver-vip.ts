import { error, warning, type Diagnostic } from '../../diagnostics/index.js';
import { inSubnet } from '../../topology/index.js';
import { whereUnder } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * LVS-DR forwards by rewriting only the MAC: every realserver must carry the VIP on lo with ARP
 * suppressed (the realserver role), sit on the VIP's segment, and listen on the service port.
 * A director that is also a realserver would suppress ARP for the VIP it must announce.
 */
export const lvsDrRealserverVip: Rule = {
  code: 'lvs-dr-realserver-vip',
  summary: 'lvs-dr realservers that cannot take the VIP on lo (director overlap, other segment, port remap)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    if (c.mode !== 'lvs-dr') return [];
    const out: Diagnostic[] = [];
    for (const h of c.realservers) {
      if (c.directors.includes(h)) {
        out.push(error('lvs-dr-realserver-vip', `${h} is both director and realserver of ${c.name}: its VIP on lo with arp_ignore breaks the director's ARP`,
          { ...whereUnder(inv, c.source, ['realservers']), host: h }, 'in lvs-dr keep directors and realservers apart, or use mode: nginx / lvs-nat'));
      } else if (!topology.roles.get(h)?.has('realserver')) {
        out.push(error('lvs-dr-realserver-vip', `${h} has no realserver role, so it never gets the VIP on lo`, { ...whereUnder(inv, c.source, ['realservers']), host: h },
          'list the host under realservers'));
      }
    }
    const seen = new Set<string>();
    for (const s of c.services) {
      const key = JSON.stringify(s.source?.path);
      if (seen.has(key)) continue;
      seen.add(key);
      const rs = s.realServers[0];
      if (rs && rs.port !== s.port) {
        out.push(error('lvs-dr-realserver-vip', `realserver_port ${rs.port} differs from port ${s.port}: direct routing cannot change the port`,
          whereUnder(inv, s.source, ['realserver_port']), 'use the same port on the realservers, or mode: lvs-nat'));
      }
    }
    const vips = c.instances.flatMap((i) => i.vips);
    for (const rs of c.services[0]?.realServers ?? []) {
      const away = vips.find((v) => !inSubnet(rs.address, v.address, v.prefix));
      if (away && /^[0-9.:a-fA-F]+$/.test(rs.address)) {
        out.push(warning('lvs-dr-realserver-vip', `${rs.host}'s address ${rs.address} is outside ${away.address}/${away.prefix}: direct routing needs the realservers on the VIP's segment`,
          { ...whereUnder(inv, c.source, ['realservers']), host: rs.host }, 'put the realservers on the directors\' L2 segment, or use mode: lvs-nat'));
      }
    }
    return out;
  }),
};
