import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { algorithmsForKeyType, fingerprintOf, keyTypeOf } from '../../../src/transport/fingerprint.js';
import { blob, K1, K2, K3, K4 } from './keys.js';

describe('fingerprintOf', () => {
  it('prints SHA256:… exactly as ssh-keygen -lf does', () => {
    for (const k of [K1, K2, K3, K4]) assert.equal(fingerprintOf(blob(k)), k.fp);
  });
  it('reads the key type from the blob', () => {
    for (const k of [K1, K3, K4]) assert.equal(keyTypeOf(blob(k)), k.type);
    assert.equal(keyTypeOf(Buffer.from([0, 0, 0, 9, 1])), 'unknown');
  });
  it('maps an RSA key to the RFC 8332 algorithms', () => {
    assert.deepEqual(algorithmsForKeyType('ssh-rsa'), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    assert.deepEqual(algorithmsForKeyType('ssh-ed25519'), ['ssh-ed25519']);
  });
});
