/**
 * hafleet verify against a real 2+2 lab (sshd, nginx, keepalived, VRRP on the wire), run from
 * the lab's admin namespace. One lab, steps in order; each breaking step repairs what it broke
 * and waits for verify to pass again before the next.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';

let lab: TestLab;

interface VerifyRun {
  code: number;
  stdout: string;
  stderr: string;
  doc: any;
}

async function verify(json = true): Promise<VerifyRun> {
  const r = await lab.hafleet(['verify', '-i', lab.inventoryPath, ...(json ? ['--json'] : [])], { timeoutMs: 120_000 });
  let doc: any = null;
  if (json) {
    try {
      doc = JSON.parse(r.stdout);
    } catch {
      /* the assertion on code/stderr says more */
    }
  }
  return { ...r, doc };
}

function kinds(doc: any): string[] {
  return doc.report.findings.filter((f: any) => !f.ok).map((f: any) => f.kind);
}

async function passes(): Promise<void> {
  await waitFor('verify to pass', async () => (await verify()).code === 0, { timeoutMs: 60_000, intervalMs: 1000 });
}

describe('hafleet verify on a 2+2 lab', { timeout: 600_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 2 });
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(d.code, 0, d.stderr);
    await lab.waitForVipHolder('lb1', { timeoutMs: 20_000 });
  });
  after(async () => {
    await lab?.down();
  });

  it('passes on a freshly deployed lab and names the holder', async () => {
    await passes();
    const human = await verify(false);
    assert.equal(human.code, 0, human.stdout + human.stderr);
    const row = human.stdout.split('\n').find((l) => l.includes(lab.vip))!;
    assert.match(row, new RegExp(`^web\\s+\\S+\\s+${lab.vip.replace(/\./g, '\\.')}/24\\s+lb1\\s+MASTER\\s+ok\\s+ok\\s+80: `));
    assert.match(human.stdout, /verify passed/);
    const j = await verify();
    const vip = j.doc.report.findings.find((f: any) => f.kind === 'vip-ok');
    assert.deepEqual(vip.holders, ['lb1']);
    const traffic = j.doc.report.findings.find((f: any) => f.kind === 'traffic');
    assert.ok(traffic.distribution.web1 > 0 && traffic.distribution.web2 > 0, JSON.stringify(traffic));
    assert.equal(JSON.stringify(j.doc).includes('auth_data'), false);
  });

  it('reports split brain after the VIP is deleted on the master and added on the backup', async () => {
    await lab.hostExec('lb1', `ip addr del ${lab.vip}/24 dev eth0`);
    await lab.hostExec('lb2', `ip addr add ${lab.vip}/24 dev eth0`);
    // keepalived 2.x puts a VIP deleted under it straight back: both hold it now.
    await waitFor('lb1 and lb2 both holding the VIP', async () => (await lab.vipHolders()).length === 2, { timeoutMs: 10_000 });
    const j = await verify();
    assert.equal(j.code, 1, j.stderr);
    const sb = j.doc.report.findings.find((f: any) => f.kind === 'split-brain');
    assert.ok(sb, `split-brain in ${kinds(j.doc)}`);
    assert.deepEqual(sb.holders, ['lb1', 'lb2']);
    assert.ok(kinds(j.doc).includes('state-address-disagree'));
    const human = await verify(false);
    assert.equal(human.code, 1);
    assert.match(human.stdout, /FAIL \[split-brain\] split brain: .* held by lb1 and lb2/);
    await lab.hostExec('lb2', `ip addr del ${lab.vip}/24 dev eth0`);
    await passes();
  });

  it('names a stale VIP left by keepalived killed with -9', async () => {
    const pids = (await lab.hostExec('lb1', 'cat /run/keepalived.pid')).stdout.trim();
    assert.match(pids, /^\d+$/);
    // Every keepalived process of lb1 (parent and VRRP child), as pkill -9 would on a real box.
    await lab.hostExec('lb1', `kill -9 ${pids} $(pgrep -P ${pids})`);
    await waitFor('lb2 to take the VIP', async () => (await lab.vipHolders()).includes('lb2'), { timeoutMs: 15_000 });
    const j = await verify();
    assert.equal(j.code, 1);
    const stale = j.doc.report.findings.find((f: any) => f.kind === 'stale-vip');
    assert.ok(stale, `stale-vip in ${kinds(j.doc)}`);
    assert.equal(stale.host, 'lb1');
    assert.equal(kinds(j.doc).includes('split-brain'), false);
    assert.ok(j.doc.report.findings.some((f: any) => f.kind === 'daemon-down' && f.host === 'lb1'));
    await lab.hostExec('lb1', `ip addr del ${lab.vip}/24 dev eth0; rm -f /run/keepalived.pid; keepalived`);
    await lab.waitForVipHolder('lb1', { timeoutMs: 20_000 });
    await passes();
  });

  it('with every realserver down: the error page answers through the VIP, the backends are named', async () => {
    for (const h of ['web1', 'web2']) await lab.hostExec(h, 'kill $(cat /run/nginx.pid)');
    try {
      const j = await verify();
      assert.equal(j.code, 1);
      const page = j.doc.report.findings.find((f: any) => f.kind === 'error-page');
      assert.equal(page?.ok, true, JSON.stringify(page));
      assert.deepEqual(j.doc.report.findings.filter((f: any) => f.kind === 'backend-down').map((f: any) => f.host).sort(), ['web1', 'web2']);
      assert.equal(j.doc.observations.http[0].statuses['503'], j.doc.observations.http[0].sent);
    } finally {
      for (const h of ['web1', 'web2']) await lab.hostExec(h, 'nginx');
    }
    await passes();
  });

  it('names an auth mismatch: both MASTER, the counters say why, drift shows the masked diff', async () => {
    await lab.hostExec('lb2', `sed -i 's/auth_pass .*/auth_pass wrongpw1/' /etc/keepalived/keepalived.conf && kill -HUP $(cat /run/keepalived.pid)`);
    await waitFor('both directors MASTER', async () => (await lab.vipHolders()).length === 2, { timeoutMs: 15_000 });
    const j = await waitFor('auth-mismatch reported', async () => {
      const v = await verify();
      return kinds(v.doc).includes('auth-mismatch') && v;
    }, { timeoutMs: 20_000, intervalMs: 1000 });
    assert.equal(j.code, 1);
    const drift = j.doc.report.findings.find((f: any) => f.kind === 'drift' && f.host === 'lb2');
    assert.ok(drift?.diff, 'drift with a diff');
    assert.match(drift.diff, /auth_pass \*{8}/);
    assert.equal(j.stdout.includes('wrongpw1'), false, 'the wrong password is masked too');
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(d.code, 0, d.stderr);
    // A reload that kept the old password would keep both MASTER: HUP once more until it is gone.
    await waitFor('one holder again', async () => {
      if ((await lab.vipHolders()).length === 1) return true;
      await lab.hostExec('lb2', 'kill -HUP $(cat /run/keepalived.pid)');
      return false;
    }, { timeoutMs: 30_000, intervalMs: 3000 });
    await passes();
  });
});
