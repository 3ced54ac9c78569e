import { error } from '../../diagnostics/index.js';
import type { VrrpInstance } from '../../topology/index.js';
import { whereUnder } from '../../topology/index.js';
import type { Rule } from '../rule.js';
import { segmentsOf, segmentText } from '../segments.js';

/** Two VRRP routers with one VRID on one segment fight over the same virtual MAC (00:00:5e:00:01:VRID). */
export const vridUnique: Rule = {
  code: 'vrid-unique',
  summary: 'a VRID used twice on one L2 segment (across clusters too)',
  check: ({ inv, topology }) => {
    const byVrid = new Map<number, { inst: VrrpInstance; segments: Set<string> }[]>();
    const out = [];
    for (const c of topology.clusters) {
      for (const inst of c.instances) {
        const segments = segmentsOf(inst);
        const earlier = byVrid.get(inst.vrid) ?? [];
        const clash = earlier.find((e) => [...segments].some((s) => e.segments.has(s)));
        if (clash) {
          const shared = [...segments].find((s) => clash.segments.has(s))!;
          out.push(error('vrid-unique', `VRID ${inst.vrid} of ${inst.name} is also used by ${clash.inst.name} (cluster ${clash.inst.cluster}) on ${segmentText(shared)}`,
            whereUnder(inv, inst.source, ['vrid']), 'give each VRRP instance on a segment its own VRID (1–255)'));
        }
        earlier.push({ inst, segments });
        byVrid.set(inst.vrid, earlier);
      }
    }
    return out;
  },
};
