import { error, type Diagnostic } from '../../diagnostics/index.js';
import type { Inventory } from '../../inventory/types.js';
import { addressText, parseAddress, whereUnder, type Cluster } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/** Every address a director of the cluster answers on: its VRRP addresses, ansible_host and the VIPs. */
function directorAddresses(inv: Inventory, c: Cluster): Map<string, string> {
  const out = new Map<string, string>();
  const add = (text: unknown, who: string) => {
    const a = typeof text === 'string' ? parseAddress(text) : undefined;
    if (a && !out.has(addressText(a))) out.set(addressText(a), who);
  };
  for (const i of c.instances) {
    for (const m of i.members) add(m.address, `director ${m.host}`);
    for (const v of i.vips) add(v.address, `VIP ${v.address}`);
  }
  for (const d of c.directors) add(inv.hosts.get(d)?.vars.ansible_host, `director ${d}`);
  return out;
}

/**
 * In nginx mode nginx on each director listens on every service port on all addresses: a
 * realserver that is a director of the cluster (the same host, or one of its addresses, or a
 * VIP) on such a port is nginx proxying to itself, which loops until the worker connections run
 * out. A director running a backend on another port is fine.
 */
export const nginxProxyLoop: Rule = {
  code: 'nginx-proxy-loop',
  summary: 'nginx mode: a realserver that is a director (same host, address or VIP) on a port nginx listens on',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    if (c.mode !== 'nginx') return [];
    const listened = new Set(c.services.map((s) => s.port));
    const addresses = directorAddresses(inv, c);
    const out: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const s of c.services) {
      for (const rs of s.realServers) {
        if (!listened.has(rs.port)) continue;
        const a = parseAddress(rs.address);
        const who = c.directors.includes(rs.host) ? `director ${rs.host}` : a ? addresses.get(addressText(a)) : undefined;
        const key = `${rs.host}:${rs.port}`;
        if (!who || seen.has(key)) continue;
        seen.add(key);
        out.push(error('nginx-proxy-loop', `realserver ${rs.host} (${rs.address}:${rs.port}) is ${who}, where nginx listens on port ${rs.port}: nginx would proxy to itself`,
          { ...whereUnder(inv, c.source, ['realservers']), host: rs.host },
          'use realservers other than the directors, or give the backend on the director another realserver_port'));
      }
    }
    return out;
  }),
};
