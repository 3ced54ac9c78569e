import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rollbackScript, rollbackInput } from '../../../src/apply/cluster-rollback.js';
import type { HostPlan } from '../../../src/plan/index.js';

const HOSTILE = `/etc/a'b "c" $(touch /tmp/hafleet-pwn-rb) \`id\`;x.conf`;

function shellcheck(script: string): string {
  const r = spawnSync('shellcheck', ['-s', 'bash', '-S', 'warning', '-'], { input: script, encoding: 'utf8' });
  return r.status === 0 ? '' : r.stdout + r.stderr;
}

test('the rollback script parses, passes ShellCheck, and carries a hostile path as one quoted word', () => {
  const s = rollbackScript({ deployId: 'p1', paths: ['/etc/keepalived/keepalived.conf', HOSTILE], handlers: [{ name: "reload 'x'", command: 'true', check: 'true' }], record: '{"planId":"p0"}\n' });
  assert.equal(spawnSync('bash', ['-n'], { input: s }).status, 0);
  assert.equal(shellcheck(s), '');
  assert.match(s, /^umask 077$/m, 'the restored copies and the record are not for other users');
  assert.ok(s.includes(`hafleet_restore '/etc/a'\\''b "c" $(touch /tmp/hafleet-pwn-rb) \`id\`;x.conf'`));
  // Reverse install order: the file keepalived.conf names is restored after keepalived.conf.
  assert.ok(s.indexOf('hafleet_restore \'/etc/a') < s.indexOf("hafleet_restore '/etc/keepalived/keepalived.conf'"));
});

test('run for real in a temp dir: backups restored, created files removed, handlers run, old record back, hostile name harmless', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-rb-'));
  try {
    const etc = join(dir, 'etc');
    const back = join(dir, 'backup');
    mkdirSync(etc);
    const updated = join(etc, 'keepalived.conf');
    const created = join(etc, "new $(touch pwned) `touch pwned` 'x'.conf");
    writeFileSync(updated, 'new\n');
    writeFileSync(created, 'new\n');
    mkdirSync(join(back, 'p1', etc), { recursive: true });
    writeFileSync(join(back, 'p1', updated), 'old\n', { mode: 0o640 });
    const record = join(dir, 'last-deploy.json');
    writeFileSync(record, '{"planId":"p1"}\n');
    const s = rollbackScript({
      deployId: 'p1', paths: [updated, created], backupRoot: back, recordPath: record, healthTries: 2,
      handlers: [{ name: 'reload', command: `echo ran >> ${dir}/handler`, check: `test -e ${dir}/handler` }], record: '{"planId":"p0"}\n',
    });
    const r = spawnSync('bash', ['-s'], { input: s, encoding: 'utf8', cwd: dir });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /@@hafleet rolled-back/);
    assert.equal(readFileSync(updated, 'utf8'), 'old\n');
    assert.equal(statSync(updated).mode & 0o777, 0o640, 'the old mode comes back with the old file');
    assert.ok(!existsSync(created), 'a file this deploy created is removed');
    assert.equal(readFileSync(join(dir, 'handler'), 'utf8'), 'ran\n');
    assert.equal(readFileSync(record, 'utf8'), '{"planId":"p0"}\n');
    assert.equal(statSync(record).mode & 0o777, 0o600);
    assert.ok(!existsSync(join(dir, 'pwned')) && !existsSync(join(etc, 'pwned')), 'nothing in a path is run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no backup of this deploy: the script refuses to guess (exit 12) instead of deleting files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-rb-'));
  try {
    const f = join(dir, 'a.conf');
    writeFileSync(f, 'new\n');
    const r = spawnSync('bash', ['-s'], { input: rollbackScript({ deployId: 'gone', paths: [f], handlers: [], record: null, backupRoot: join(dir, 'backup'), recordPath: join(dir, 'rec') }), encoding: 'utf8' });
    assert.equal(r.status, 12);
    assert.ok(existsSync(f));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a handler failing during the rollback is reported, and the exit says so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-rb-'));
  try {
    mkdirSync(join(dir, 'backup', 'p1'), { recursive: true });
    const r = spawnSync('bash', ['-s'], { input: rollbackScript({ deployId: 'p1', paths: [], handlers: [{ name: 'reload nginx', command: 'echo nope >&2; false' }], record: null, backupRoot: join(dir, 'backup'), recordPath: join(dir, 'rec') }), encoding: 'utf8' });
    assert.equal(r.status, 1);
    const line = r.stdout.split('\n').find((l) => l.startsWith('@@hafleet rollback-fail handler '))!;
    assert.equal(Buffer.from(line.split(' ')[3]!, 'base64').toString(), 'reload nginx: nope');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rollbackInput: the paths the deploy touched and the handlers it ran, for this service manager, and the old record', () => {
  const h = {
    host: 'lb1', status: 'planned', handlers: ['reload nginx'], recordCurrent: false, validations: [],
    changes: [{ kind: 'unchanged', path: '/a' }, { kind: 'update', path: '/b' }, { kind: 'delete', path: '/c' }],
  } as unknown as HostPlan;
  const want = { handlers: [{ name: 'reload nginx', order: 1, commands: { systemd: 'systemctl reload nginx', sysv: 's', direct: 'nginx -s reload' }, check: 'chk' }] } as any;
  const facts = { serviceManager: 'direct', lastDeploy: { at: 't', by: 'b', planId: 'p0', files: [] } } as any;
  const i = rollbackInput('p1', h, want, facts)!;
  assert.deepEqual(i.paths, ['/b', '/c']);
  assert.deepEqual(i.handlers, [{ name: 'reload nginx', command: 'nginx -s reload', check: 'chk' }]);
  assert.equal(JSON.parse(i.record!).planId, 'p0');
  assert.equal(rollbackInput('p1', { ...h, status: 'unreachable' } as any, want, facts), null);
});
