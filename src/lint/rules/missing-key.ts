import { varDiagnostic, varEvents } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const missingKey: Rule = {
  code: 'missing-key',
  summary: 'required keys that are absent',
  check: ({ inv }) => varEvents(inv).flatMap((e) => (e.kind === 'missing-key' ? [varDiagnostic(inv, e)] : [])),
};
