import { varDiagnostic, varEvents } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const unknownKey: Rule = {
  code: 'unknown-key',
  summary: 'keys hafleet does not read (typos), with did-you-mean',
  check: ({ inv }) => varEvents(inv).flatMap((e) => (e.kind === 'unknown-key' ? [varDiagnostic(inv, e)] : [])),
};
