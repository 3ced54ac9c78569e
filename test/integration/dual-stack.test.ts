/**
 * A dual-stack cluster end to end on an IPv6 lab with the agent as VRRP engine: one VRRPv3
 * instance per family (sharing the lab's VRID, as keepalived allows across families), deployed
 * with `hafleet deploy`, served through both VIPs, checked by `hafleet verify`, drilled, and
 * failed over by kill -9. Needs root and dist/ built (the lab's agent command runs it).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startLab, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';

let lab: TestLab;

describe('dual stack (IPv4 + IPv6 VIPs) with the agent, deploy → verify → drill → kill -9', { timeout: 600_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 1, engine: 'agent', ipv6: true });
    const varsPath = join(dirname(lab.inventoryPath), 'group_vars', 'all.yml');
    const vars = readFileSync(varsPath, 'utf8');
    const m = /^ {4}vrid: (\d+)\n {4}vips: \[([^\]]+)\]\n {4}vrrp:\n(?: {6}.*\n)+/m.exec(vars);
    assert.ok(m, vars);
    const vip6 = lab.vip6!;
    writeFileSync(varsPath, vars.replace(m[0], [
      '    instances:',
      `      - { name: web_v4, vrid: ${m[1]}, vips: [${m[2]}], master: lb1 }`,
      `      - { name: web_v6, vrid: ${m[1]}, vips: ["${vip6}/64"], master: lb1 }`,
      '    vrrp:',
      '      version: 3',
      '      advert_int: 0.5',
      '    services:',
      `      - { port: 80, vip: ${lab.vip} }`,
      `      - { port: 80, vip: "${vip6}" }`,
      '',
    ].join('\n')));
  });
  after(async () => {
    await lab?.down();
  });

  const served = async (url: string) => (await lab.adminExec('curl', ['-s', '-m', '2', url])).stdout.trim();

  it('deploy: lb1 holds the IPv4 and the IPv6 VIP; both serve the site', async () => {
    const r = await lab.hafleetJson(['deploy', '-i', lab.inventoryPath, '--yes', '--json'], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(await lab.waitForVipHolder('lb1', { vip: lab.vip, timeoutMs: 20_000 }), 'lb1');
    assert.equal(await lab.waitForVipHolder('lb1', { vip: lab.vip6!, timeoutMs: 20_000 }), 'lb1');
    assert.equal(await served(`http://${lab.vip}/`), 'web1');
    assert.equal(await served(`http://[${lab.vip6}]/`), 'web1', 'nginx listens on [::]:80 and proxies to the realserver');
    const conf = await lab.hostExec('lb1', 'cat /etc/keepalived/hafleet-agent.conf');
    assert.match(conf.stdout, new RegExp(`${lab.vip6!.replace(/:/g, ':')}/64 dev eth0`));
  });

  it('verify passes: traffic through [vip6]:80, the IPv6 VIP\'s neighbour solicitation answered by the holder alone', async () => {
    const r = await waitFor('verify to pass', async () => {
      const v = await lab.hafleetJson(['verify', '-i', lab.inventoryPath, '--json'], { timeoutMs: 120_000 });
      return v.code === 0 ? v : undefined;
    }, { timeoutMs: 60_000 });
    const traffic = r.doc.report.findings.filter((f: { kind: string }) => f.kind === 'traffic');
    assert.ok(traffic.some((f: { vip: string; ok: boolean }) => f.vip === `[${lab.vip6}]:80` && f.ok), JSON.stringify(traffic));
    const nd = r.doc.report.findings.find((f: { kind: string; vip?: string }) => f.kind === 'arp-ok' && f.vip === lab.vip6);
    assert.ok(nd, 'a neighbour solicitation for the IPv6 VIP is answered by its holder alone (ndisc6)');
    assert.match(nd.message, /neighbour solicitation for .* answered by lb1 alone/);
    const held = r.doc.report.findings.filter((f: { kind: string; vip?: string }) => f.kind === 'vip-ok' && f.vip === lab.vip6);
    assert.equal(held.length, 1, JSON.stringify(r.doc.report.findings));
    assert.equal(held[0].host, 'lb1');
  });

  it('drill stop-keepalived (the agent here) passes; both VIPs are back on lb1 after the restore', async () => {
    const r = await lab.hafleetJson(['drill', '-i', lab.inventoryPath, '--fault', 'stop-keepalived', '--yes', '--json'], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(await lab.waitForVipHolder('lb1', { vip: lab.vip6!, timeoutMs: 20_000 }), 'lb1');
    assert.equal(await lab.waitForVipHolder('lb1', { vip: lab.vip, timeoutMs: 20_000 }), 'lb1');
  });

  it('kill -9 of lb1\'s agent: lb2 takes the IPv6 VIP too, and serves it', async () => {
    const pid = (await lab.hostExec('lb1', 'cat /run/hafleet/agent.pid')).stdout.trim();
    assert.match(pid, /^\d+$/);
    const k = await lab.hostExec('lb1', `kill -9 ${pid}`);
    assert.equal(k.code, 0, k.stderr);
    // The VIPs stay on lb1 (nobody removes them after kill -9), so wait for lb2 to add its own.
    await waitFor('lb2 to hold the IPv6 VIP', async () => ((await lab.vipHolders(lab.vip6!)).includes('lb2') ? true : undefined), { timeoutMs: 10_000 });
    await waitFor('lb2 to hold the IPv4 VIP', async () => ((await lab.vipHolders(lab.vip)).includes('lb2') ? true : undefined), { timeoutMs: 10_000 });
    // The stale IPv6 VIP on lb1 answers neighbour solicitations too: verify says so.
    const v = await lab.hafleetJson(['verify', '-i', lab.inventoryPath, '--json'], { timeoutMs: 120_000 });
    assert.notEqual(v.code, 0);
    const nd = v.doc.report.findings.find((f: { kind: string; vip?: string }) => f.kind.startsWith('arp') && f.vip === lab.vip6);
    assert.equal(nd?.ok, false, JSON.stringify(nd));
    assert.deepEqual([...nd.holders].sort(), ['lb1', 'lb2'], nd.message);
    await lab.hostExec('lb1', `ip addr del ${lab.vip6}/64 dev eth0; ip addr del ${lab.vip}/24 dev eth0`);
    assert.equal(await waitFor('the site through the IPv6 VIP on lb2', async () => ((await served(`http://[${lab.vip6}]/`)) === 'web1' ? 'web1' : undefined), { timeoutMs: 10_000 }), 'web1');
  });
});
