import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { connectionOf, proxyJumpOf } from '../../../src/inventory/index.js';
import { FIXTURES, mustLoad, writeTree } from './tmp-inventory.js';

test('connection from the field INI inventory', () => {
  const inv = mustLoad(join(FIXTURES, 'field-ini/hosts.ini'));
  assert.deepEqual(connectionOf(inv, 'web04'), {
    host: '198.18.2.14',
    port: 2222,
    user: 'admin',
    become: true,
    becomeUser: 'root',
    becomeMethod: 'sudo',
    knownHostsFile: join(FIXTURES, 'field-ini/ssh/known_hosts'),
    proxyJump: 'ops@198.18.0.2',
  });
  const bastion = connectionOf(inv, 'bastion');
  assert.equal(bastion.host, '198.18.0.2');
  assert.equal(bastion.user, 'ops');
  assert.equal(bastion.proxyJump, undefined);
  assert.equal(connectionOf(inv, 'db-a.example.test').host, 'db-a.example.test', 'inventory name when no ansible_host');
});

test('older ansible_ssh_* aliases, -J and hafleet_proxy_jump in the YAML inventory', () => {
  const inv = mustLoad(join(FIXTURES, 'field-yaml/hosts.yml'));
  const lb2 = connectionOf(inv, 'lb2');
  assert.equal(lb2.port, 2222);
  assert.equal(lb2.proxyJump, 'ops@198.18.0.2');
  assert.equal(connectionOf(inv, 'db-a').proxyJump, 'ops@198.18.0.2:2200');
  assert.equal(connectionOf(inv, 'db-c').port, 2200);
  assert.equal(connectionOf(inv, 'lb1').knownHostsFile, undefined);
});

test('aliases win over the new names when both are set, as in Ansible', () => {
  const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    h:\n      ansible_host: 198.18.0.1\n      ansible_ssh_host: 198.18.0.2\n      ansible_port: "2200"\n      ansible_ssh_user: old\n      ansible_user: new\n      ansible_become: "no"\n      ansible_become_user: postgres\n      ansible_ssh_private_key_file: ~/.ssh/id_ed25519\n      hafleet_known_hosts: /etc/hafleet/known_hosts\n' });
  const c = connectionOf(mustLoad(join(dir, 'hosts.yml')), 'h');
  assert.deepEqual(c, {
    host: '198.18.0.2', port: 2200, user: 'old', privateKeyFile: '~/.ssh/id_ed25519', become: false,
    becomeUser: 'postgres', becomeMethod: 'sudo', knownHostsFile: '/etc/hafleet/known_hosts',
  });
});

test('ProxyJump in all the ways ssh arguments spell it', () => {
  assert.equal(proxyJumpOf('-o ProxyJump=ops@198.18.0.2'), 'ops@198.18.0.2');
  assert.equal(proxyJumpOf('-oProxyJump=198.18.0.2'), '198.18.0.2');
  assert.equal(proxyJumpOf('-o "ProxyJump 198.18.0.2:2200"'), '198.18.0.2:2200');
  assert.equal(proxyJumpOf('-o proxyjump=a,b'), 'a,b');
  assert.equal(proxyJumpOf('-J jump@198.18.0.3'), 'jump@198.18.0.3');
  assert.equal(proxyJumpOf('-Jjump'), 'jump');
  assert.equal(proxyJumpOf('-o ProxyCommand="ssh -W %h:%p -q ops@198.18.0.2"'), 'ops@198.18.0.2');
  assert.equal(proxyJumpOf('-o ProxyCommand="ssh -W %h:%p -p 2200 -l ops 198.18.0.2"'), 'ops@198.18.0.2:2200');
  assert.equal(proxyJumpOf('-o StrictHostKeyChecking=no'), undefined);
  assert.equal(proxyJumpOf('-o ProxyCommand="nc 198.18.0.2 22"'), undefined);
  assert.equal(proxyJumpOf(undefined), undefined);
});

test('ansible.cfg defaults (connectionDefaults) apply only where the host says nothing', () => {
  const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    a:\n    b:\n      ansible_user: admin\n      ansible_become: false\n      ansible_ssh_private_key_file: /k/b\n    c:\n      ansible_ssh_common_args: -o ProxyJump=hostjump\n    d:\n      ansible_ssh_args: -C\n      ansible_ssh_common_args: -J hostjump\n    e:\n      hafleet_proxy_jump: own\n' });
  const inv = mustLoad(join(dir, 'hosts.yml'));
  inv.connectionDefaults = { user: 'cfguser', port: 2200, privateKeyFile: '/k/cfg', become: true, becomeUser: 'ops', proxyJump: 'cfgjump' };
  const a = connectionOf(inv, 'a');
  assert.deepEqual([a.user, a.privateKeyFile, a.become, a.becomeUser, a.proxyJump], ['cfguser', '/k/cfg', true, 'ops', 'cfgjump']);
  const b = connectionOf(inv, 'b');
  assert.deepEqual([b.user, b.privateKeyFile, b.become, b.becomeUser], ['admin', '/k/b', false, 'ops'], 'host vars beat ansible.cfg');
  assert.equal(a.port, 2200);
  // ssh keeps the first -o it sees and Ansible puts ssh_args before ssh_common_args.
  assert.equal(connectionOf(inv, 'c').proxyJump, 'cfgjump');
  assert.equal(connectionOf(inv, 'd').proxyJump, 'hostjump', 'ansible_ssh_args replaces ansible.cfg ssh_args');
  assert.equal(connectionOf(inv, 'e').proxyJump, 'own');
  delete inv.connectionDefaults;
  assert.equal(connectionOf(inv, 'a').user, undefined);
  assert.equal(connectionOf(inv, 'a').become, false);
});

test('ansible_ssh_timeout (the ssh plugin variable) becomes the host\'s connect timeout; INI strings are read as numbers', () => {
  const dir = writeTree({ 'hosts': '[d]\nlb1 ansible_host=198.18.0.11 ansible_ssh_timeout=3\nlb2 ansible_host=198.18.0.12\n' });
  const inv = mustLoad(join(dir, 'hosts'));
  assert.equal(connectionOf(inv, 'lb1').connectTimeoutSec, 3);
  assert.equal(connectionOf(inv, 'lb2').connectTimeoutSec, undefined, 'else the transport-wide timeout (ansible.cfg)');
});
