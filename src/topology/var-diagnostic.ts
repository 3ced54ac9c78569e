import { error, warning, type Diagnostic } from '../diagnostics/index.js';
import { isSecretKey, type Inventory } from '../inventory/index.js';
import { describeValue, type VarEvent } from './walk.js';
import { whereAt } from './where.js';

/** The diagnostic for a finding of the key walk: shared by buildTopology and lint. */
export function varDiagnostic(inv: Inventory, e: Exclude<VarEvent, { kind: 'value' }>): Diagnostic {
  const top = e.path.length === 1;
  switch (e.kind) {
    case 'wrong-type': {
      const v = e.value;
      const quoted = typeof v === 'string' && (
        ((e.spec.type === 'integer' || e.spec.type === 'number') && /^-?\d+(\.\d+)?$/.test(v)) ||
        (e.spec.type === 'boolean' && /^(true|false)$/i.test(v)));
      const hint = quoted ? `write it without quotes: ${v}`
        : e.spec.type === 'string' && e.spec.enum ? 'use one of the values listed'
          : e.spec.type === 'string' && typeof v === 'string' ? 'hafleet writes this value into a config or a command on the host; see "String types" in docs/reference.md'
            : 'see docs/reference.md';
      // Never echo a secret, even a mistyped one.
      const shown = isSecretKey(String(e.path[e.path.length - 1])) ? 'the value' : describeValue(e.value);
      return error('wrong-type', `${shown} is not ${e.expected}`, whereAt(inv, e.host, e.path), hint);
    }
    case 'unknown-key':
      return (top ? warning : error)(
        'unknown-key',
        top ? 'unknown hafleet variable' : 'unknown key',
        whereAt(inv, e.host, e.path),
        e.suggestion ? `did you mean ${e.suggestion}?` : 'see docs/reference.md for the keys hafleet reads',
      );
    case 'missing-key':
      return error('missing-key', `missing ${e.key}`, whereAt(inv, e.host, e.path), `add ${e.key} (see docs/reference.md)`);
  }
}
