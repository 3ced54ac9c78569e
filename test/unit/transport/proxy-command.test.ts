import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readProxyCommand } from '../../../src/transport/proxy-command.js';
import { parseSshConfig, resolveSshHost } from '../../../src/transport/ssh-config.js';
import { proxyRefusal } from '../../../src/transport/target.js';
import type { HostRef } from '../../../src/transport/index.js';

describe('ProxyCommand', () => {
  it('ssh -W %h:%p bastion is a jump host, with -p, -l, user@ and flag options', () => {
    assert.deepEqual(readProxyCommand('ssh -W %h:%p bastion'), { jump: 'bastion' });
    assert.deepEqual(readProxyCommand('/usr/bin/ssh -q -W %h:%p -p 2222 -l ops 198.18.0.1'), { jump: 'ops@198.18.0.1:2222' });
    assert.deepEqual(readProxyCommand('ssh -i /k/bastion -W %h:%p jumper@bastion'), { jump: 'jumper@bastion' });
  });

  it('anything else is refused by name, never dialled around', () => {
    for (const [cmd, why] of [
      ['nc -X 5 -x proxy:1080 %h %p', /does not run ssh/],
      ['ssh -W 198.18.0.5:22 bastion', /forwards to a fixed place/],
      ['ssh bastion nc %h %p', /runs a remote command/],
      ['ssh -W %h:%p bastion; rm -rf /', /shell syntax/],
      ['ssh -J other -W %h:%p bastion', /how the bastion itself is reached/],
      ['ssh -W %h:%p', /names no bastion/],
    ] as const) {
      const r = readProxyCommand(cmd);
      assert.ok('refused' in r && why.test(r.refused), `${cmd}: ${JSON.stringify(r)}`);
    }
  });

  it('~/.ssh/config: first of ProxyJump/ProxyCommand wins; a refused one is a refusal unless the inventory names a jump', () => {
    const cfg = parseSshConfig('Host a\n  ProxyCommand ssh -W %h:%p ops@bastion\n  ProxyJump other\nHost b\n  ProxyCommand nc %h %p\nHost c\n  ProxyJump j1\n  ProxyCommand nc %h %p\nHost d\n  ProxyCommand none\n', 'c', () => []);
    assert.equal(resolveSshHost(cfg, 'a').proxyJump, 'ops@bastion');
    assert.equal(resolveSshHost(cfg, 'c').proxyJump, 'j1');
    assert.equal(resolveSshHost(cfg, 'c').proxyRefused, undefined);
    assert.deepEqual([resolveSshHost(cfg, 'd').proxyJump, resolveSshHost(cfg, 'd').proxyRefused], [undefined, undefined]);
    const ref = (address: string, o: Partial<HostRef> = {}): HostRef => ({ name: address, address, port: 22, user: 'root', become: false, becomeUser: 'root', ...o });
    assert.match(proxyRefusal(ref('b'), cfg) ?? '', /ProxyCommand "nc %h %p" is not supported/);
    assert.equal(proxyRefusal(ref('b', { proxyJump: 'bastion' }), cfg), undefined);
    assert.equal(proxyRefusal(ref('a'), cfg), undefined);
  });
});
