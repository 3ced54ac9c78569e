/**
 * hafleet drill against a real 2+2 lab with keepalived (advert_int 1, preempt), the CLI run in the
 * lab's admin namespace. Each fault runs on its own: the VIP must do what the fault demands, the
 * fleet must be healthy afterwards (verify passes, lb1 holds the VIP again). The measured
 * failovers are printed at the end.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { startLab, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';

let lab: TestLab;
const figures: Record<string, any> = {};

async function drill(args: string[]): Promise<{ code: number; stdout: string; stderr: string; doc: any }> {
  return lab.hafleetJson(['drill', '-i', lab.inventoryPath, ...args], { timeoutMs: 300_000 });
}

async function verifyPasses(): Promise<void> {
  await waitFor('verify to pass', async () => (await lab.hafleet(['verify', '-i', lab.inventoryPath], { timeoutMs: 120_000 })).code === 0, { timeoutMs: 60_000, intervalMs: 1000 });
}

/** Run one fault and check what every fault must: ran, restored, verify passes, lb1 back (preempt). */
async function runFault(fault: string, extra: string[] = []): Promise<any> {
  await verifyPasses();
  const r = await drill(['--fault', fault, '--json', ...extra]);
  assert.ok(r.doc, `JSON on stdout (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  assert.ok(r.doc.outcomes, `refused: ${r.doc.refused} ${JSON.stringify(r.doc.verify?.findings?.filter((f: any) => !f.ok))}`);
  const o = r.doc.outcomes.find((x: any) => x.fault === fault);
  assert.ok(o, `an outcome for ${fault}: ${JSON.stringify(r.doc.skipped)} ${r.doc.stoppedEarly ?? ''}`);
  assert.deepEqual(o.problems, [], `${fault} problems`);
  assert.equal(r.doc.verifyAfter.ok, true, 'verify passes after the drill');
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  assert.equal(await lab.vipHolder(), 'lb1', 'preempt: the VIP is back on lb1');
  figures[fault] = o.measures;
  return o;
}

describe('hafleet drill on a 2+2 lab', { timeout: 1_500_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 2 });
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(d.code, 0, d.stderr);
    await lab.waitForVipHolder('lb1', { timeoutMs: 20_000 });
    await verifyPasses();
  });
  after(async () => {
    await lab?.down();
  });

  it('asks before drilling a production inventory, and refuses without a terminal or --yes', async () => {
    const hv = join(dirname(lab.inventoryPath), 'host_vars', 'lb1.yml');
    mkdirSync(dirname(hv), { recursive: true });
    writeFileSync(hv, 'hafleet_environment: production\n');
    try {
      const r = await drill(['--fault', 'stop-keepalived']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /production .*--yes/);
      assert.doesNotMatch(r.stderr, /fault stop-keepalived/, 'nothing was injected');
    } finally {
      rmSync(hv);
    }
    assert.equal(await lab.vipHolder(), 'lb1');
  });

  it('refuses to start unless verify passes', async () => {
    await lab.hostExec('lb2', `ip addr add ${lab.vip}/24 dev eth0`);
    try {
      const r = await drill(['--fault', 'stop-keepalived']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /drill refused: verify does not pass/);
      assert.match(r.stderr, /split-brain/);
    } finally {
      await lab.hostExec('lb2', `ip addr del ${lab.vip}/24 dev eth0`);
    }
    await verifyPasses();
  });

  it('stop-keepalived: the backup takes over after Skew_Time, under a second', async () => {
    const o = await runFault('stop-keepalived');
    assert.equal(o.measures.newHolder, 'lb2');
    assert.ok(o.measures.failoverMs < 1000, `failover ${o.measures.failoverMs} ms`);
    assert.ok(o.measures.releasedBeforeRestore, 'keepalived removes its VIP on a graceful stop');
    assert.ok(o.measures.garpSeen > 0, 'gratuitous ARP seen from the new master');
    assert.equal(o.measures.requests.failedAfterRetry, 0, 'no request fails when the client retries once');
  });

  it('switchover: the planned move drilled — the master lets go through its move file, the backup takes over after Skew_Time, the speaker keeps running', async () => {
    const o = await runFault('switchover');
    assert.equal(o.measures.newHolder, 'lb2');
    assert.ok(o.measures.releasedBeforeRestore, 'FAULT removes the VIP');
    assert.ok(o.measures.failoverMs < 1000, `failover ${o.measures.failoverMs} ms`);
    assert.equal(o.measures.requests.failedAfterRetry, 0);
    assert.equal((await lab.hostExec('lb1', 'cat /var/lib/hafleet/vrrp-move-*')).stdout.trim(), '0', 'the restore wrote the value back');
    // Preempt brings the VIP back to lb1 after Master_Down_Interval (≈ 3.6 s): the next fault starts from there.
    assert.equal(await lab.waitForVipHolder('lb1', { timeoutMs: 15_000 }), 'lb1');
    await new Promise((res) => setTimeout(res, 1500));
  });

  it('kill-keepalived: the backup waits out Master_Down_Interval; the stale VIP goes only with the restore', async () => {
    const report = join(tmpdir(), `hafleet-drill-${process.pid}.html`);
    try {
      const o = await runFault('kill-keepalived', ['--report', report]);
      assert.equal(o.measures.newHolder, 'lb2');
      assert.equal(o.measures.releasedBeforeRestore, false, 'SIGKILL leaves the VIP on lb1');
      assert.equal(o.measures.bound.ms, 3609.4);
      assert.ok(Math.abs(o.measures.overBoundMs) <= 300, `failover ${o.measures.sinceLastAdvertMs ?? o.measures.failoverMs} ms vs bound ${o.measures.bound.ms} ms`);
      const html = readFileSync(report, 'utf8');
      assert.match(html, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.equal(/<script|<link|src=|href=|url\(/i.test(html), false, 'self-contained');
      assert.match(html, /kill-keepalived on lb1/);
    } finally {
      rmSync(report, { force: true });
    }
  });

  it('stop-nginx: the track script demotes the master', async () => {
    const o = await runFault('stop-nginx');
    assert.equal(o.measures.newHolder, 'lb2');
    assert.ok(o.measures.releasedBeforeRestore);
    assert.ok(o.measures.failoverMs <= o.measures.bound.ms + 300, `failover ${o.measures.failoverMs} ms vs bound ${o.measures.bound.ms} ms`);
  });

  it('link-down: the backup takes over and lb1 returns once its link is back', async () => {
    const o = await runFault('link-down');
    assert.equal(o.measures.newHolder, 'lb2');
    assert.ok(o.measures.failoverMs <= o.measures.bound.ms + 300, `failover ${o.measures.failoverMs} ms vs bound ${o.measures.bound.ms} ms`);
    assert.equal(o.record.gaps.length, 0, 'the host-side monitor kept recording through the outage');
  });

  it('realserver-down: traffic drains from the stopped backend, the VIP does not move', async () => {
    const o = await runFault('realserver-down');
    assert.equal(o.measures.newHolder, null);
    const target = o.record.target;
    const after = o.record.requests.filter((q: any) => q.t > o.record.marks.find((m: any) => m.kind === 'fault-done').t && q.t < o.record.marks.find((m: any) => m.kind === 'restore').t);
    assert.ok(after.length > 10, 'requests ran during the fault');
    assert.equal(after.filter((q: any) => q.servedBy === target).length, 0, `nothing served by ${target} while it is down`);
    assert.ok(after.every((q: any) => q.ok || q.okAfterRetry), 'the other realserver answered');
  });

  it('nopreempt: after the restore the VIP stays on the backup', async () => {
    const vars = join(dirname(lab.inventoryPath), 'group_vars', 'all.yml');
    const text = readFileSync(vars, 'utf8');
    assert.match(text, /\n {6}advert_int: 1\n/);
    writeFileSync(vars, text.replace(/\n( {6})advert_int: 1\n/, '\n$1advert_int: 1\n$1preempt: false\n'));
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(d.code, 0, d.stderr);
    await verifyPasses();
    const r = await drill(['--fault', 'stop-keepalived', '--json']);
    const o = r.doc?.outcomes?.[0];
    assert.ok(o, r.stderr.slice(-2000));
    assert.deepEqual(o.problems, []);
    assert.equal(o.measures.expectedReturn, 'stayed');
    assert.equal(o.measures.returned, 'stayed');
    assert.equal(await lab.vipHolder(), 'lb2');
    assert.equal(r.code, 0);
  });

  it('prints the measured failovers', () => {
    const rows = Object.entries(figures).map(([fault, m]) => {
      const q = m.requests;
      return `${fault.padEnd(16)} failover ${String(m.failoverMs ?? '-').padStart(7)} ms  since advert ${String(m.sinceLastAdvertMs ?? '-').padStart(7)} ms  bound ${String(m.bound?.ms ?? '-').padStart(7)} ms  requests ${q.sent} sent, ${q.failed} failed, ${q.failedAfterRetry} failed after retry, gap ${q.longestGapMs} ms`;
    });
    console.log(['measured on the lab (advert_int 1, priorities 150/100):', ...rows].join('\n'));
    // Only the faults that ran in this process (a --test-name-pattern run has fewer).
    assert.ok(rows.length > 0, 'no fault ran');
  });
});
