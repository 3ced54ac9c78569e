import { error } from '../../diagnostics/index.js';
import { varEvents, whereAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/** Numeric ranges from the key table; keys with their own rule (vrid, priority) are left to it. */
export const valueRange: Rule = {
  code: 'value-range',
  summary: 'numbers outside the range the key table gives',
  check: ({ inv }) => varEvents(inv).flatMap((e) => {
    if (e.kind !== 'value' || (e.spec.type !== 'integer' && e.spec.type !== 'number') || e.spec.ownRule) return [];
    const { min, max } = e.spec;
    const v = e.value as number;
    if ((min === undefined || v >= min) && (max === undefined || v <= max)) return [];
    const range = `${min ?? '−∞'}–${max ?? '∞'}`;
    return [error('value-range', `${v} is outside ${range}`, whereAt(inv, e.host, e.path), `use a value in ${range}`)];
  }),
};
