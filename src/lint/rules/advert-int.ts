import { error } from '../../diagnostics/index.js';
import { at } from '../at.js';
import type { Rule } from '../rule.js';

/** v2 carries whole seconds in one byte (RFC 3768 §5.3.7); v3 centiseconds in 12 bits (RFC 5798 §5.2.7). */
export const advertInt: Rule = {
  code: 'advert-int',
  summary: 'advert_int not representable in the VRRP version (v2: 1–255 s; v3: 0.01–40.95 s)',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    const i = c.instances[0];
    if (!i) return [];
    const a = i.advertInt;
    const where = at(inv, c.source, ['vrrp', 'advert_int']);
    if (i.version === 2 && !(Number.isInteger(a) && a >= 1 && a <= 255)) {
      return [error('advert-int', `${a} is not a whole number of seconds in 1–255 (VRRPv2)`, where,
        Number.isInteger(a) ? 'use 1–255' : 'use whole seconds, or version: 3 for sub-second adverts')];
    }
    const cs = Math.round(a * 100);
    if (i.version === 3 && !(cs >= 1 && cs <= 4095 && Math.abs(a * 100 - cs) < 1e-6)) {
      return [error('advert-int', `${a} is not in 0.01–40.95 seconds in 0.01 steps (VRRPv3)`, where, 'use e.g. 0.1, 1 or 40.95')];
    }
    return [];
  }),
};
