/**
 * hafleet switchover on a dual-stack cluster (IPv6 lab, keepalived, one VRRPv3 instance per
 * family, advert_int 0.5): `--vip` moves the IPv6 instance alone, with requests through
 * [vip6]:80 and no failure, and the IPv4 VIP stays where it is.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startLab, type TestLab } from './support/lab.js';

let lab: TestLab;
const moves: unknown[] = [];

describe('hafleet switchover of an IPv6 VIP (dual stack, keepalived)', { timeout: 600_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 1, ipv6: true });
    const varsPath = join(dirname(lab.inventoryPath), 'group_vars', 'all.yml');
    const vars = readFileSync(varsPath, 'utf8');
    const m = /^ {4}vrid: (\d+)\n {4}vips: \[([^\]]+)\]\n {4}vrrp:\n(?: {6}.*\n)+/m.exec(vars);
    assert.ok(m, vars);
    writeFileSync(varsPath, vars.replace(m[0], [
      '    instances:',
      `      - { name: web_v4, vrid: ${m[1]}, vips: [${m[2]}], master: lb1 }`,
      `      - { name: web_v6, vrid: ${m[1]}, vips: ["${lab.vip6!}/64"], master: lb1 }`,
      '    vrrp:',
      '      version: 3',
      '      advert_int: 0.5',
      '    services:',
      `      - { port: 80, vip: ${lab.vip} }`,
      `      - { port: 80, vip: "${lab.vip6!}" }`,
      '',
    ].join('\n')));
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(d.code, 0, d.stderr + d.stdout);
    await lab.waitForVipHolder('lb1', { vip: lab.vip, timeoutMs: 20_000 });
    await lab.waitForVipHolder('lb1', { vip: lab.vip6!, timeoutMs: 20_000 });
  });
  after(async () => {
    await lab?.down();
  });

  it('--vip moves the IPv6 instance alone, there and back, with no failed request through [vip6]:80', async () => {
    for (const to of ['lb2', 'lb1']) {
      const r = await lab.hafleetJson(['switchover', '-i', lab.inventoryPath, '--to', to, '--vip', lab.vip6!, '--json'], { timeoutMs: 180_000 });
      assert.ok(r.doc, `JSON (exit ${r.code}): ${r.stderr.slice(-2000)}`);
      const m = r.doc.moves?.[0];
      assert.equal(r.code, 0, `${JSON.stringify(r.doc.refused ?? m?.problems)} ${r.stderr.slice(-1500)}`);
      assert.equal(r.doc.moves.length, 1);
      assert.equal(m.instance, 'web_v6');
      assert.equal(m.measures.requests.failed, 0);
      assert.ok(m.measures.requests.sent > 10);
      assert.equal(m.measures.twoHoldersMs, 0);
      assert.equal(await lab.vipHolder(lab.vip6!), to);
      assert.equal(await lab.vipHolder(lab.vip), 'lb1', 'the IPv4 instance did not move');
      moves.push({ to, moveMs: m.measures.moveMs, sent: m.measures.requests.sent, failed: m.measures.requests.failed, slowestMs: m.measures.slowestMs });
    }
  });

  it('prints the figures', (t) => {
    t.diagnostic(JSON.stringify(moves));
  });
});
