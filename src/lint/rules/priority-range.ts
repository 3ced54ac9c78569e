import { priorityRangeFindings } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const priorityRange: Rule = {
  code: 'priority-range',
  summary: 'priority outside 1–254 (255 only for the owner of the VIPs)',
  check: ({ inv, topology }) => priorityRangeFindings(inv, topology),
};
