/**
 * hafleet switchover and maintenance on a 2+2 lab whose directors run the TypeScript VRRP agent
 * (`lab up --engine agent`, advert_int 1, priorities 150/100, preempt): the agent reads the same
 * hafleet track_files as keepalived. Needs dist/ built (`npx tsc -p tsconfig.json`): the lab's
 * agent command runs it. Figures printed at the end.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';

let lab: TestLab;
const moves: unknown[] = [];
const AGENT_PID = '/run/hafleet/agent.pid';

async function ops(args: string[]): Promise<{ code: number; stdout: string; stderr: string; doc: any }> {
  const r = await lab.hafleetJson([...args, '-i', lab.inventoryPath, '--json'], { timeoutMs: 180_000 });
  assert.ok(r.doc, `JSON on stdout (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  return r;
}

describe('hafleet switchover and maintenance with the hafleet agent', { timeout: 600_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 2, engine: 'agent' });
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(d.code, 0, d.stderr);
    await lab.waitForVipHolder('lb1', { timeoutMs: 20_000 });
  });
  after(async () => {
    await lab?.down();
  });

  it('switchover lb1 → lb2 → lb1: no failed request, never two holders', async () => {
    for (const to of ['lb2', 'lb1']) {
      const r = await ops(['switchover', '--to', to]);
      const m = r.doc.moves?.[0];
      assert.equal(r.code, 0, `${JSON.stringify(r.doc.refused ?? m?.problems)} ${r.stderr.slice(-1500)}`);
      assert.equal(m.measures.requests.failed, 0);
      assert.equal(m.measures.twoHoldersMs, 0);
      assert.equal(await lab.vipHolder(), to);
      moves.push({ to, moveMs: m.measures.moveMs, sent: m.measures.requests.sent, failed: m.measures.requests.failed, slowestMs: m.measures.slowestMs });
    }
  });

  it('maintenance on the holder: the VIP moves and stays away across an agent restart; off brings it back', async () => {
    const on = await ops(['maintenance', 'lb1', 'on']);
    assert.equal(on.code, 0, on.stderr.slice(-2000));
    assert.equal(on.doc.move.measures.requests.failed, 0);
    assert.equal(await lab.vipHolder(), 'lb2');
    moves.push({ to: 'lb2 (maintenance)', moveMs: on.doc.move.measures.moveMs, failed: on.doc.move.measures.requests.failed });
    // The agent restarted as the role's direct handler starts it: it reads the flag at start.
    await lab.hostExec('lb1', `p=$(cat ${AGENT_PID}); kill -TERM "$p"; i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; rm -f ${AGENT_PID}; setsid /usr/local/sbin/hafleet-agent >>/var/log/hafleet-agent.log 2>&1 </dev/null &`);
    await waitFor('the agent back on lb1', async () => (await lab.hostExec('lb1', `p=$(cat ${AGENT_PID} 2>/dev/null) && kill -0 "$p"`)).code === 0, { timeoutMs: 15_000 });
    for (let i = 0; i < 5; i++) {
      assert.equal(await lab.vipHolder(), 'lb2', 'lb1 stays out after its agent restarted');
      await new Promise((res) => setTimeout(res, 1000));
    }
    const off = await ops(['maintenance', 'lb1', 'off']);
    assert.equal(off.code, 0, off.stderr.slice(-2000));
    assert.equal(await lab.waitForVipHolder('lb1', { timeoutMs: 15_000 }), 'lb1', 'preempt: lb1 takes its VIP back');
  });

  it('prints the figures', (t) => {
    t.diagnostic(JSON.stringify(moves));
  });
});
