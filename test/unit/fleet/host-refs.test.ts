import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory, type Inventory } from '../../../src/inventory/index.js';
import { hostRefOf } from '../../../src/fleet/index.js';
import { parseSshConfig } from '../../../src/transport/index.js';

describe('hostRefOf', () => {
  let dir: string;
  let inv: Inventory;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hf-tr-inv-'));
    mkdirSync(join(dir, 'group_vars'));
    writeFileSync(join(dir, 'hosts.yml'), `all:
  children:
    directors:
      hosts:
        lb1:
          ansible_host: 198.18.0.11
          ansible_user: deploy
          ansible_become: yes
          ansible_ssh_private_key_file: ~/.ssh/lab
        lb2:
          ansible_host: lb2-alias
          ansible_ssh_common_args: -o ProxyJump=ops@198.18.0.1
        lb3:
          ansible_port: 2200
`);
    writeFileSync(join(dir, 'group_vars', 'all.yml'), 'hafleet_known_hosts: known_hosts\n');
    const r = loadInventory(join(dir, 'hosts.yml'));
    assert.ok(r.ok, JSON.stringify(r.diagnostics));
    inv = r.value;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = { sshConfig: parseSshConfig('Host lb2-alias\n  User cfguser\n  Port 2222\nHost *\n  User everyone\n', 'c', () => []), localUser: 'me' };
  const none = { sshConfig: parseSshConfig('', 'c', () => []), localUser: 'me' };

  it('takes what the inventory says: address, user, key (tilde expanded), become, known_hosts beside the inventory', () => {
    assert.deepEqual(hostRefOf(inv, 'lb1', cfg), {
      name: 'lb1', address: '198.18.0.11', port: 22, user: 'deploy', privateKeyFile: join(homedir(), '.ssh/lab'),
      become: true, becomeUser: 'root', knownHostsFile: join(dir, 'known_hosts'),
    });
  });
  it('lets ~/.ssh/config fill the user and a port the inventory left at 22, and reads -o ProxyJump', () => {
    const r = hostRefOf(inv, 'lb2', cfg);
    assert.equal(r.address, 'lb2-alias', 'HostName is applied when dialling, so ssh config blocks keep matching');
    assert.equal(r.user, 'cfguser');
    assert.equal(r.port, 2222);
    assert.equal(r.proxyJump, 'ops@198.18.0.1');
  });
  it('falls back to the local user name it is given when neither says', () => {
    assert.equal(hostRefOf(inv, 'lb3', none).user, 'me');
    assert.equal(hostRefOf(inv, 'lb3', none).port, 2200);
  });
});
