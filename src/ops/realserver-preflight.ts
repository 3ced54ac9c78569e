import type { Cluster } from '../topology/types.js';
import type { Refusal } from './types.js';

export interface RealserverCheck {
  clusters: readonly Cluster[];
  host: string;
  on: boolean;
  /** Realservers whose maintenance flag is set now (as their hosts say). */
  inMaintenance: ReadonlySet<string>;
  /** Realservers whose flag could not be read. */
  unreadable: readonly string[];
}

/** The clusters that send to `host` as a realserver, in topology order. */
export function clustersServedBy(clusters: readonly Cluster[], host: string): Cluster[] {
  return clusters.filter((c) => c.realservers.includes(host));
}

/**
 * Why draining `host` must not start: it would leave a service with no realserver in service (the
 * VIP would answer with the error page), or the flags that tell so cannot be read. `off` is never
 * refused for that: it only adds capacity. Pure.
 */
export function realserverPreflight(x: RealserverCheck): Refusal[] {
  const out: Refusal[] = [];
  if (!x.clusters.length) return [{ code: 'not-member', usage: true, message: `${x.host} is not a realserver of any cluster` }];
  if (x.unreadable.includes(x.host)) out.push({ code: 'unreachable', usage: false, message: `${x.host}: its maintenance flag cannot be read or written`, hint: 'check the SSH connection: hafleet verify' });
  if (!x.on) return out;
  const unknown = x.unreadable.filter((h) => h !== x.host && x.clusters.some((c) => c.realservers.includes(h)));
  if (unknown.length) out.push({ code: 'unreachable', usage: false, message: `cannot read the maintenance flag of ${unknown.join(', ')}: whether ${x.host} is the last realserver in service is unknown`, hint: 'bring them back or take them out of the inventory' });
  for (const c of x.clusters) for (const s of c.services) {
    if (!s.realServers.some((r) => r.host === x.host)) continue;
    const left = s.realServers.filter((r) => r.host !== x.host && !x.inMaintenance.has(r.host));
    if (!left.length) {
      out.push({ code: 'last-realserver', usage: false, message: `cluster ${c.name} ${s.vip}:${s.port}: ${x.host} is the last realserver in service there`, hint: `bring another one back first (hafleet maintenance HOST off)` });
    }
  }
  return out;
}
