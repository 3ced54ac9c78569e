import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLockLines, releaseLockLines } from '../../../src/apply/lock-lines.js';
import { wrapScript } from '../../../src/apply/shell.js';

const LOCKED = 75;
const info = { by: 'me@ctl', deployId: 'd-new', now: '2026-12-04T00:00:00Z' };
const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

function startTime(pid: number): string {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(') ') + 2).split(' ')[19]!;
}

/** Run acquire + `body` + release in bash (the lock lines are bash, as every deploy script). */
function run(lockDir: string, body: string[] = [], breakLock = false) {
  const script = wrapScript([...acquireLockLines(lockDir, info, LOCKED, { breakLock }), 'echo HELD', `cat ${lockDir}/info`, ...body, ...releaseLockLines(lockDir)]);
  const r = spawnSync('bash', ['-s'], { input: script, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'hafleet-lock-test-'));
}

test('lock: a free lock is taken with boot id and start time, and released at the end', () => {
  const d = freshDir();
  const lock = join(d, 'state', 'lock');
  const r = run(lock);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /HELD/);
  assert.match(r.out, new RegExp(`boot=${bootId}`));
  assert.match(r.out, /^start=\d+$/m);
  assert.match(r.out, /^by=me@ctl$/m);
  assert.ok(!existsSync(lock), 'released');
  rmSync(d, { recursive: true });
});

test('lock: a live holder (same boot, pid alive with the recorded start time) refuses with the locked line', async () => {
  const d = freshDir();
  const lock = join(d, 'lock');
  const holder = spawn('sleep', ['30']);
  try {
    await new Promise((r) => setTimeout(r, 50));
    mkdirSync(lock);
    writeFileSync(join(lock, 'info'), `by=other@ctl\npid=${holder.pid}\nat=x\ndeploy=d-old\nboot=${bootId}\nstart=${startTime(holder.pid!)}\n`);
    const r = run(lock);
    assert.equal(r.code, LOCKED);
    assert.match(r.out, /^@@hafleet locked \d+ yes by=other@ctl pid=\d+ at=x deploy=d-old /m);
    assert.ok(!r.out.includes('HELD'));
    assert.match(readFileSync(join(lock, 'info'), 'utf8'), /deploy=d-old/, 'the holder keeps its lock');
  } finally {
    holder.kill();
    rmSync(d, { recursive: true });
  }
});

test('lock: pid reused after a reboot or by another process is stale and taken over (defect 22)', async () => {
  const holder = spawn('sleep', ['30']);
  try {
    await new Promise((r) => setTimeout(r, 50));
    const cases = {
      'other boot': `pid=${holder.pid}\nboot=00000000-0000-0000-0000-000000000000\nstart=${startTime(holder.pid!)}\n`,
      'other start time': `pid=${holder.pid}\nboot=${bootId}\nstart=1\n`,
      'dead pid': `pid=999999999\nboot=${bootId}\nstart=1\n`,
      'old version, dead pid': `by=old\npid=999999999\nat=x\n`,
      garbage: `pid=$(id)\n`,
    };
    for (const [name, content] of Object.entries(cases)) {
      const d = freshDir();
      const lock = join(d, 'lock');
      mkdirSync(lock);
      writeFileSync(join(lock, 'info'), `by=old@ctl\ndeploy=d-old\n${content}`);
      const r = run(lock);
      assert.equal(r.code, 0, `${name}: ${r.out}${r.err}`);
      assert.match(r.out, /^@@hafleet lock-stale \d+ by=old@ctl deploy=d-old /m, name);
      assert.match(r.out, /HELD[\s\S]*deploy=d-new/, name);
      assert.deepEqual(readdirSync(d), [], `${name}: nothing left aside`);
      rmSync(d, { recursive: true });
    }
  } finally {
    holder.kill();
  }
});

test('lock: a lock being created (no info yet) is live for a few seconds, then stale', () => {
  const d = freshDir();
  const lock = join(d, 'lock');
  mkdirSync(lock);
  assert.equal(run(lock).code, LOCKED);
  spawnSync('touch', ['-d', '1 minute ago', lock]);
  const r = run(lock);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /lock-stale/);
  rmSync(d, { recursive: true });
});

test('lock: --break-lock removes even a live lock; release leaves a lock that is not ours', () => {
  const d = freshDir();
  const lock = join(d, 'lock');
  mkdirSync(lock);
  writeFileSync(join(lock, 'info'), `by=x\npid=1\nboot=${bootId}\nstart=${startTime(1)}\n`);
  assert.equal(run(lock).code, LOCKED);
  const r = run(lock, [], true);
  assert.equal(r.code, 0);
  assert.match(r.out, /@@hafleet lock-broken by=x pid=1/);
  // Someone breaks our lock and takes it while we run: our release must not remove theirs.
  const r2 = run(lock, [`printf 'pid=1\\nstart=${startTime(1)}\\n' > ${lock}/info`]);
  assert.equal(r2.code, 0);
  assert.ok(existsSync(join(lock, 'info')));
  rmSync(d, { recursive: true });
});

test('lock: hostile holder names stay on one line and are never run', () => {
  const d = freshDir();
  const lock = join(d, 'lock');
  const script = wrapScript([...acquireLockLines(lock, { by: "a'$(touch " + d + "/pwn)`id`\nb", deployId: 'x";id;"', now: 'n' }, LOCKED), `cat ${lock}/info`]);
  const r = spawnSync('bash', ['-s'], { input: script, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^by=a'\$\(touch .*\/pwn\)`id`\?b$/m);
  assert.match(r.stdout, /^deploy=x";id;"$/m);
  assert.ok(!existsSync(join(d, 'pwn')));
  rmSync(d, { recursive: true });
});
