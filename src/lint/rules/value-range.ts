import { valueRangeFindings } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const valueRange: Rule = {
  code: 'value-range',
  summary: 'numbers outside the range the key table gives',
  check: ({ inv }) => valueRangeFindings(inv),
};
