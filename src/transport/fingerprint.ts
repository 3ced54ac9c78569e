import { createHash } from 'node:crypto';

/**
 * `SHA256:<base64 without padding>` of a public key blob, exactly as `ssh-keygen -lf` and ssh's
 * host key messages print it, so a user can compare it with `ssh-keyscan | ssh-keygen -lf -`.
 */
export function fingerprintOf(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type named inside an SSH wire-format public key blob (`ssh-ed25519`, `ssh-rsa`, …). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len <= 0 || 4 + len > keyBlob.length) return 'unknown';
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

/**
 * Host key algorithms ssh2 may negotiate for a known_hosts key type. An RSA key is stored as
 * `ssh-rsa` but is negotiated as rsa-sha2-512/256 (RFC 8332).
 */
export function algorithmsForKeyType(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}
