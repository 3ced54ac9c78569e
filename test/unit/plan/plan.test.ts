import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { plan, renderPlanText, closingLine, hostHasChanges, withValidations } from '../../../src/plan/index.js';
import { loadCase } from './plan-fixtures.test.js';

const fixtures = join(import.meta.dirname, '../../fixtures/plan');
const fixed = { id: 'p', now: new Date('2026-11-25T12:00:00Z') };

test('first deploy: creates, unreachable and host-key failures are per-host values', () => {
  const { desired, facts } = loadCase(join(fixtures, 'first-deploy'));
  const p = plan(desired, facts, fixed);
  assert.deepEqual(p.hosts.map((h) => h.status), ['planned', 'unreachable', 'failed']);
  const lb1 = p.hosts[0]!;
  assert.ok(lb1.status === 'planned');
  assert.deepEqual(lb1.changes.map((c) => c.kind), ['create', 'create', 'create']);
  // nginx (order 10) before keepalived (order 20), each once although two files notify keepalived.
  assert.deepEqual(lb1.handlers, ['reload nginx', 'reload keepalived']);
  assert.equal(p.summary.filesToChange, 3);
  assert.equal(p.summary.unreachable, 1);
  assert.equal(p.summary.failed, 1);
  assert.match(closingLine(p), /^Plan: 3 files to change on 1 host, 2 reloads \(keepalived ×1, nginx ×1\), 1 host unreachable, 1 host failed\.$/);
});

test('a changed password shows as a changed masked line, neither value visible', () => {
  const { desired, facts } = loadCase(join(fixtures, 'secret-changed'));
  const p = plan(desired, facts, fixed);
  const h = p.hosts[0]!;
  assert.ok(h.status === 'planned');
  const ka = h.changes[0]!;
  assert.ok(ka.kind === 'update');
  assert.match(ka.diff, /^-\s+auth_pass \*{8}$/m);
  assert.match(ka.diff, /^\+\s+auth_pass \*{8}$/m);
  const text = renderPlanText(p);
  assert.ok(!text.includes('0ldpass') && !text.includes('n3wpass'));
  assert.ok(!JSON.stringify(p).includes('0ldpass'));
  // The nginx change is a real line diff.
  const ng = h.changes[1]!;
  assert.ok(ng.kind === 'update' && /^\+\s+server 198\.18\.1\.12:80;$/m.test(ng.diff));
});

test('idempotent: nothing to change, no handler, record current', () => {
  const { desired, facts } = loadCase(join(fixtures, 'idempotent'));
  const p = plan(desired, facts, fixed);
  const h = p.hosts[0]!;
  assert.ok(h.status === 'planned');
  assert.equal(hostHasChanges(h), false);
  assert.deepEqual(h.handlers, []);
  assert.equal(h.recordCurrent, true);
  assert.ok(h.changes.every((c) => c.kind === 'unchanged' && /same sha256/.test(c.reason)));
  assert.equal(closingLine(p), 'No changes: 1 host up to date.');
});

test('metadata-only changes say what differs and still notify', () => {
  const { desired, facts } = loadCase(join(fixtures, 'meta-only'));
  const h = plan(desired, facts, fixed).hosts[0]!;
  assert.ok(h.status === 'planned');
  const [ka, ng, chk] = h.changes;
  assert.ok(ka!.kind === 'update' && ka!.metaOnly && ka!.diff.includes('owner admin → root'));
  assert.equal(ng!.kind, 'unchanged');
  assert.ok(chk!.kind === 'update' && chk!.diff.includes('mode 0644 → 0755'));
  assert.deepEqual(h.handlers, ['reload keepalived']);
});

test('delete only what an earlier deploy placed in a managed dir and is still there', () => {
  const { desired, facts } = loadCase(join(fixtures, 'delete'));
  const h = plan(desired, facts, fixed).hosts[0]!;
  assert.ok(h.status === 'planned');
  const deletes = h.changes.filter((c) => c.kind === 'delete');
  assert.deepEqual(deletes.map((c) => c.path), ['/etc/nginx/conf.d/hafleet-api.conf']);
  assert.deepEqual(h.handlers, ['reload nginx']);
  assert.equal(h.recordCurrent, false);
});

test('a record path that only looks managed (../ out of the dir) is never deleted nor shown', () => {
  const { desired, facts } = loadCase(join(fixtures, 'delete'));
  const host = [...facts.keys()][0]!;
  const f = facts.get(host)!;
  assert.ok(f.ok && f.value.lastDeploy);
  const evil = '/etc/nginx/conf.d/../../shadow';
  const record = { ...f.value.lastDeploy, files: [...f.value.lastDeploy.files, { path: evil, sha256: 'x' }] };
  const files = { ...f.value.files, [evil]: { path: evil, content: 'root:SECRETHASH:19000::::::\n', sha256: 'y', mode: '0640', owner: 'root', group: 'shadow' } };
  const h = plan(desired, new Map([[host, { ...f, value: { ...f.value, lastDeploy: record, files } }]]), fixed).hosts[0]!;
  assert.ok(h.status === 'planned');
  assert.ok(!h.changes.some((c) => c.path === evil));
  assert.ok(!JSON.stringify(h).includes('SECRETHASH'));
});

test('validation outcomes count in the summary and the closing line', () => {
  const { desired, facts } = loadCase(join(fixtures, 'secret-changed'));
  const p = withValidations(plan(desired, facts, fixed), new Map([['lb1', [{ path: '/etc/keepalived/keepalived.conf', ok: false, message: '(Line 4) number 510 outside range' }]]]));
  assert.equal(p.summary.validationFailed, 1);
  assert.match(closingLine(p), /1 file failing validation: deploy would fail/);
  assert.match(renderPlanText(p), /validation failed for \/etc\/keepalived\/keepalived.conf/);
});

test('colour only when asked', () => {
  const { desired, facts } = loadCase(join(fixtures, 'secret-changed'));
  const p = plan(desired, facts, fixed);
  assert.ok(!renderPlanText(p).includes('\u001b['));
  assert.ok(renderPlanText(p, { color: true }).includes('\u001b[32m'));
});

test('a file too big to read (checksum only) is an update, not a create', () => {
  const { desired, facts } = loadCase(join(fixtures, 'idempotent'));
  const f = facts.get('lb1')!;
  assert.ok(f.ok);
  const ka = f.value.files['/etc/nginx/conf.d/hafleet-web.conf']!;
  f.value.files[ka.path] = { ...ka, content: null, sha256: '0'.repeat(64) };
  const h = plan(desired, facts, fixed).hosts[0]!;
  assert.ok(h.status === 'planned');
  const c = h.changes.find((x) => x.path === ka.path)!;
  assert.equal(c.kind, 'update');
  assert.match((c as { diff: string }).diff, /too large/);
});

test('a host file with terminal controls shows them as escapes in the text plan, never raw', () => {
  const { desired, facts } = loadCase(join(fixtures, 'secret-changed'));
  const host = [...facts.keys()][0]!;
  const f = facts.get(host)!;
  assert.ok(f.ok);
  const files = Object.fromEntries(Object.entries(f.value.files).map(([p, x]) => [p, x.content === null ? x : { ...x, content: x.content + 'x\u001b[2J\u001b]0;owned\u0007\r\n', sha256: 'other' }]));
  const evil = { ...f, value: { ...f.value, files } };
  const text = renderPlanText(plan(desired, new Map([[host, evil]]), fixed), { color: true });
  assert.ok(!text.includes('\u001b[2J') && !text.includes('\u001b]0;') && !text.includes('\u0007'), 'no raw control from the host');
  assert.match(text, /x\\x1b\[2J\\x1b\]0;owned\\x07\\x0d/);
});
