import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { serveLookLines } from '../../../src/apply/serve-check.js';
import assert from 'node:assert/strict';
import { deployScript, tempNameFor, BACKUP_ROOT } from '../../../src/apply/deploy-script.js';
import { planValidationScript } from '../../../src/apply/validate-remote.js';
import { rewriteReferences } from '../../../src/apply/validate-script.js';
import { parseScriptOutput } from '../../../src/apply/script-output.js';
import { plan } from '../../../src/plan/index.js';
import type { HostDesired } from '../../../src/render/types.js';
import type { HostFacts } from '../../../src/facts/types.js';

test('temp names beside the destination never match an include glob like conf.d/*.conf', () => {
  const t = tempNameFor('/etc/nginx/conf.d/hafleet-web.conf', 'ab12cd34ef');
  assert.equal(t, '/etc/nginx/conf.d/.hafleet-tmp-hafleet-web.conf-ab12cd34ef');
  assert.ok(!t.endsWith('.conf'));
});

const base = { mode: '0644', owner: 'root', group: 'root', notify: ['reload nginx'], sha256: 'x', diff: '' };
const input = {
  deployId: 'd1', planId: 'p1', by: 'me@ctl', breakLock: false, now: '2026-11-25T00:00:00Z', rand: 'ab12cd34ef',
  validateDir: '/tmp/hafleet-validate.0123456789ab', sweepDirs: ['/etc/nginx/conf.d'],
  files: [{ change: { kind: 'update' as const, path: '/etc/nginx/conf.d/hafleet-web.conf', validate: 'nginx-tree', ...base }, content: "server { return 200 'it''s'; }\n" }],
  handlers: [{ name: 'reload nginx', command: 'nginx -s reload', check: 'true' }],
  record: [{ path: '/etc/nginx/conf.d/hafleet-web.conf', sha256: 'abc' }],
};

test('deploy script: backups outside include dirs, hang-ups ignored, parsed whole before it runs', () => {
  const s = deployScript(input);
  assert.ok(s.startsWith('hafleet_main() {\n'), 'one function: bash reads all of it before running any');
  assert.ok(s.trimEnd().endsWith('}\nhafleet_main'));
  assert.match(s, /trap '' HUP PIPE/);
  assert.match(s, new RegExp(`BK='${BACKUP_ROOT}/d1'`));
  assert.ok(!/\.bak\b|\.orig\b/.test(s));
  assert.match(s, /mv -f -- '\/etc\/nginx\/conf.d\/.hafleet-tmp-hafleet-web.conf-ab12cd34ef' '\/etc\/nginx\/conf.d\/hafleet-web.conf'/);
  assert.match(s, /find '\/etc\/nginx\/conf.d' -maxdepth 1 -name '.hafleet-tmp-\*' -type f -delete/);
  assert.match(s, /nginx -t -c '\/tmp\/hafleet-validate.0123456789ab\/tree\/etc\/nginx\/nginx.conf'/);
  // Content travels as base64: no quoting of the file's own text can break the script.
  assert.ok(!s.includes("it''s"));
  assert.ok(s.includes(Buffer.from(input.files[0]!.content).toString('base64').slice(0, 40)));
  assert.ok(!s.includes('lock-broken'), 'the lock is not broken unless asked');
  assert.ok(deployScript({ ...input, breakLock: true }).includes("rm -rf -- '/var/lib/hafleet/lock'"));
});

test('validation copies point at the new versions of the other changed files', () => {
  const sources = new Map([['/etc/keepalived/keepalived.conf', '/tmp/v/new/etc/keepalived/keepalived.conf'], ['/usr/local/sbin/hafleet-check-nginx', '/tmp/v/new/usr/local/sbin/hafleet-check-nginx']]);
  const out = rewriteReferences('script "/usr/local/sbin/hafleet-check-nginx"\n', '/etc/keepalived/keepalived.conf', sources);
  assert.equal(out, 'script "/tmp/v/new/usr/local/sbin/hafleet-check-nginx"\n');
});

test('plan-time validation script: only when a changed file has a validator; cleans up after itself', () => {
  const want: HostDesired = {
    host: 'lb1', roles: ['director'], managedPaths: ['/etc/keepalived'], handlers: [],
    files: [
      { path: '/etc/keepalived/keepalived.conf', content: 'vrrp\n', mode: '0640', owner: 'root', group: 'root', role: 'director', validate: 'keepalived -t -f {path}', notify: [], secrets: [] },
      { path: '/usr/local/sbin/chk', content: '#!/bin/sh\n', mode: '0755', owner: 'root', group: 'root', role: 'director', notify: [], secrets: [] },
    ],
  };
  const facts: HostFacts = { host: 'lb1', serviceManager: 'direct', processes: {}, files: {}, addresses: [], sysctls: {}, tools: {}, lastDeploy: null };
  const p = plan(new Map([['lb1', want]]), new Map([['lb1', { ok: true, value: facts }]]));
  const h = p.hosts[0]!;
  assert.ok(h.status === 'planned');
  const s = planValidationScript(h, new Map([['lb1', want]]), '/tmp/hafleet-validate.x1');
  assert.ok(s);
  assert.match(s!, /hafleet_cleanup\(\) \{ rm -rf -- '\/tmp\/hafleet-validate.x1'; \}\ntrap hafleet_cleanup EXIT/);
  assert.match(s!, /keepalived -t -f '\/tmp\/hafleet-validate.x1\/check\/etc\/keepalived\/keepalived.conf'/);
  const onlyScript: HostDesired = { ...want, files: [want.files[1]!] };
  const p2 = plan(new Map([['lb1', onlyScript]]), new Map([['lb1', { ok: true, value: facts }]]));
  assert.equal(planValidationScript(p2.hosts[0] as never, new Map([['lb1', onlyScript]]), '/tmp/v'), null);
});

test('script output: validator messages decoded, foreign lines kept apart', () => {
  const msg = Buffer.from('(Line 4) number 300 outside range').toString('base64');
  const r = parseScriptOutput(`@@hafleet step validate\n@@hafleet invalid /etc/a b.conf ${msg}\nnoise\n@@hafleet fail validate ${Buffer.from('rejected').toString('base64')}\n`);
  assert.deepEqual(r.validations, [{ path: '/etc/a b.conf', ok: false, message: '(Line 4) number 300 outside range' }]);
  assert.deepEqual(r.other, ['noise']);
  assert.deepEqual(r.events.map((e) => [e.event, e.rest]), [['step', 'validate'], ['fail', 'validate rejected']]);
});

test('deploy script with a look: nginx workers and one request per port after validation, before the first rename; none without', () => {
  const s = deployScript({ ...input, look: [{ port: 80, host: 'web' }] });
  const at = (re: RegExp) => s.search(re);
  assert.ok(at(/step validate/) < at(/step look/), 'a rejected config needs no baseline');
  assert.ok(at(/step look/) < at(/hafleet_workers\n/) && at(/hafleet_workers\n/) < at(/http 80 \$\(curl/));
  assert.ok(at(/http 80 \$\(curl/) < at(/step install/) && at(/step install/) < at(/mv -f -- '\/etc\/nginx\/conf.d\/.hafleet-tmp-/), 'before anything changes');
  assert.match(s, /-H 'Host: web' 'http:\/\/127\.0\.0\.1:80\/'/);
  assert.ok(!deployScript(input).includes('step look'));
  assert.ok(!deployScript({ ...input, look: [] }).includes('step look'));
});

test("the deploy script's look runs under its set -u and goes on whatever nginx's state (here: none answers)", () => {
  const r = spawnSync('bash', ['-c', ['set -u', 'umask 077', ...serveLookLines([{ port: 1, host: 'x' }]), 'echo "@@hafleet end"'].join('\n')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^@@hafleet http 1 0+\n@@hafleet end\n$/m);
});
