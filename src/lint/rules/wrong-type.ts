import { varDiagnostic, varEvents } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const wrongType: Rule = {
  code: 'wrong-type',
  summary: 'values of the wrong type or outside an enum',
  check: ({ inv }) => varEvents(inv).flatMap((e) => (e.kind === 'wrong-type' ? [varDiagnostic(inv, e)] : [])),
};
