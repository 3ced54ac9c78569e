import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadUserSshConfig, parseSshConfig, resolveSshHost } from '../../../src/transport/ssh-config.js';

const CONFIG = `
# lab directors
Host lb1 lb2
    HostName %h.lab.example
    User deploy
    IdentityFile ~/.ssh/lab_ed25519

Host lb*
    User ignored-because-first-wins
    Port 2222
    IdentityFile "/keys/with space"

Host=rs?
  ProxyJump admin@198.18.0.1:22
  IdentitiesOnly yes

Host * !bastion
  UserKnownHostsFile ~/.ssh/lab_known_hosts
  ProxyJump none

Host *
  User fallback
  IdentityFile %d/.ssh/id_%r_%h
`;

describe('ssh config', () => {
  const cfg = parseSshConfig(CONFIG, '/home/u/.ssh/config', () => []);

  it('takes the first value of each keyword and adds up IdentityFile, as ssh does', () => {
    const r = resolveSshHost(cfg, 'lb1', 'me');
    assert.equal(r.hostName, 'lb1.lab.example');
    assert.equal(r.user, 'deploy');
    assert.equal(r.port, 2222);
    assert.deepEqual(r.identityFiles, [join(homedir(), '.ssh/lab_ed25519'), '/keys/with space', join(homedir(), '.ssh/id_deploy_lb1.lab.example')]);
  });
  it('matches ? wildcards and key=value lines, and keeps ProxyJump from the first block', () => {
    const r = resolveSshHost(cfg, 'rs1', 'me');
    assert.equal(r.proxyJump, 'admin@198.18.0.1:22');
    assert.equal(r.identitiesOnly, true);
    assert.equal(r.user, 'fallback');
    assert.equal(r.hostName, undefined);
  });
  it('reads ProxyJump none as no jump and honours a negated pattern', () => {
    assert.equal(resolveSshHost(cfg, 'web9').proxyJump, undefined);
    assert.deepEqual(resolveSshHost(cfg, 'web9').userKnownHostsFiles, [join(homedir(), '.ssh/lab_known_hosts')]);
    assert.equal(resolveSshHost(cfg, 'bastion').userKnownHostsFiles, undefined);
  });
  it('gives nothing for a host no block names beyond Host *', () => {
    const r = resolveSshHost(parseSshConfig('Host a\n  User x\n', 'c', () => []), 'b');
    assert.deepEqual(r, { identityFiles: [], identitiesOnly: false });
  });
  it('follows Include (globbed), with options before the first Host applying to the enclosing block', () => {
    const files: Record<string, string> = {
      'conf.d/*.conf': '',
    };
    const reads: string[] = [];
    const include = (pattern: string) => {
      reads.push(pattern);
      if (pattern === 'conf.d/*.conf') return [
        { file: '/h/.ssh/conf.d/10-lab.conf', text: 'Host lab-*\n  User labuser\n  Port 2200\n' },
        { file: '/h/.ssh/conf.d/20-more.conf', text: 'Port 2300\nHost other\n  User o\n' },
      ];
      return files[pattern] ? [] : [];
    };
    const c = parseSshConfig('Host lab-*\n  Include conf.d/*.conf\n  IdentityFile /k/after\nHost *\n  User last\n', '/h/.ssh/config', include);
    assert.deepEqual(reads, ['conf.d/*.conf']);
    const r = resolveSshHost(c, 'lab-1');
    assert.equal(r.user, 'labuser');
    assert.equal(r.port, 2200);
    assert.deepEqual(r.identityFiles, ['/k/after']);
    assert.equal(resolveSshHost(c, 'other').user, 'o');
    assert.equal(resolveSshHost(c, 'other').port, undefined, 'the leading Port of an included file belongs to the enclosing Host lab-*');
  });
  it('understands Match all and ignores other Match criteria', () => {
    const c = parseSshConfig('Match exec "true"\n  User never\nMatch all\n  User always\n', 'c', () => []);
    assert.equal(resolveSshHost(c, 'x').user, 'always');
  });
});

describe('ssh config on disk', () => {
  it('reads Include relative to the config directory, globs sorted, missing files ignored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hf-tr-sshcfg-'));
    try {
      mkdirSync(join(dir, 'config.d'));
      writeFileSync(join(dir, 'config'), 'Include config.d/*.conf missing.conf\nHost *\n  User fallback\n');
      writeFileSync(join(dir, 'config.d', '20-b.conf'), 'Host lb1\n  User second\n  Port 2202\n');
      writeFileSync(join(dir, 'config.d', '10-a.conf'), 'Host lb1\n  User first\n');
      writeFileSync(join(dir, 'config.d', 'ignored.txt'), 'Host lb1\n  User never\n');
      const r = resolveSshHost(loadUserSshConfig(join(dir, 'config')), 'lb1');
      assert.equal(r.user, 'first');
      assert.equal(r.port, 2202);
      assert.equal(resolveSshHost(loadUserSshConfig(join(dir, 'config')), 'other').user, 'fallback');
      assert.deepEqual(loadUserSshConfig(join(dir, 'no-such-config')), { blocks: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
