import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseSshConfig } from '../../../src/transport/ssh-config.js';
import { parseJumpSpec, resolveHops } from '../../../src/transport/target.js';
import type { HostRef } from '../../../src/transport/types.js';

const ref = (o: Partial<HostRef> = {}): HostRef => ({ name: 'lb1', address: 'lb1', port: 22, user: 'root', become: false, becomeUser: 'root', ...o });

describe('jump specs', () => {
  it('reads user@host:port, ssh:// and [v6]:port', () => {
    assert.deepEqual(parseJumpSpec('admin@198.18.0.1:2222'), { user: 'admin', host: '198.18.0.1', port: 2222 });
    assert.deepEqual(parseJumpSpec('ssh://198.18.0.1'), { host: '198.18.0.1' });
    assert.deepEqual(parseJumpSpec('[2001:db8::1]:22'), { host: '2001:db8::1', port: 22 });
  });
});

describe('resolveHops', () => {
  const cfg = parseSshConfig('Host lb1\n  HostName 198.18.0.11\n  Port 2222\n  IdentityFile /k/lb\nHost bastion\n  HostName 198.18.0.1\n  User jumper\n', 'c', () => []);

  it('applies HostName, a Port the inventory left at 22, and names key files in order', () => {
    const [t] = resolveHops(ref({ privateKeyFile: '/k/inv' }), cfg);
    assert.equal(t!.address, '198.18.0.11');
    assert.equal(t!.port, 2222);
    assert.deepEqual(t!.keyFiles, ['/k/inv', '/k/lb']);
    assert.equal(t!.useDefaultKeys, false);
  });
  it('keeps a port the inventory set', () => {
    assert.equal(resolveHops(ref({ port: 2200 }), cfg)[0]!.port, 2200);
  });
  it('uses the default keys only when nothing is named', () => {
    const [t] = resolveHops(ref({ address: '198.18.0.12', name: 'lb2' }), cfg);
    assert.deepEqual(t!.keyFiles, []);
    assert.equal(t!.useDefaultKeys, true);
  });
  it('puts the inventory known_hosts first and records new keys there', () => {
    const [t] = resolveHops(ref({ knownHostsFile: '/inv/known_hosts' }), cfg);
    assert.deepEqual(t!.knownHosts.files, ['/inv/known_hosts', join(homedir(), '.ssh/known_hosts'), join(homedir(), '.ssh/known_hosts2'), '/etc/ssh/ssh_known_hosts']);
    assert.equal(t!.knownHosts.recordFile, '/inv/known_hosts');
    assert.equal(resolveHops(ref(), cfg)[0]!.knownHosts.recordFile, join(homedir(), '.ssh/known_hosts'));
  });
  it('dials jump hosts first, each resolved through ssh config', () => {
    const hops = resolveHops(ref({ proxyJump: 'bastion,ops@198.18.0.2:2022' }), cfg);
    assert.deepEqual(hops.map((h) => [h.address, h.port, h.user, h.host]), [
      ['198.18.0.1', 22, 'jumper', 'lb1'],
      ['198.18.0.2', 2022, 'ops', 'lb1'],
      ['198.18.0.11', 2222, 'root', 'lb1'],
    ]);
    assert.match(hops[0]!.label ?? '', /jump host bastion/);
  });
});

describe('connect timeout per host', () => {
  it('a host with ansible_ssh_timeout gets its own handshake deadline; others keep the transport\'s', () => {
    assert.equal(resolveHops(ref({ connectTimeoutSec: 3 }), parseSshConfig('', 'c', () => []))[0]!.readyTimeoutMs, 3000);
    assert.equal(resolveHops(ref(), parseSshConfig('', 'c', () => []))[0]!.readyTimeoutMs, undefined);
  });
});
