import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plan, renderPlanText } from '../../../src/plan/index.js';
import type { HostFacts } from '../../../src/facts/index.js';
import type { HostDesired } from '../../../src/render/types.js';

const fixed = { id: 'p', now: new Date('2026-12-04T12:00:00Z') };
const rs: HostDesired = { host: 'web1', roles: ['realserver'], files: [], handlers: [], managedPaths: ['/etc/sysctl.d', '/usr/local/sbin'] };
const facts = (f: Partial<HostFacts>): HostFacts => ({ host: 'web1', serviceManager: 'direct', processes: {}, files: {}, addresses: [], sysctls: {}, tools: {}, lastDeploy: null, ...f });

test('a host read for its deploy record only is said so in the plan, its text and its summary', () => {
  const p = plan(new Map([['web1', rs]]), new Map([['web1', { ok: true, value: facts({ readScope: 'record' }) }]]), fixed);
  const h = p.hosts[0]!;
  assert.ok(h.status === 'planned');
  assert.deepEqual(h.changes, []);
  assert.equal(h.recordCurrent, true);
  assert.deepEqual(h.checkedOnly, { read: 'deploy-record', why: 'role realserver renders no file on this host' });
  assert.equal(p.summary.checkedOnly, 1);
  const text = renderPlanText(p);
  assert.match(text, /^web1: no changes \(only checked: deploy record read, role realserver renders no file on this host\)$/m);
  assert.match(text, /No changes: 1 host up to date, 1 host only checked \(deploy record read: nothing managed there\)\./);
});

test('a fully read host carries no checkedOnly mark and no count', () => {
  const p = plan(new Map([['web1', rs]]), new Map([['web1', { ok: true, value: facts({}) }]]), fixed);
  assert.ok(p.hosts[0]!.status === 'planned' && p.hosts[0]!.checkedOnly === undefined);
  assert.equal(p.summary.checkedOnly, undefined);
});

test('files an earlier deploy placed on a checked host are still removed (record says so)', () => {
  const path = '/etc/sysctl.d/90-hafleet-arp.conf';
  const lastDeploy = { at: 'x', by: 'y', planId: 'z', files: [{ path, sha256: 'a'.repeat(64) }] };
  const file = { path, content: 'net.ipv4.conf.all.arp_ignore = 1\n', sha256: 'a'.repeat(64), mode: '0644', owner: 'root', group: 'root' };
  const p = plan(new Map([['web1', rs]]), new Map([['web1', { ok: true, value: facts({ readScope: 'record', lastDeploy, files: { [path]: file } }) }]]), fixed);
  const h = p.hosts[0]!;
  assert.ok(h.status === 'planned');
  assert.deepEqual(h.changes.map((c) => [c.kind, c.path]), [['delete', path]]);
  assert.equal(h.recordCurrent, false);
  assert.match(h.checkedOnly!.why, /an earlier deploy placed files here/);
});
