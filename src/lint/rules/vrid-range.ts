import { vridRangeFindings } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const vridRange: Rule = {
  code: 'vrid-range',
  summary: 'VRID outside 1–255',
  check: ({ inv, topology }) => vridRangeFindings(inv, topology),
};
