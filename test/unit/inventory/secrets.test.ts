import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretKey, maskSecrets, MASK } from '../../../src/inventory/index.js';

test('secret variable names', () => {
  for (const k of ['auth_pass', 'ansible_password', 'ansible_ssh_pass', 'ansible_become_pass', 'ansible_become_password', 'api_token', 'db_secret', 'key_passphrase']) {
    assert.ok(isSecretKey(k), k);
  }
  for (const k of ['ansible_host', 'passive', 'bypass_cache', 'password_file_mode', 'ansible_ssh_private_key_file']) {
    assert.ok(!isSecretKey(k), k);
  }
});

test('maskSecrets masks at any depth, sorts keys and leaves the input alone', () => {
  const vars = { z: 1, clusters: [{ vrrp: { auth_pass: 's3cret', advert_int: 1 } }], ansible_become_pass: 'x', empty_pass: null };
  const masked = maskSecrets(vars);
  assert.deepEqual(masked, { ansible_become_pass: MASK, clusters: [{ vrrp: { advert_int: 1, auth_pass: MASK } }], empty_pass: null, z: 1 });
  assert.deepEqual(Object.keys(masked), ['ansible_become_pass', 'clusters', 'empty_pass', 'z']);
  assert.equal(vars.clusters[0].vrrp.auth_pass, 's3cret');
});
