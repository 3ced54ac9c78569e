import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { failureFor } from '../../../src/transport/failures.js';

describe('failureFor: a shared connection failure names the host that asked', () => {
  it('renames the host in a dial failure of another host on the same endpoint', () => {
    const f = failureFor({ kind: 'unreachable', host: 'lb1', message: 'host lb1 (root@198.18.0.5): connection refused (is sshd running?)' }, 'lb1-alias');
    assert.equal(f.host, 'lb1-alias');
    assert.equal(f.message, 'host lb1-alias (root@198.18.0.5): connection refused (is sshd running?)');
  });
  it('keeps a failure of the host itself untouched', () => {
    const orig = { kind: 'auth' as const, host: 'lb2', message: 'host lb2 (x@198.18.0.6): authentication failed', hint: 'h' };
    assert.equal(failureFor(orig, 'lb2'), orig);
  });
  it('prefixes the host when the message names a jump hop', () => {
    const f = failureFor({ kind: 'unreachable', host: 'rs1', message: 'jump host bastion (root@198.18.0.2): no route to host' }, 'rs2');
    assert.equal(f.message, 'host rs2: jump host bastion (root@198.18.0.2): no route to host');
    assert.equal(f.host, 'rs2');
  });
});
