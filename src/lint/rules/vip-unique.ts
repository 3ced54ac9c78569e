import { error } from '../../diagnostics/index.js';
import type { Rule } from '../rule.js';

export const vipUnique: Rule = {
  code: 'vip-unique',
  summary: 'a VIP in two instances',
  check: ({ topology }) => {
    const seen = new Map<string, string>();
    return topology.clusters.flatMap((c) => c.instances.flatMap((i) => i.vips.flatMap((v) => {
      const first = seen.get(v.address);
      if (first === undefined) {
        seen.set(v.address, i.name);
        return [];
      }
      return [error('vip-unique', `${v.address} is also a VIP of ${first}`, v.where,
        'two VRRP instances would each make a master carry it; keep each VIP in one instance')];
    })));
  },
};
