/**
 * hafleet drill on a 2+2 lab whose directors run the TypeScript VRRP agent (`lab up --engine
 * agent`, advert_int 1, priorities 150/100, preempt): stop-keepalived stops the agent (SIGTERM:
 * priority-0 advert, the backup waits Skew_Time only), kill-keepalived SIGKILLs it (the backup
 * waits out Master_Down_Interval; the stale VIP goes with the restore), and the restore starts the
 * agent again through the role's handler. The CLI runs in the lab's admin namespace. Needs dist/
 * built (`npx tsc -p tsconfig.json`): the lab's agent command runs it. Figures printed at the end.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';

let lab: TestLab;
const figures: Record<string, any> = {};
const AGENT_PID = '/run/hafleet/agent.pid';
const AGENT_CONF = '/etc/keepalived/hafleet-agent.conf';

async function drill(args: string[]): Promise<{ code: number; stdout: string; stderr: string; doc: any }> {
  return lab.hafleetJson(['drill', '-i', lab.inventoryPath, ...args], { timeoutMs: 300_000 });
}

async function verifyPasses(): Promise<void> {
  let last = { code: -1, stdout: '', stderr: '' };
  await waitFor('verify to pass', async () => {
    last = await lab.hafleet(['verify', '-i', lab.inventoryPath], { timeoutMs: 120_000 });
    return last.code === 0;
  }, { timeoutMs: 60_000, intervalMs: 1000 }).catch((e: Error) => assert.fail(`${e.message}\n${last.stdout}${last.stderr}`));
}

/** The running agent's pid on `host` (pid file, live, its command line names the agent's config). */
async function agentPid(host: string): Promise<number | null> {
  const r = await lab.hostExec(host, `p=$(cat ${AGENT_PID} 2>/dev/null) && kill -0 "$p" 2>/dev/null && tr '\\0' ' ' < /proc/$p/cmdline && echo "@$p"`);
  const m = /^(.*)@(\d+)$/.exec(r.stdout.trim());
  return r.code === 0 && m && m[1]!.includes(AGENT_CONF) ? Number(m[2]) : null;
}

/** One fault through the CLI (name as given: an alias too), checked as every fault must be. */
async function runFault(name: string, fault: string): Promise<any> {
  await verifyPasses();
  const before = await agentPid('lb1');
  assert.ok(before, 'the agent runs on lb1 before the fault');
  const r = await drill(['--fault', name, '--json']);
  assert.ok(r.doc, `JSON on stdout (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  assert.ok(r.doc.outcomes, `refused: ${r.doc.refused} ${JSON.stringify(r.doc.verify?.findings?.filter((f: any) => !f.ok))}`);
  const o = r.doc.outcomes.find((x: any) => x.fault === fault);
  assert.ok(o, `an outcome for ${fault}: skipped ${JSON.stringify(r.doc.skipped)} ${r.doc.stoppedEarly ?? ''}`);
  assert.deepEqual(o.problems, [], `${fault} problems (stderr: ${r.stderr.slice(-1500)})`);
  assert.equal(o.record.target, 'lb1');
  assert.match(o.record.marks.find((m: any) => m.kind === 'fault').note, /VRRP speaker hafleet agent/);
  assert.equal(r.doc.verifyAfter.ok, true, 'verify passes after the drill');
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  // The restore started a new agent, through the role's handler (the wrapper writes the pid file),
  // with the command for the inventory's service_manager (the lab says direct), as apply does.
  assert.match(o.record.marks.find((m: any) => m.kind === 'restore-done').note, /lb1 restored \(VRRP speaker started by the handler 'reload hafleet-agent' \(direct\)/);
  const after = await agentPid('lb1');
  assert.ok(after && after !== before, `a new agent runs on lb1 (before ${before}, after ${after})`);
  assert.equal(await lab.vipHolder(), 'lb1', 'preempt: the VIP is back on lb1');
  figures[fault] = o.measures;
  return o;
}

describe('hafleet drill on a 2+2 lab with the VRRP agent', { timeout: 1_200_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 2, engine: 'agent' });
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(d.code, 0, d.stderr);
    await lab.waitForVipHolder('lb1', { timeoutMs: 30_000 });
    await verifyPasses();
    for (const lb of ['lb1', 'lb2']) assert.ok(await agentPid(lb), `the agent runs on ${lb}`);
  });
  after(async () => {
    await lab?.down();
  });

  it('stop-keepalived (as stop-vrrp) stops the agent: priority 0, the backup takes over after Skew_Time', async () => {
    const o = await runFault('stop-vrrp', 'stop-keepalived');
    assert.equal(o.measures.newHolder, 'lb2');
    assert.equal(o.measures.bound.ms, 609.4);
    assert.ok(o.measures.failoverMs < 1000, `failover ${o.measures.failoverMs} ms vs bound ${o.measures.bound.ms} ms`);
    // Counted from lb1's priority-0 advert: the backup waits Skew_Time, give or take scheduling.
    assert.ok(Math.abs(o.measures.overBoundMs) <= 300, `${o.measures.sinceLastAdvertMs} ms after the priority-0 advert vs bound ${o.measures.bound.ms} ms`);
    assert.ok(o.measures.releasedBeforeRestore, 'the agent removes its VIP on SIGTERM');
    assert.ok(o.record.adverts.some((a: any) => a.src === o.record.masterAddress && a.priority === 0), 'a priority-0 advert from lb1 on the wire');
    assert.ok(o.measures.garpSeen > 0, 'gratuitous ARP seen from the new master');
    assert.equal(o.measures.requests.failedAfterRetry, 0, 'no request fails when the client retries once');
  });

  it('kill-keepalived SIGKILLs the agent: the backup waits out Master_Down_Interval; the stale VIP goes with the restore', async () => {
    const o = await runFault('kill-keepalived', 'kill-keepalived');
    assert.equal(o.measures.newHolder, 'lb2');
    assert.equal(o.measures.releasedBeforeRestore, false, 'SIGKILL leaves the VIP on lb1');
    assert.equal(o.record.adverts.some((a: any) => a.src === o.record.masterAddress && a.priority === 0), false, 'no priority-0 advert from a killed agent');
    assert.equal(o.measures.bound.ms, 3609.4);
    const measured = o.measures.sinceLastAdvertMs ?? o.measures.failoverMs;
    assert.ok(Math.abs(o.measures.overBoundMs) <= 300, `failover ${measured} ms vs bound ${o.measures.bound.ms} ms`);
  });

  it('prints the measured failovers', () => {
    const rows = Object.entries(figures).map(([fault, m]) => {
      const q = m.requests;
      return `${fault.padEnd(16)} failover ${String(m.failoverMs ?? '-').padStart(7)} ms  since advert ${String(m.sinceLastAdvertMs ?? '-').padStart(7)} ms  bound ${String(m.bound?.ms ?? '-').padStart(7)} ms  recovery ${String(m.recoveryMs ?? '-').padStart(7)} ms  requests ${q.sent} sent, ${q.failed} failed, ${q.failedAfterRetry} failed after retry, gap ${q.longestGapMs} ms`;
    });
    console.log(['measured on the agent lab (advert_int 1, priorities 150/100):', ...rows].join('\n'));
    assert.ok(rows.length > 0, 'no fault ran');
  });
});
