import { error } from '../../diagnostics/index.js';
import { at } from '../at.js';
import type { Rule } from '../rule.js';

export const vridRange: Rule = {
  code: 'vrid-range',
  summary: 'VRID outside 1–255',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => c.instances.flatMap((i) =>
    i.vrid >= 1 && i.vrid <= 255 ? [] : [error('vrid-range', `${i.vrid} is outside 1–255`, at(inv, i.source, ['vrid']),
      'VRRP carries the VRID in one byte and 0 is reserved; pick 1–255, unique per network segment')])),
};
