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

test('the names the README promises are masked: pass, secret, token, key as word parts, snake_case and camelCase (issue 12, defect 11)', () => {
  for (const k of ['secret_key', 'db_pass_prod', 'my_password_2', 'apiToken', 'api_key', 'private_key', 'APIKey', 'clientSecret', 'ssh_passphrase',
    'db_credentials', 'dbpassword', 'vault-token', 'GITHUB_TOKEN', 'aws_secret_access_key', 'ansible_sudo_pass', 'keys']) {
    assert.ok(isSecretKey(k), k);
  }
  // Where a secret lives is a path, not a secret; words that merely contain "pass" or "key" are not secrets.
  for (const k of ['ansible_ssh_private_key_file', 'vault_password_file', 'ssh_key_path', 'keepalived_dir', 'monkey', 'passive_mode', 'compass', 'hafleet_known_hosts', 'tokenizer_mode']) {
    assert.ok(!isSecretKey(k), k);
  }
  assert.deepEqual(maskSecrets({ db_pass_prod: 'p', apiToken: 't', nested: { my_password_2: 'x', secret_key: 'y' }, ansible_ssh_private_key_file: '/k' }),
    { ansible_ssh_private_key_file: '/k', apiToken: MASK, db_pass_prod: MASK, nested: { my_password_2: MASK, secret_key: MASK } });
});

test('maskSecrets masks at any depth, sorts keys and leaves the input alone', () => {
  const vars = { z: 1, clusters: [{ vrrp: { auth_pass: 's3cret', advert_int: 1 } }], ansible_become_pass: 'x', empty_pass: null };
  const masked = maskSecrets(vars);
  assert.deepEqual(masked, { ansible_become_pass: MASK, clusters: [{ vrrp: { advert_int: 1, auth_pass: MASK } }], empty_pass: null, z: 1 });
  assert.deepEqual(Object.keys(masked), ['ansible_become_pass', 'clusters', 'empty_pass', 'z']);
  assert.equal(vars.clusters[0].vrrp.auth_pass, 's3cret');
});
