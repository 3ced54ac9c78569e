/**
 * The agent's /metrics scraped by a real Prometheus (Debian's package), issue 15 part 3: two
 * agents (VRRPv2 with auth PASS, 0.2 s adverts) in namespaces of our own (bench/vrrp-lab.ts), each
 * serving --metrics on its lab address (198.18.250.x); Prometheus runs in a namespace of its own
 * on that bridge, listening on its loopback, its storage in the lab's temp dir, killed by PID.
 * Queried through its HTTP API: keepalived_vrrp_state is 2 on the master and 1 on the backup,
 * adverts count up, and after the master's SIGTERM the backup's series goes to 2. Needs root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { ADDR, VrrpLab, vrrpConf, waitFor } from '../../bench/vrrp-lab.js';

const isRoot = process.getuid?.() === 0;
const hasPrometheus = fs.existsSync('/usr/bin/prometheus');
const VIP = '198.18.250.120';
const PORT = 9650;
const PROM = '127.0.0.1:9091';

describe('agent /metrics scraped by Prometheus', { skip: !isRoot ? 'needs root (network namespaces, raw sockets)' : !hasPrometheus ? 'prometheus not installed' : false }, () => {
  let lab: VrrpLab;
  let prom: ChildProcess | undefined;
  const promNs = () => lab.ns('b');

  /** Prometheus's HTTP API, from inside its namespace (its loopback is not ours). */
  const query = (q: string): { metric: Record<string, string>; value: [number, string] }[] => {
    const out = execFileSync('ip', ['netns', 'exec', promNs(), 'curl', '-sf', '--max-time', '5', '--get', '--data-urlencode', `query=${q}`, `http://${PROM}/api/v1/query`], { encoding: 'utf8' });
    const j = JSON.parse(out) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    assert.equal(j.status, 'success');
    return j.data.result;
  };
  const valueOf = (q: string, labels: Record<string, string>): number | undefined => {
    const r = query(q).find((s) => Object.entries(labels).every(([k, v]) => s.metric[k] === v));
    return r ? Number(r.value[1]) : undefined;
  };

  before(() => {
    lab = new VrrpLab('p');
    lab.up();
  });
  after(async () => {
    if (prom?.pid && prom.exitCode === null) prom.kill('SIGTERM');
    await lab?.down();
  });

  test('state 2 on the master, 1 on the backup, with the exporter’s labels; counters rise; SIGTERM moves the 2; the password never appears', async (t) => {
    const pass = `pw${process.pid % 1000}`;
    const conf = (priority: number) => vrrpConf({ name: 'VI_M', vrid: 81, priority, version: 2, advertInt: 0.2, authPass: pass, vip: VIP });
    const a = lab.startAgent('a', lab.write('ma.conf', conf(150)), ['--metrics', `${ADDR.a}:${PORT}`]);
    const b = lab.startAgent('b', lab.write('mb.conf', conf(100)), ['--metrics', `${ADDR.b}:${PORT}`]);
    await Promise.all([lab.ready(a), lab.ready(b)]);
    await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'a master');

    // What the agent serves, read once directly: no secret in it.
    const direct = execFileSync('ip', ['netns', 'exec', lab.ns('b'), 'curl', '-sf', `http://${ADDR.a}:${PORT}/metrics`], { encoding: 'utf8' });
    assert.match(direct, /^keepalived_vrrp_state\{iname="VI_M",intf="eth0",vrid="81",ip_address="198\.18\.250\.120"\} 2$/m);
    assert.ok(!direct.includes(pass), 'auth_pass is not in the metrics');

    const dir = fs.mkdtempSync(path.join(lab.dir, 'prom-'));
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), [
      'global:', '  scrape_interval: 1s', '  scrape_timeout: 900ms', 'scrape_configs:', '  - job_name: hafleet-agent',
      '    static_configs:', `      - targets: ['${ADDR.a}:${PORT}', '${ADDR.b}:${PORT}']`, '',
    ].join('\n'));
    const log = fs.openSync(path.join(dir, 'prometheus.log'), 'a');
    prom = spawn('ip', ['netns', 'exec', promNs(), '/usr/bin/prometheus', `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=${PROM}`], { stdio: ['ignore', log, log] });
    try {
      const up = () => { try { return query('up').filter((s) => s.value[1] === '1').length === 2; } catch { return false; } };
      await waitFor(up, 60_000, 250, 'Prometheus up and both agents scraped');
      const master = { instance: `${ADDR.a}:${PORT}`, iname: 'VI_M', vrid: '81', intf: 'eth0', ip_address: VIP };
      const backup = { ...master, instance: `${ADDR.b}:${PORT}` };
      await waitFor(() => valueOf('keepalived_vrrp_state', master) === 2 && valueOf('keepalived_vrrp_state', backup) === 1, 15_000, 250, 'state 2 / 1 in Prometheus');
      const sent0 = valueOf('keepalived_advertisements_sent_total', { instance: master.instance })!;
      await waitFor(() => (valueOf('keepalived_advertisements_sent_total', { instance: master.instance }) ?? 0) > sent0, 10_000, 250, 'adverts sent to count up');
      assert.ok((valueOf('keepalived_advertisements_received_total', { instance: backup.instance }) ?? 0) > 0, 'the backup counts adverts received');
      assert.equal(valueOf('hafleet_agent_vip_present', master), 1);
      assert.equal(valueOf('hafleet_agent_vip_present', backup), 0);
      assert.equal(valueOf('hafleet_agent_vrrp_priority', { instance: master.instance }), 150);

      a.child.kill('SIGTERM');
      await waitFor(() => valueOf('keepalived_vrrp_state', backup) === 2, 15_000, 250, 'the backup’s state to go to 2 in Prometheus');
      assert.equal(valueOf('keepalived_become_master_total', { instance: backup.instance }), 1);
      assert.equal(valueOf('up', { instance: master.instance }), 0, 'the stopped agent is down');
      t.diagnostic(`prometheus: ${query('count({__name__=~"keepalived_.*|hafleet_agent_.*"})')[0]?.value[1]} series from two agents`);
    } finally {
      if (prom.pid && prom.exitCode === null) {
        prom.kill('SIGTERM');
        await waitFor(() => prom!.exitCode !== null || prom!.signalCode !== null, 10_000, 50, 'prometheus to stop');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
