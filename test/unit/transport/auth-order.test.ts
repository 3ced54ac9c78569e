import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { authMethods } from '../../../src/transport/connect.js';
import type { ConnectTarget } from '../../../src/transport/target.js';

const key = Buffer.from(ssh2.utils.generateKeyPairSync('ed25519').private);
const encrypted = Buffer.from(ssh2.utils.generateKeyPairSync('ed25519', { passphrase: 'x', cipher: 'aes256-cbc', rounds: 2 }).private);
const target = (o: Partial<ConnectTarget>): ConnectTarget => ({
  host: 'lb1', address: '198.18.0.5', port: 22, user: 'deploy', keyFiles: [], useDefaultKeys: false, identitiesOnly: false,
  knownHosts: { files: [], recordFile: '/dev/null' }, ...o,
});

describe('authentication order', () => {
  const files: Record<string, Buffer> = { '/k/inv': key, '/k/enc': encrypted, '/k/junk': Buffer.from('not a key'), [join(homedir(), '.ssh/id_rsa')]: key };
  const read = (f: string) => files[f] ?? null;

  it('named key files first, then the agent; defaults not tried when a file is named', () => {
    const { methods, skipped } = authMethods(target({ keyFiles: ['/k/inv', '/k/enc', '/k/junk', '/k/missing'] }), '/run/agent.sock', read);
    assert.deepEqual(methods.map((m) => m.label), ['key /k/inv', 'ssh-agent']);
    assert.deepEqual(skipped, ['/k/enc (encrypted: add it to ssh-agent)', '/k/junk (not a private key)', '/k/missing (unreadable)']);
    assert.equal(methods[0]!.method.username, 'deploy');
  });
  it('agent, then the default files that exist, when nothing is named', () => {
    const { methods, skipped } = authMethods(target({ useDefaultKeys: true }), '/run/agent.sock', read);
    assert.deepEqual(methods.map((m) => m.label), ['ssh-agent', `key ${join(homedir(), '.ssh/id_rsa')}`]);
    assert.deepEqual(skipped, [], 'absent default files are not worth a word');
  });
  it('IdentitiesOnly keeps agent keys out when a file is named; no socket, no agent', () => {
    assert.deepEqual(authMethods(target({ keyFiles: ['/k/inv'], identitiesOnly: true }), '/run/agent.sock', read).methods.map((m) => m.label), ['key /k/inv']);
    assert.deepEqual(authMethods(target({ keyFiles: ['/k/inv'] }), undefined, read).methods.map((m) => m.label), ['key /k/inv']);
  });
});
