import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isManagedPath } from '../../../src/plan/index.js';

const managed = ['/etc/keepalived', '/usr/share/hafleet/'];

describe('isManagedPath: what a run may read back or remove', () => {
  it('accepts a normalised path below a managed directory', () => {
    assert.equal(isManagedPath('/etc/keepalived/keepalived.conf', managed), true);
    assert.equal(isManagedPath('/usr/share/hafleet/503.html', managed), true);
  });
  for (const p of [
    '/usr/share/hafleet/../../etc/shadow', '/usr/share/hafleet/./x', '/usr/share/hafleet//x', '/etc/keepalived',
    '/etc/keepalived/', '/etc/keepalivedx/a', 'etc/keepalived/a', '/etc/shadow', '/etc/keepalived/a\nb', '/etc/keepalived/..',
  ]) {
    it(`refuses ${JSON.stringify(p)}`, () => assert.equal(isManagedPath(p, managed), false));
  }
});
