import type { VarValue, Vars } from './types.js';

/** What a masked secret shows instead of its value. */
export const MASK = '********';

// A variable name is split into word parts, snake_case, kebab-case and camelCase alike:
// `db_pass_prod` → db pass prod, `apiToken` → api token, `APIKey` → api key.
const PARTS = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

// A part that is one of these is a secret word: auth_pass, secret_key, api_key, private_key…
const SECRET_PARTS = new Set(['pass', 'passwd', 'pw', 'pwd', 'key', 'keys', 'credential', 'credentials', 'creds']);
// A part that contains one of these is too: my_password_2, key_passphrase, dbpassword, clientsecret.
const SECRET_STEMS = ['password', 'passphrase', 'passcode', 'secret', 'token'];
// Parts after the secret word that make the variable say where a secret is, not what it is:
// ansible_ssh_private_key_file, vault_password_file, ssh_key_path stay visible (they are paths).
const LOCATION_PARTS = new Set(['file', 'files', 'path', 'paths', 'dir', 'mode']);

function isSecretPart(p: string): boolean {
  return SECRET_PARTS.has(p) || SECRET_STEMS.some((s) => p.includes(s));
}

/**
 * Whether a variable name holds a secret that must never be printed: one of its word parts is
 * pass, passwd, key(s), credential(s), or contains password, passphrase, secret or token —
 * unless a later part is file/path/dir/mode (then the value is where a secret lives).
 */
export function isSecretKey(key: string): boolean {
  const parts = (key.match(PARTS) ?? []).map((p) => p.toLowerCase());
  const at = parts.findIndex(isSecretPart);
  if (at < 0) return false;
  return !parts.slice(at + 1).some((p) => LOCATION_PARTS.has(p));
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
