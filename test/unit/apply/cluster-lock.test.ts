import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeClusterLock } from '../../../src/apply/index.js';
import { clusterLockDir, keeperScript, lockHolder, releaseCommand } from '../../../src/apply/cluster-lock.js';
import type { ExecOptions, ExecOutput, HostRef, Outcome, Transport } from '../../../src/transport/types.js';
import { FakeClock, ref } from './fake-transport.js';

const base = { cluster: 'web', by: 'alice@ctl', deployId: 'p1', now: '2026-12-04T10:00:00.000Z', token: 'tok', breakLock: false };

test('the lock directory: a plain cluster name as is, anything else as a digest (never a path or a shell word)', () => {
  assert.equal(clusterLockDir('web'), '/var/lib/hafleet/cluster-web.lock');
  for (const bad of ['../../etc', 'a b', "x'$(id)", '.hidden', 'a/b', 'x'.repeat(80)]) assert.match(clusterLockDir(bad), /^\/var\/lib\/hafleet\/cluster-h[0-9a-f]{16}\.lock$/, bad);
});

test('the keeper script parses and passes ShellCheck, hostile values quoted', () => {
  const s = keeperScript({ ...base, by: `a'$(touch /tmp/pwn)\nb`, deployId: '`id`' });
  assert.equal(spawnSync('bash', ['-n'], { input: s }).status, 0);
  const sc = spawnSync('shellcheck', ['-s', 'bash', '-S', 'warning', '-'], { input: s, encoding: 'utf8' });
  assert.equal(sc.status, 0, sc.stdout);
  assert.match(s, /^umask 077$/m);
});

test('lockHolder: who, since when, which deploy, from a locked line', () => {
  assert.deepEqual(lockHolder('12 yes by=bob@adm pid=42 at=2026-12-04T10:00:00Z deploy=p9 boot=b start=1'), { age: '12', alive: true, who: 'by bob@adm, since 2026-12-04T10:00:00Z, deploy p9' });
  assert.deepEqual(lockHolder(''), { age: '?', alive: false, who: 'no holder info' });
});

/** Runs the keeper for real in a temp dir; `closeStdout` mimics the SSH session going away. */
function runKeeper(dir: string, token: string) {
  const child = spawn('bash', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stdin.end(keeperScript({ ...base, token, dir }));
  const exited = new Promise<number>((r) => child.on('exit', (c) => r(c ?? -1)));
  return { exited, out: () => out, child };
}

async function until(what: string, f: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the keeper for real: holds the lock, a second keeper is refused naming the holder, release ends it and removes the lock', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hafleet-cl-'));
  const dir = join(tmp, 'cluster-web.lock');
  try {
    const one = runKeeper(dir, 't1');
    await until('first keeper holds', () => one.out().includes('@@hafleet cluster-locked'));
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), 't1');
    assert.match(readFileSync(join(dir, 'info'), 'utf8'), /^by=alice@ctl$/m);
    const two = runKeeper(dir, 't2');
    assert.equal(await two.exited, 75);
    assert.match(two.out(), /@@hafleet locked \d+ yes .*by=alice@ctl .*deploy=p1/);
    assert.ok(statSync(join(dir, 'wake')).isFIFO(), 'the keeper waits on a FIFO of the lock');
    assert.equal(spawnSync('bash', ['-c', releaseCommand(dir, 'not-the-token')]).status, 0);
    assert.ok(!existsSync(join(dir, 'release')), 'another token asks nothing');
    assert.equal(spawnSync('bash', ['-c', releaseCommand(dir, 't1')]).status, 0);
    assert.equal(await one.exited, 0);
    assert.ok(!existsSync(dir), 'released');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the release command never makes a wake file where the keeper has no FIFO (an older keeper, or none)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-cl-'));
  try {
    writeFileSync(join(dir, 'token'), 't1');
    assert.equal(spawnSync('bash', ['-c', releaseCommand(dir, 't1')]).status, 0);
    assert.ok(existsSync(join(dir, 'release')), 'asked by the file');
    assert.ok(!existsSync(join(dir, 'wake')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the keeper for real: its session going away (stdout closed) releases the lock', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hafleet-cl-'));
  const dir = join(tmp, 'cluster-web.lock');
  try {
    const one = runKeeper(dir, 't1');
    await until('keeper holds', () => one.out().includes('@@hafleet cluster-locked'));
    one.child.stdout.destroy();
    assert.equal(await one.exited, 0);
    assert.ok(!existsSync(dir), 'a keeper that lost its session does not keep the cluster locked');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** A transport whose keeper exec answers as each director is told to. */
class LockFleet implements Transport {
  readonly log: string[] = [];
  readonly tokens = new Map<string, string>();
  private readonly ends = new Map<string, () => void>();
  constructor(private readonly how: Record<string, 'take' | 'locked' | 'unreachable' | 'stale' | 'says-locked'>) {}
  async exec(h: HostRef, cmd: string, o: ExecOptions = {}): Promise<Outcome<ExecOutput>> {
    const how = this.how[h.name] ?? 'take';
    if (how === 'unreachable') return { ok: false, failure: { kind: 'unreachable', host: h.name, message: 'connect ETIMEDOUT' } };
    const ok = (stdout: string, code = 0): Outcome<ExecOutput> => ({ ok: true, value: { code, stdout, stderr: '' } });
    if (cmd === 'bash -s') {
      this.log.push(`keeper ${h.name}`);
      if (how === 'locked') return ok('@@hafleet locked 30 yes by=bob@adm pid=7 at=2026-12-04T09:59:00Z deploy=p0 boot=x start=1\n', 75);
      this.tokens.set(h.name, /printf %s '([0-9a-f]+)' >/.exec(String(o.stdin))![1]!);
      const stale = how === 'stale' ? '@@hafleet lock-stale 9000 by=carol@old pid=4 at=2026-12-01T00:00:00Z deploy=p-1 boot=y start=2\n' : '';
      // A streaming transport: the keeper's line as it comes, split across two pieces.
      if (how === 'says-locked') setImmediate(() => { o.onStdout?.(Buffer.from('@@hafleet cluster-lo')); o.onStdout?.(Buffer.from('cked\n')); });
      // Held until released, as the real keeper.
      return new Promise((resolve) => this.ends.set(h.name, () => resolve(ok(`${stale}@@hafleet cluster-locked\n.\n@@hafleet cluster-released\n`))));
    }
    if (cmd.startsWith('cat -- ')) {
      this.log.push(`look ${h.name}`);
      return ok(this.how[h.name] === 'says-locked' ? '' : this.tokens.get(h.name) ?? '');
    }
    this.log.push(`release ${h.name}`);
    this.ends.get(h.name)?.();
    return ok('');
  }
  async put(): Promise<Outcome<void>> {
    return { ok: true, value: undefined };
  }
  async get(): Promise<Outcome<Buffer | null>> {
    return { ok: true, value: null };
  }
  async close(): Promise<void> {}
}

const opts = { cluster: 'web', by: 'me@adm', deployId: 'p1', now: 'n', breakLock: false, force: false };

test('takeClusterLock: held on every director → ok; release asks each keeper to end', async () => {
  const t = new LockFleet({});
  const r = await takeClusterLock(t, [ref('lb1'), ref('lb2')], { ...opts, clock: new FakeClock() });
  assert.ok(r.ok);
  await r.release();
  assert.deepEqual(t.log.filter((l) => !l.startsWith('look')).sort(), ['keeper lb1', 'keeper lb2', 'release lb1', 'release lb2']);
});

test('takeClusterLock: the keeper\'s cluster-locked line, streamed as it comes, is enough (no token look answers here)', async () => {
  const t = new LockFleet({ lb1: 'says-locked', lb2: 'says-locked' });
  const clock = new FakeClock();
  const r = await takeClusterLock(t, [ref('lb1'), ref('lb2')], { ...opts, clock });
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.deepEqual(t.log.filter((l) => l.startsWith('look')), [], 'held on the line alone, before any look at the token file');
  await r.release();
});

test('takeClusterLock: held elsewhere on one director → refused naming the holder, the lock taken on the other is given back', async () => {
  const t = new LockFleet({ lb2: 'locked' });
  const r = await takeClusterLock(t, [ref('lb1'), ref('lb2')], { ...opts, clock: new FakeClock() });
  assert.ok(!r.ok);
  assert.equal(r.host, 'lb2');
  assert.match(r.message, /cluster web is locked on lb2 by another deploy \(by bob@adm, since 2026-12-04T09:59:00Z, deploy p0; held for 30s, its process is alive\)/);
  assert.match(r.hint, /wait for that deploy/);
  assert.ok(t.log.includes('release lb1'));
});

test('takeClusterLock: a director that cannot be reached refuses the cluster, unless --force (then a warning)', async () => {
  const refused = await takeClusterLock(new LockFleet({ lb2: 'unreachable' }), [ref('lb1'), ref('lb2')], { ...opts, clock: new FakeClock() });
  assert.ok(!refused.ok && /cannot take the lock of cluster web on lb2: connect ETIMEDOUT/.test(refused.message) && /--force/.test(refused.hint));
  const forced = await takeClusterLock(new LockFleet({ lb2: 'unreachable' }), [ref('lb1'), ref('lb2')], { ...opts, force: true, clock: new FakeClock() });
  assert.ok(forced.ok);
  assert.deepEqual(forced.warnings, ['lb2: not locked (connect ETIMEDOUT); going on because of --force']);
  assert.deepEqual(forced.unlocked, ['lb2']);
});

test('takeClusterLock: a lock whose holder is gone, taken over by the keeper, is said when the lane ends', async () => {
  const t = new LockFleet({ lb2: 'stale' });
  const r = await takeClusterLock(t, [ref('lb1'), ref('lb2')], { ...opts, clock: new FakeClock() });
  assert.ok(r.ok);
  assert.deepEqual(await r.release(), ['lb2: took over the lock of cluster web from a deploy that is gone (by carol@old, since 2026-12-01T00:00:00Z, deploy p-1)']);
});

test('the keeper for real: a lock left by a run of an earlier boot is taken over and said (lock-stale)', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hafleet-cl-'));
  const dir = join(tmp, 'cluster-web.lock');
  try {
    spawnSync('bash', ['-c', `mkdir -p '${dir}' && printf 'by=carol@old\\npid=1\\nat=2026-12-01T00:00:00Z\\ndeploy=p-1\\nboot=not-this-boot\\nstart=1\\n' > '${dir}/info'`]);
    const one = runKeeper(dir, 't1');
    await until('keeper holds', () => one.out().includes('@@hafleet cluster-locked'));
    assert.match(one.out(), /@@hafleet lock-stale \d+ by=carol@old .*deploy=p-1/);
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), 't1');
    spawnSync('touch', [join(dir, 'release')]);
    assert.equal(await one.exited, 0);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
