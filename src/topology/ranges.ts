import { error, type Diagnostic } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';
import type { Topology } from './types.js';
import { varEvents } from './walk.js';
import { whereAt } from './where.js';
import { priorityAt, whereUnder } from './where-under.js';

/**
 * Values of the right type but outside what keepalived/nginx accept. buildTopology refuses them
 * (a model that cannot be rendered) and lint reports them under the same codes.
 */

/** Numeric ranges from the key table; keys with their own check (vrid, priority) are left to it. */
export function valueRangeFindings(inv: Inventory): Diagnostic[] {
  return varEvents(inv).flatMap((e) => {
    if (e.kind !== 'value' || (e.spec.type !== 'integer' && e.spec.type !== 'number') || e.spec.ownRule) return [];
    const { min, max } = e.spec;
    const v = e.value as number;
    if ((min === undefined || v >= min) && (max === undefined || v <= max)) return [];
    const range = `${min ?? '−∞'}–${max ?? '∞'}`;
    return [error('value-range', `${v} is outside ${range}`, whereAt(inv, e.host, e.path), `use a value in ${range}`)];
  });
}

export function vridRangeFindings(inv: Inventory, topology: Topology): Diagnostic[] {
  return topology.clusters.flatMap((c) => c.instances.flatMap((i) =>
    i.vrid >= 1 && i.vrid <= 255 ? [] : [error('vrid-range', `${i.vrid} is outside 1–255`, whereUnder(inv, i.source, ['vrid']),
      'VRRP carries the VRID in one byte and 0 is reserved; pick 1–255, unique per network segment')]));
}

/** RFC 3768 §5.3.4: 255 is the address owner's; 0 means "leaving"; others use 1–254. */
export function priorityRangeFindings(inv: Inventory, topology: Topology): Diagnostic[] {
  return topology.clusters.flatMap((c) => c.instances.flatMap((i) => i.members.flatMap((m) => {
    if (m.priority >= 1 && m.priority <= 254) return [];
    if (m.priority === 255 && i.vips.some((v) => v.address === m.address)) return [];
    const hint = m.priority === 255
      ? `255 is for the router that owns the VIP as its own address; ${m.host} does not: use 1–254`
      : 'use 1–254, higher for the director that should be master';
    return [error('priority-range', `priority ${m.priority} of ${m.host} in ${i.name} is outside 1–254`, priorityAt(inv, i, m), hint)];
  })));
}

/** v2 carries whole seconds in one byte (RFC 3768 §5.3.7); v3 centiseconds in 12 bits (RFC 5798 §5.2.7). */
export function advertIntFindings(inv: Inventory, topology: Topology): Diagnostic[] {
  return topology.clusters.flatMap((c) => {
    const i = c.instances[0];
    if (!i) return [];
    const a = i.advertInt;
    const where = whereUnder(inv, c.source, ['vrrp', 'advert_int']);
    if (i.version === 2 && !(Number.isInteger(a) && a >= 1 && a <= 255)) {
      return [error('advert-int', `${a} is not a whole number of seconds in 1–255 (VRRPv2)`, where,
        Number.isInteger(a) ? 'use 1–255' : 'use whole seconds, or version: 3 for sub-second adverts')];
    }
    const cs = Math.round(a * 100);
    if (i.version === 3 && !(cs >= 1 && cs <= 4095 && Math.abs(a * 100 - cs) < 1e-6)) {
      return [error('advert-int', `${a} is not in 0.01–40.95 seconds in 0.01 steps (VRRPv3)`, where, 'use e.g. 0.1, 1 or 40.95')];
    }
    return [];
  });
}
