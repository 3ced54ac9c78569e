/**
 * The realserver ledger on a 2+3 keepalived lab (nginx mode: realservers render nothing): plan
 * and deploy leave realservers alone when every director's ledger vouches for them — shown by
 * the realservers' own sshd logs, which get no login — and ask them again whenever that could
 * hide something: a realserver that gets a file (hafleet_files) or a maintenance flag, a
 * director's ledger that differs, --contact-all. The file a realserver got is still removed when
 * the inventory drops it (the case the ledger must never hide).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startLab, type TestLab } from './support/lab.js';

let lab: TestLab;
const RS = ['web1', 'web2', 'web3'];
const LEDGER = '/var/lib/hafleet/realservers.json';
const HELLO = '/usr/local/bin/hafleet-ledger-hello';

/** sshd's "Accepted publickey" lines so far, per realserver: a session opened to it. */
async function logins(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const h of RS) out[h] = Number((await lab.hostExec(h, 'grep -c "Accepted publickey" /var/log/sshd.log || true')).stdout.trim() || '0');
  return out;
}

function contacted(before: Record<string, number>, after: Record<string, number>): string[] {
  return RS.filter((h) => after[h]! > before[h]!);
}

type PlanDoc = { hosts: { host: string; notContacted?: { why: string }; changes?: { kind: string; path: string }[] }[]; summary: { notContacted?: number }; maintenance?: { host: string }[] };

async function plan(...extra: string[]): Promise<{ doc: PlanDoc; asked: string[] }> {
  const before = await logins();
  const r = await lab.hafleetJson(['plan', '-i', lab.inventoryPath, '--json', ...extra], { timeoutMs: 120_000 });
  assert.ok(r.code === 0 || r.code === 2, r.stderr.slice(-2000));
  return { doc: r.doc as PlanDoc, asked: contacted(before, await logins()) };
}

const skipped = (d: PlanDoc) => d.hosts.filter((h) => h.notContacted).map((h) => h.host);

type LedgerDoc = { outcome: string; marked?: string[]; writes?: { host: string; outcome: string }[]; sealed?: { host: string; outcome: string }[] };

async function deploy(): Promise<{ ledger: LedgerDoc; asked: string[] }> {
  const before = await logins();
  const r = await lab.hafleetJson(['deploy', '-i', lab.inventoryPath, '--yes', '--json'], { timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  return { ledger: r.doc.ledger, asked: contacted(before, await logins()) };
}

async function ledgerOn(host: string): Promise<string> {
  return (await lab.hostExec(host, `cat ${LEDGER} 2>/dev/null || echo absent`)).stdout.trim();
}

describe('the realserver ledger: realservers hafleet keeps nothing on are not contacted', { timeout: 600_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 3 });
  });
  after(async () => {
    await lab?.down();
  });

  it('fresh fleet, deploy, plan: no realserver is contacted; --contact-all asks them all', async () => {
    const first = await plan();
    assert.deepEqual(skipped(first.doc), RS, 'a fleet hafleet never deployed: nothing of hafleet\'s on its realservers');
    assert.match(first.doc.hosts.find((h) => h.host === 'web1')!.notContacted!.why, /no director \(lb1, lb2\) was deployed by hafleet yet/);
    assert.deepEqual(first.asked, [], 'no realserver saw a login');

    const d = await deploy();
    assert.deepEqual(d.asked, []);
    assert.equal(d.ledger.outcome, 'written');
    assert.deepEqual(d.ledger.marked, []);
    const l1 = await ledgerOn('lb1');
    assert.equal(l1, await ledgerOn('lb2'), 'one ledger, the same on every director');
    assert.deepEqual({ ...JSON.parse(l1), gen: 'g', at: 't' }, { kind: 'hafleet-realserver-ledger', v: 1, complete: true, gen: 'g', marked: [], known: RS, at: 't' });
    assert.equal((await lab.hostExec('lb1', `stat -c '%a %U' ${LEDGER}`)).stdout.trim(), '600 root');

    const again = await plan();
    assert.deepEqual(skipped(again.doc), RS);
    assert.match(again.doc.hosts.find((h) => h.host === 'web2')!.notContacted!.why, /realserver ledger on lb1, lb2 lists no file and no maintenance flag/);
    assert.deepEqual(again.asked, []);
    const all = await plan('--contact-all');
    assert.deepEqual(skipped(all.doc), []);
    assert.deepEqual(all.asked, RS, '--contact-all logs in to every realserver');
  });

  it('a realserver that gets a file is marked first; when the inventory drops the file, it is still asked and the file removed', async () => {
    const inv = dirname(lab.inventoryPath);
    mkdirSync(join(inv, 'files'), { recursive: true, mode: 0o700 });
    writeFileSync(join(inv, 'files', 'hello.sh'), '#!/bin/sh\necho hello\n', { mode: 0o600 });
    mkdirSync(join(inv, 'host_vars'), { recursive: true, mode: 0o700 });
    const hv = join(inv, 'host_vars', 'web2.yml');
    writeFileSync(hv, `hafleet_files:\n  - src: files/hello.sh\n    dest: ${HELLO}\n    mode: "0755"\n`, { mode: 0o600 });
    try {
      // lb2 cannot take any ledger write (its lock file is a directory): the run that gave web2
      // a file leaves a second tombstone everywhere rather than lb1's complete one.
      await lab.hostExec('lb2', `rm -f ${LEDGER}.lock && mkdir ${LEDGER}.lock`);
      const sealed = await deploy();
      assert.ok(sealed.asked.includes('web2'), 'web2 got its file');
      assert.deepEqual(sealed.ledger.writes?.map((w) => [w.host, w.outcome]), [['lb1', 'written'], ['lb2', 'failed']]);
      assert.ok(sealed.ledger.sealed?.some((w) => w.host === 'lb1' && w.outcome === 'written'), JSON.stringify(sealed.ledger));
      assert.equal(JSON.parse(await ledgerOn('lb1')).complete, false, 'lb1 holds the second tombstone, not its complete ledger');
      await lab.hostExec('lb2', `rmdir ${LEDGER}.lock`);
      assert.deepEqual(skipped((await plan()).doc), [], 'nobody vouched for');
      const d = await deploy();
      assert.deepEqual(d.ledger.marked, ['web2']);
      assert.equal((await lab.hostExec('web2', HELLO)).stdout.trim(), 'hello');
      assert.deepEqual(JSON.parse(await ledgerOn('lb2')).marked, ['web2']);
    } finally {
      rmSync(hv);
    }
    const p = await plan();
    assert.deepEqual(skipped(p.doc), ['web1', 'web3'], 'web2 is marked: asked, though it renders nothing now');
    assert.deepEqual(p.asked, ['web2']);
    assert.deepEqual(p.doc.hosts.find((h) => h.host === 'web2')!.changes!.map((c) => [c.kind, c.path]), [['delete', HELLO]]);
    const d = await deploy();
    assert.deepEqual(d.ledger.marked, []);
    assert.equal((await lab.hostExec('web2', `test -e ${HELLO} && echo present || echo gone`)).stdout.trim(), 'gone');
    assert.deepEqual(skipped((await plan()).doc), RS);
  });

  it('a maintenance flag makes every director\'s ledger incomplete first; the next deploy marks the host; a ledger that differs asks everyone', async () => {
    const on = await lab.hafleetJson(['maintenance', 'web1', 'on', '-i', lab.inventoryPath, '--json', '--yes'], { timeoutMs: 180_000 });
    assert.equal(on.code, 0, on.stderr.slice(-2000));
    for (const lb of ['lb1', 'lb2']) assert.equal(JSON.parse(await ledgerOn(lb)).complete, false, `${lb}: ledger incomplete after the flag`);
    const p = await plan();
    assert.deepEqual(skipped(p.doc), [], 'an incomplete ledger vouches for nobody');
    assert.deepEqual(p.doc.maintenance?.map((m) => m.host), ['web1'], 'the flag is read from web1');
    const d = await deploy();
    assert.deepEqual(d.ledger.marked, ['web1']);
    const q = await plan();
    assert.deepEqual(skipped(q.doc), ['web2', 'web3']);
    assert.deepEqual(q.asked, ['web1']);
    assert.deepEqual(q.doc.maintenance?.map((m) => m.host), ['web1'], 'still drained: web1 is marked, so read');

    // lb2's ledger from another generation (a write it missed): nobody is vouched for.
    await lab.hostExec('lb2', `sed -i 's/"gen":"[0-9a-f]*"/"gen":"0000000000000000"/' ${LEDGER}`);
    const r = await plan();
    assert.deepEqual(skipped(r.doc), []);
    assert.deepEqual(r.asked, RS);
    const off = await lab.hafleetJson(['maintenance', 'web1', 'off', '-i', lab.inventoryPath, '--json', '--yes'], { timeoutMs: 180_000 });
    assert.equal(off.code, 0, off.stderr.slice(-2000));
  });
});
