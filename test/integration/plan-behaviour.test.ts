/**
 * plan says what a change does, on a real lab: after a deploy, lb1's keepalived.conf gets its
 * priority edited by hand and lb2's only a comment and other indentation; `plan --json` carries
 * the priority line on lb1's change and `behaviour: []` on lb2's, and the text view says so.
 * One lab, one deploy, two plans.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type TestLab } from './support/lab.js';

const KA = '/etc/keepalived/keepalived.conf';
let lab: TestLab;

describe('plan behaviour on a 2+1 lab', { timeout: 300_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 1 });
    const r = await lab.hafleetJson(['deploy', '-i', lab.inventoryPath, '--yes', '--json'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await lab.hostExec('lb1', `sed -i 's/^\\( *priority \\)[0-9]*$/\\17/' ${KA}`)).code, 0);
    assert.equal((await lab.hostExec('lb2', `sed -i -e '1i # edited by hand' -e 's/^    /\\t/' ${KA}`)).code, 0);
  });
  after(async () => {
    await lab?.down();
  });

  it('plan --json: a hand-edited priority is a behaviour line, a comment and indentation are none', async () => {
    const p = await lab.hafleet(['plan', '-i', lab.inventoryPath, '--json'], { timeoutMs: 60_000 });
    const doc = JSON.parse(p.stdout);
    const change = (host: string) => doc.hosts.find((h: any) => h.host === host).changes.find((c: any) => c.path === KA);
    const lb1 = change('lb1');
    assert.equal(lb1.kind, 'update', JSON.stringify(lb1));
    assert.equal(lb1.behaviour.length, 1, JSON.stringify(lb1.behaviour));
    assert.match(lb1.behaviour[0], /^\S+ on lb1: priority 7 → \d+$/);
    const lb2 = change('lb2');
    assert.equal(lb2.kind, 'update', JSON.stringify(lb2));
    assert.deepEqual(lb2.behaviour, []);
    assert.ok(!p.stdout.includes('"auth_pass '), 'no auth_pass value in the JSON');
  });

  it('plan (text) prints the behaviour under the diff, and "no behaviour change (formatting only)"', async () => {
    const p = await lab.hafleet(['plan', '-i', lab.inventoryPath], { timeoutMs: 60_000 });
    assert.match(p.stdout, /^ {6}behaviour:\n {8}• \S+ on lb1: priority 7 → \d+$/m);
    assert.match(p.stdout, /^ {6}no behaviour change \(formatting only\)$/m);
  });
});
