import { error, type Diagnostic } from '../../diagnostics/index.js';
import { parseAddress } from '../../topology/index.js';
import { hostVarAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * Unicast VRRP sends to the listed peers from unicast_src_ip; a peer list that is not exactly the
 * other directors, or a source that is not the director's own address, loses adverts.
 */
export const unicastPeers: Rule = {
  code: 'unicast-peers',
  summary: "unicast peers are not the other directors' addresses, or unicast_src_ip is not the director's own",
  check: ({ inv, topology }) => {
    const out: Diagnostic[] = [];
    const ownerOf = new Map<string, string>();
    for (const h of inv.hosts.values()) if (typeof h.vars.ansible_host === 'string') ownerOf.set(h.vars.ansible_host, h.name);
    for (const c of topology.clusters) {
      for (const i of c.instances) {
        // Without unicast, unicast_src_ip still names the director's address (VrrpMember.address).
        if (!i.unicast) continue;
        const seen = new Map<string, string>();
        for (const m of i.members) {
          const src = m.unicastSrcIp ?? m.address;
          const where = inv.hosts.get(m.host)?.vars.unicast_src_ip !== undefined ? hostVarAt(inv, m.host, 'unicast_src_ip') : hostVarAt(inv, m.host, 'ansible_host');
          const owner = ownerOf.get(src);
          if (!parseAddress(src)) {
            out.push(error('unicast-peers', `${m.host}'s unicast address ${src} is not an IP address`, where, 'set unicast_src_ip (or ansible_host) to the director\'s address on the VRRP interface'));
          } else if (owner && owner !== m.host) {
            out.push(error('unicast-peers', `${m.host}'s unicast_src_ip ${src} is ${owner}'s address`, where, `use ${m.host}'s own address on ${m.interface || i.interface}`));
          } else if (i.vips.some((v) => v.address === src)) {
            out.push(error('unicast-peers', `${m.host}'s unicast_src_ip ${src} is a VIP of ${i.name}`, where, 'use the director\'s own address: the VIP moves'));
          } else if (seen.has(src)) {
            out.push(error('unicast-peers', `${m.host} and ${seen.get(src)} both send from ${src} in ${i.name}`, where, 'every director needs its own unicast_src_ip'));
          }
          seen.set(src, m.host);
          const expected = i.members.filter((o) => o !== m).map((o) => o.unicastSrcIp ?? o.address);
          if (JSON.stringify([...m.unicastPeers].sort()) !== JSON.stringify([...expected].sort())) {
            out.push(error('unicast-peers', `${m.host}'s peers ${m.unicastPeers.join(', ')} are not the other directors (${expected.join(', ')})`, where,
              'let hafleet derive unicast peers from the directors'));
          }
        }
      }
    }
    return out;
  },
};
