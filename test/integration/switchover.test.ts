/**
 * hafleet switchover and maintenance on a real 2+2 lab with keepalived (advert_int 1, preempt),
 * the CLI run in the lab's admin namespace, with requests through the VIP during every move
 * (the commands' own observers, as drill's). A few moves each way here; the 10-each-way figures
 * come from bench/switchover.ts. Figures are printed, not asserted against a clock.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labCommand } from '../../src/lab/index.js';
import { keeperScript, clusterLockDir } from '../../src/apply/cluster-lock.js';
import { startLab, REPO_ROOT, type TestLab } from './support/lab.js';
import { spawnCollecting } from './support/spawn.js';
import { waitFor } from './support/wait.js';

let lab: TestLab;
const moves: { from: string; to: string; moveMs: number; sent: number; failed: number; slowestMs: number }[] = [];

async function ops(args: string[]): Promise<{ code: number; stdout: string; stderr: string; doc: any }> {
  return lab.hafleetJson([...args, '-i', lab.inventoryPath, '--json'], { timeoutMs: 180_000 });
}

async function switchover(to: string): Promise<any> {
  const r = await ops(['switchover', '--to', to]);
  assert.ok(r.doc, `JSON on stdout (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  const failed = (r.doc.moves ?? []).flatMap((m: any) => m.record.requests.filter((q: any) => !q.ok).map((q: any) => ({ ...q, sinceReleaseMs: Math.round(q.t - m.record.releaseAt) })));
  assert.equal(r.code, 0, `${JSON.stringify(r.doc.refused ?? r.doc.moves?.map((m: any) => m.problems))} failed requests: ${JSON.stringify(failed)} ${r.stderr.slice(-1500)}`);
  return r.doc;
}

// The lab names its instance web_<lab index>; the watchdog's token file sits beside it (vrrp-move-web_N.release).
const moveFile = (host: string) => lab.hostExec(host, 'f=$(ls /var/lib/hafleet/vrrp-move-* 2>/dev/null | grep -v "\\." | head -1); [ -n "$f" ] && cat "$f" || echo missing');

describe('hafleet switchover and maintenance on a 2+2 lab', { timeout: 900_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 2 });
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(d.code, 0, d.stderr);
    await lab.waitForVipHolder('lb1', { timeoutMs: 20_000 });
  });
  after(async () => {
    await lab?.down();
  });

  it('refuses before anything changes: a target that is not a director (64), a split brain (1)', async () => {
    const notDirector = await ops(['switchover', '--to', 'web1']);
    assert.equal(notDirector.code, 64, notDirector.stderr);
    assert.match(notDirector.stderr, /web1 is not a director/);
    await lab.hostExec('lb2', `ip addr add ${lab.vip}/24 dev eth0`);
    try {
      const split = await ops(['switchover', '--to', 'lb2']);
      assert.equal(split.code, 1, split.stderr);
      assert.equal(split.doc.refused.some((x: any) => x.code === 'split-brain'), true, JSON.stringify(split.doc.refused));
      assert.match(split.stderr, /split brain/);
    } finally {
      await lab.hostExec('lb2', `ip addr del ${lab.vip}/24 dev eth0`);
    }
    assert.equal((await moveFile('lb1')).stdout.trim(), 'missing', 'nothing written (a missing file reads as 0)');
    assert.equal(await lab.waitForVipHolder('lb1'), 'lb1');
  });

  it('switchover lb1 → lb2 → lb1, twice: the VIP moves with no failed request and never two holders', async () => {
    for (let i = 0; i < 2; i++) {
      for (const [from, to] of [['lb1', 'lb2'], ['lb2', 'lb1']] as const) {
        const doc = await switchover(to);
        assert.equal(doc.moves.length, 1);
        const m = doc.moves[0];
        assert.equal(m.from, from);
        assert.ok(m.measures.moveMs !== null, 'the target took the VIP');
        assert.equal(m.measures.requests.failed, 0, `no request through the VIP failed: ${JSON.stringify(m.record.requests.filter((q: any) => !q.ok).map((q: any) => ({ ...q, sinceReleaseMs: Math.round(q.t - m.record.releaseAt) })))}`);
        assert.ok(m.measures.requests.sent > 10, 'requests ran during the move');
        assert.equal(m.measures.twoHoldersMs, 0, 'never two holders');
        assert.deepEqual(m.problems, []);
        assert.equal(await lab.vipHolder(), to);
        moves.push({ from, to, moveMs: m.measures.moveMs, sent: m.measures.requests.sent, failed: m.measures.requests.failed, slowestMs: m.measures.slowestMs });
      }
      // On lb2 the old holder stays below it (preempt would take it back); back on lb1 all is 0.
    }
    assert.equal((await moveFile('lb1')).stdout.trim(), '0');
    assert.equal((await moveFile('lb2')).stdout.trim(), '0');
  });

  it('after a switchover to lb2 the VIP stays there: preempt does not take it back (lb1 settles below lb2)', async () => {
    await switchover('lb2');
    assert.equal((await moveFile('lb1')).stdout.trim(), '-51');
    // Longer than Master_Down_Interval (~3.6 s): a preempting lb1 would have taken it by then.
    for (let i = 0; i < 5; i++) {
      assert.equal(await lab.vipHolder(), 'lb2');
      await new Promise((res) => setTimeout(res, 1000));
    }
    const again = await switchover('lb2');
    assert.equal(again.unchanged.length, 1, 'already there: nothing moves');
    await switchover('lb1');
  });

  it('maintenance on the holder: the VIP moves with no failed request, stays away across a keepalived restart and a deploy; off brings it back', async () => {
    const on = await ops(['maintenance', 'lb1', 'on']);
    assert.equal(on.code, 0, `${on.stderr.slice(-2000)} ${JSON.stringify(on.doc?.refusals ?? on.doc?.problems ?? on.doc)?.slice(0, 2000)}`);
    assert.equal(on.doc.move.measures.requests.failed, 0);
    assert.equal(on.doc.move.measures.twoHoldersMs, 0);
    assert.equal(await lab.vipHolder(), 'lb2');
    moves.push({ from: 'lb1', to: 'lb2 (maintenance)', moveMs: on.doc.move.measures.moveMs, sent: on.doc.move.measures.requests.sent, failed: on.doc.move.measures.requests.failed, slowestMs: on.doc.move.measures.slowestMs });
    // keepalived restarted: the flag is a file it reads at start.
    await lab.hostExec('lb1', 'kill -TERM "$(cat /run/keepalived.pid)"; i=0; while [ -s /run/keepalived.pid ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; keepalived');
    await waitFor('keepalived back on lb1', async () => (await lab.hostExec('lb1', 'test -s /run/keepalived.pid && kill -0 "$(cat /run/keepalived.pid)"')).code === 0, { timeoutMs: 10_000 });
    for (let i = 0; i < 5; i++) {
      assert.equal(await lab.vipHolder(), 'lb2', 'lb1 stays out after its speaker restarted');
      await new Promise((res) => setTimeout(res, 1000));
    }
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(d.code, 0, d.stderr.slice(-2000));
    assert.equal((await lab.hostExec('lb1', 'cat /var/lib/hafleet/maintenance')).stdout.trim(), '1', 'deploy keeps the flag');
    assert.equal(await lab.vipHolder(), 'lb2');
    const twice = await ops(['maintenance', 'lb1', 'on']);
    assert.equal(twice.doc.unchanged, true);
    // Every admin box sees it: the state is on the hosts.
    const listed = await ops(['maintenance', '--list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(listed.doc.directors.map((d: any) => [d.host, d.state.maintenance]), [['lb1', true], ['lb2', false]]);
    assert.match(listed.doc.directors[0].state.info.by, /@/);
    // verify passes and names lb1 as in maintenance; plan lists it too.
    const v = await lab.hafleetJson(['verify', '-i', lab.inventoryPath, '--json'], { timeoutMs: 120_000 });
    assert.equal(v.code, 0, JSON.stringify(v.doc?.report?.findings?.filter((f: any) => !f.ok)));
    assert.deepEqual(v.doc.report.findings.filter((f: any) => f.kind === 'maintenance').map((f: any) => f.host), ['lb1']);
    const p = await lab.hafleetJson(['plan', '-i', lab.inventoryPath, '--json'], { timeoutMs: 120_000 });
    assert.deepEqual(p.doc.maintenance, [{ host: 'lb1', role: 'director' }], p.stderr.slice(-1000));
    // inventory --host stays ansible-inventory's JSON; --live reads the host and says it on stderr.
    const inv = await lab.hafleetJson(['inventory', '-i', lab.inventoryPath, '--host', 'lb1']);
    const live = await lab.hafleetJson(['inventory', '-i', lab.inventoryPath, '--host', 'lb1', '--live'], { timeoutMs: 60_000 });
    assert.equal(live.code, 0, live.stderr);
    assert.equal(live.stdout, inv.stdout, 'the JSON is unchanged by --live');
    assert.ok(live.doc && !('hafleet_maintenance' in live.doc));
    assert.match(live.stderr, /hafleet: lb1 is in maintenance since \S+ by \S+@/);
    const live2 = await lab.hafleetJson(['inventory', '-i', lab.inventoryPath, '--host', 'lb2', '--live'], { timeoutMs: 60_000 });
    assert.match(live2.stderr, /hafleet: lb2 is in service/);
    const off = await ops(['maintenance', 'lb1', 'off']);
    assert.equal(off.code, 0, off.stderr.slice(-2000));
    assert.equal(await lab.waitForVipHolder('lb1', { timeoutMs: 15_000 }), 'lb1', 'preempt: lb1 takes its VIP back');
  });

  it('a second admin is refused while the cluster lock is held, naming who holds it; nothing moves', async () => {
    const dir = clusterLockDir('web');
    const script = keeperScript({ cluster: 'web', by: 'alice@admin2', deployId: 'd-alice', now: new Date().toISOString(), token: 'alice', breakLock: false });
    const keepers = ['lb1', 'lb2'].map((h) => lab.hostExec(h, ['bash', '-c', script], { timeoutMs: 120_000 }));
    try {
      await waitFor('alice holds the lock', async () => (await lab.hostExec('lb1', `cat ${dir}/token`)).stdout.trim() === 'alice', { timeoutMs: 10_000 });
      const r = await ops(['switchover', '--to', 'lb2']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /cluster web is locked on lb\d by another hafleet run \(by alice@admin2/);
      assert.match(r.doc.lockedBy, /alice@admin2/);
      assert.equal(await lab.vipHolder(), 'lb1');
    } finally {
      for (const h of ['lb1', 'lb2']) await lab.hostExec(h, `: > ${dir}/release`);
      await Promise.all(keepers);
    }
  });

  it('rolling maintenance over every host with a command that restarts nginx: no failed request through the VIP', async () => {
    const stop = `/tmp/hafleet-rolling-stop-${process.pid}`;
    rmSync(stop, { force: true });
    // Requests through the VIP from the admin side the whole time: curl waits up to 3 s.
    const loop = lab.adminExec('sh', ['-c', `n=0; f=0; while [ ! -e ${stop} ] && [ $n -lt 4000 ]; do c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 http://${lab.vip}/); n=$((n+1)); case $c in 2*|3*|4*) ;; *) f=$((f+1)); echo "fail $c at $(date +%s.%N)";; esac; sleep 0.05; done; echo "sent $n failed $f"`], { timeoutMs: 900_000 });
    let r;
    try {
      const restart = 'p=$(cat /run/nginx.pid); nginx -s quit; i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; nginx';
      r = await lab.hafleetJson(['maintenance', '--rolling', '-i', lab.inventoryPath, '--limit', 'all', '--json', '--', 'sh', '-c', restart], { timeoutMs: 600_000 });
    } finally {
      writeFileSync(stop, '');
    }
    const traffic = (await loop).stdout;
    rmSync(stop, { force: true });
    assert.ok(r.doc, `JSON (exit ${r.code}): ${r.stderr.slice(-2000)}`);
    assert.equal(r.code, 0, `${JSON.stringify(r.doc)} ${r.stderr.slice(-2000)}`);
    // Realservers first (each drained through the directors' upstreams while its nginx restarts), then directors holding no VIP, the holder last.
    assert.deepEqual(r.doc.steps.map((s: any) => [s.host, s.outcome]), [['web1', 'done'], ['web2', 'done'], ['lb2', 'done'], ['lb1', 'done']]);
    const m = /sent (\d+) failed (\d+)/.exec(traffic);
    assert.ok(m, traffic);
    assert.ok(Number(m[1]) > 50, traffic);
    assert.equal(Number(m[2]), 0, traffic);
    assert.equal(await lab.waitForVipHolder('lb1', { timeoutMs: 15_000 }), 'lb1');
    assert.equal(existsSync(stop), false);
    moves.push({ from: 'rolling', to: 'all', moveMs: NaN, sent: Number(m[1]), failed: Number(m[2]), slowestMs: NaN });
  });

  /**
   * A switchover run as a child process and interrupted (SIGINT, as Ctrl-C) at a point a hook on
   * the hosts or the CLI's own log shows; its JSON says whether the files were put back or the
   * move was finished, and the hosts must agree, with one holder. Returns what it said.
   */
  async function interrupted(args: string[], hook: (err: string) => Promise<boolean>): Promise<{ code: number; doc: any; err: string }> {
    const c = labCommand(lab.state, undefined, [process.execPath, '--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts'), ...args, '-i', lab.inventoryPath, '--json']);
    assert.ok(c.ok);
    // `ip netns exec` execs the command: this pid is the CLI's own.
    const p = spawnCollecting(c.value.cmd, c.value.args, REPO_ROOT);
    try {
      await waitFor('the hook', () => hook(p.err), { timeoutMs: 120_000, intervalMs: 10 });
    } finally {
      p.child.kill('SIGINT');
    }
    const code = await p.exited;
    const { out, err } = p;
    let doc: any = null;
    try {
      doc = JSON.parse(out);
    } catch {
      assert.fail(`JSON on stdout (exit ${code}): ${out.slice(-500)} ${err.slice(-1500)}`);
    }
    return { code, doc, err };
  }

  it('Ctrl-C mid-move (switchover twice, maintenance on once): the output says whether the files were put back or the move finished, the hosts agree, one holder', async (t) => {
    assert.equal(await lab.waitForVipHolder('lb1', { timeoutMs: 15_000 }), 'lb1');
    const before = { lb1: (await moveFile('lb1')).stdout.trim(), lb2: (await moveFile('lb2')).stdout.trim() };
    // 1. While the observers start (the plan is logged, nothing written yet): put back, lb1 keeps the VIP.
    const early = await interrupted(['switchover', '--to', 'lb2'], async (err) => err.includes('priorities after'));
    assert.equal(early.code, 1, early.err.slice(-1500));
    assert.match(early.doc.interrupted, /before lb1 let go: the move files are back as they were, lb1 keeps the VIP/, JSON.stringify(early.doc));
    assert.deepEqual(early.doc.placement, { [lab.vip]: ['lb1'] });
    assert.deepEqual(await lab.vipHolders(), ['lb1']);
    assert.deepEqual({ lb1: (await moveFile('lb1')).stdout.trim(), lb2: (await moveFile('lb2')).stdout.trim() }, before, 'every file as it was');
    // 2. Once the target's bid is in its track file (the move under way): whichever side of the
    // release the signal lands, the output names it and the hosts agree.
    const bid = async () => Number((await moveFile('lb2')).stdout.trim()) > 50;
    const mid = await interrupted(['switchover', '--to', 'lb2'], bid);
    assert.equal(mid.code, 1, mid.err.slice(-1500));
    const released = /after lb1 let go/.test(mid.doc.interrupted ?? '');
    const expected = released ? 'lb2' : 'lb1';
    assert.match(mid.doc.interrupted, released ? /the move files hold the planned values \(lb1 below lb2\)/ : /before lb1 let go/, JSON.stringify(mid.doc));
    assert.deepEqual(mid.doc.placement, { [lab.vip]: [expected] });
    assert.equal(await lab.waitForVipHolder(expected, { timeoutMs: 10_000 }), expected);
    assert.notEqual((await moveFile('lb1')).stdout.trim(), '-254', 'lb1 is not left in FAULT');
    assert.ok(Number((await moveFile('lb2')).stdout.trim()) <= 0, 'the bid is gone');
    assert.equal((await lab.hostExec('lb1', `test -d ${clusterLockDir('web')}`)).code, 1, 'the cluster lock released');
    t.diagnostic(`the SIGINT after the bid landed ${released ? 'after' : 'before'} the release: ${mid.doc.interrupted}`);
    moves.push({ from: 'lb1', to: `interrupted: ${released ? 'after' : 'before'} the release`, moveMs: NaN, sent: 0, failed: 0, slowestMs: NaN });
    // 3. maintenance on the holder, interrupted once its flag is on the host: the output says the
    // host is in maintenance (the flag stays: the state asked for), its VIP on the other director.
    const other = expected === 'lb1' ? 'lb2' : 'lb1';
    const flagOn = async () => (await lab.hostExec(expected, 'cat /var/lib/hafleet/maintenance 2>/dev/null')).stdout.trim() === '1';
    const mnt = await interrupted(['maintenance', expected, 'on'], flagOn);
    assert.equal(mnt.code, 1, mnt.err.slice(-1500));
    assert.match(mnt.doc.interrupted, new RegExp(`after the flag was written: ${expected} is in maintenance`), JSON.stringify(mnt.doc));
    assert.deepEqual(mnt.doc.placement, { [lab.vip]: other });
    assert.deepEqual(await lab.vipHolders(), [other]);
    assert.ok(Number((await moveFile(other)).stdout.trim()) <= 0, 'the successor\'s bid is gone');
    assert.equal((await lab.hostExec('lb1', `test -d ${clusterLockDir('web')}`)).code, 1, 'the cluster lock released');
    // The last test that moves: the lab goes down next, with a host in maintenance.
  });

  it('prints the figures', (t) => {
    t.diagnostic(JSON.stringify(moves));
  });
});
