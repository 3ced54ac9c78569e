import type { VarValue, Vars } from './types.js';

/** What a masked secret shows instead of its value. */
export const MASK = '********';

// auth_pass (keepalived), ansible_password / ansible_ssh_pass / ansible_become_pass(word),
// and the usual *_secret / *_token / *_passphrase names.
const SECRET_KEY = /(^|_)(pass|passwd|password|passphrase|secret|token)$/i;

/** Whether a variable name holds a secret that must never be printed. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A copy of `vars` with secret values replaced by MASK, at any depth, keys sorted. */
export function maskSecrets(vars: Vars): Vars {
  return maskValue(vars) as Vars;
}

function maskValue(v: VarValue): VarValue {
  if (Array.isArray(v)) return v.map(maskValue);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, VarValue> = {};
  for (const k of Object.keys(v).sort()) out[k] = isSecretKey(k) && v[k] !== null ? MASK : maskValue(v[k]);
  return out;
}
