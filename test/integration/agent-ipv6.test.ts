/**
 * VRRPv3 over IPv6 on the wire (own namespaces, bench/vrrp-lab.ts): the agent against a real
 * keepalived 2.2.7 in both roles and against itself, over ff02::12 from link-local sources and
 * over unicast global peers; the unsolicited Neighbor Advertisement a new master sends, as the
 * neighbour's kernel takes it; a dual-stack agent running an IPv4 and an IPv6 instance at once.
 * keepalived's receive socket has the kernel verify the IPv6 checksum, so a wrong checksum from
 * the agent would show here as a split brain. Needs root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { GA6, LL6, VrrpLab, vrrpConf, waitFor, sleep, type Node, type Speaker } from '../../bench/vrrp-lab.js';

const isRoot = process.getuid?.() === 0;
const VIP6 = '2001:2:0:250::100';
const VIP4 = '198.18.250.100';

/** Master_Down_Interval of the backup (priority 100), v3, ms. */
const mdi = (advertInt: number) => 3 * advertInt * 1000 + (156 * advertInt * 1000) / 256;

describe('agent over IPv6', { skip: isRoot ? false : 'needs root (network namespaces, raw sockets)', concurrency: false }, () => {
  let lab: VrrpLab;
  before(() => {
    lab = new VrrpLab('6');
    lab.up();
  });
  after(async () => {
    await lab?.down();
  });

  const pairs: [Speaker, Speaker][] = [
    ['agent', 'keepalived'],
    ['keepalived', 'agent'],
    ['agent', 'agent'],
  ];
  for (const [hi, lo] of pairs) {
    test(`v3 over IPv6, advert 0.1 s: ${hi} (150) vs ${lo} (100) — election, no split brain, SIGTERM handover, preempt, kill -9 takeover`, async () => {
      const c = { version: 3 as const, advertInt: 0.1, vrid: 61, vip: VIP6 };
      const confHi = lab.write(`v6-hi-${hi}.conf`, vrrpConf({ ...c, priority: 150 }));
      const confLo = lab.write(`v6-lo-${lo}.conf`, vrrpConf({ ...c, priority: 100 }));
      try {
        const b = lab.start(lo, 'b', confLo);
        let a = lab.start(hi, 'a', confHi);
        await Promise.all([lab.ready(a), lab.ready(b)]);
        await waitFor(lab.holdsAlone('a', VIP6), 15_000, 20, 'the higher priority to hold the IPv6 VIP alone');
        // Each hears the other: for 20 advert intervals only a holds it.
        const t0 = performance.now();
        while (performance.now() - t0 < 2000) {
          assert.deepEqual(lab.holders(VIP6), ['a']);
          await sleep(50);
        }
        if (lo === 'agent') {
          const st = lab.status(b).instances[0]!;
          assert.equal(st.state, 'BACKUP');
          assert.equal(st.master, LL6.a, 'the backup agent knows the master by its link-local address');
        }
        if (hi === 'agent') assert.equal(lab.status(a).instances[0]!.state, 'MASTER');

        lab.term(a);
        const handover = await waitFor(lab.holdsAlone('b', VIP6), 3000, 5, 'handover after SIGTERM');
        assert.ok(handover < 1000, `SIGTERM handover took ${handover.toFixed(0)} ms`);
        await a.exited;

        a = lab.start(hi, 'a', confHi);
        await lab.ready(a);
        await waitFor(lab.holdsAlone('a', VIP6), 15_000, 20, 'preemption by the returning higher priority');
        await sleep(300);

        lab.kill9(a);
        const takeover = await waitFor(() => lab.holders(VIP6).includes('b'), 5000, 5, 'takeover after kill -9');
        // The VIP stays on a (nobody removed it): that is keepalived's behaviour too.
        assert.ok(takeover < mdi(0.1) + 500, `kill -9 takeover took ${takeover.toFixed(0)} ms (Master_Down_Interval ${mdi(0.1).toFixed(0)} ms)`);
        await a.exited;
      } finally {
        await lab.stopAll();
        lab.delVip('a', VIP6, 64);
        lab.delVip('b', VIP6, 64);
      }
    });
  }

  for (const agentOn of ['a', 'b'] as Node[]) {
    test(`unicast IPv6 peers with keepalived, agent ${agentOn === 'a' ? 'master' : 'backup'}: election and kill -9 takeover`, async () => {
      const kaOn: Node = agentOn === 'a' ? 'b' : 'a';
      const conf = (n: Node) => vrrpConf({ version: 3, advertInt: 1, vrid: 62, vip: VIP6, priority: n === 'a' ? 150 : 100, unicast: { src: GA6[n], peer: GA6[n === 'a' ? 'b' : 'a'] } });
      try {
        const ag = lab.startAgent(agentOn, lab.write(`u6-ag-${agentOn}.conf`, conf(agentOn)));
        const ka = lab.startKeepalived(kaOn, lab.write(`u6-ka-${kaOn}.conf`, conf(kaOn)));
        await Promise.all([lab.ready(ag), lab.ready(ka)]);
        await waitFor(lab.holdsAlone('a', VIP6), 15_000, 20, 'a to hold the VIP alone');
        await sleep(2500);
        assert.deepEqual(lab.holders(VIP6), ['a'], 'no split brain over unicast');
        const st = lab.status(ag).instances[0]!;
        assert.equal(st.master, GA6.a, 'the master is known by its unicast source');
        lab.kill9(agentOn === 'a' ? ag : ka);
        await waitFor(() => lab.holders(VIP6).includes('b'), 6000, 10, 'b takes over');
      } finally {
        await lab.stopAll();
        lab.delVip('a', VIP6, 64);
        lab.delVip('b', VIP6, 64);
      }
    });
  }

  test('a new master announces the IPv6 VIP with an unsolicited NA that the neighbour kernel takes (Override)', async () => {
    const stale = '02:00:00:00:00:99';
    try {
      // b believes the VIP lives at some other MAC; only an accepted NA with Override changes that.
      lab.exec('b', 'ip', ['neigh', 'replace', VIP6, 'lladdr', stale, 'dev', 'eth0', 'nud', 'stale']);
      const ag = lab.startAgent('a', lab.write('na.conf', vrrpConf({ version: 3, advertInt: 0.1, vrid: 63, vip: VIP6, priority: 150 })));
      await lab.ready(ag);
      await waitFor(lab.holdsAlone('a', VIP6), 10_000, 10, 'a master');
      const macA = lab.mac('a');
      const neigh = () => (JSON.parse(lab.exec('b', 'ip', ['-j', 'neigh', 'show', 'dev', 'eth0', 'to', VIP6])) as { lladdr?: string }[])[0]?.lladdr;
      await waitFor(() => neigh() === macA, 3000, 10, `b's neighbour entry for ${VIP6} to move from ${stale} to ${macA}`);
      // The NA went out right after the VIP was added (the agent logs the gap).
      // Its stderr reaches the log file through this process: wait for the line, do not race it.
      const line = () => fs.readFileSync(ag.log, 'utf8').split('\n').find((l) => l.includes('garpAfterVipMs'));
      await waitFor(() => line() !== undefined, 3000, 10, 'the transition line with garpAfterVipMs in the agent log');
      const gap = Number(/garpAfterVipMs[=":]+([\d.]+)/.exec(line()!)?.[1]);
      assert.ok(gap >= 0 && gap < 10, `NA ${gap} ms after the VIP was added`);
    } finally {
      await lab.stopAll();
      lab.delVip('a', VIP6, 64);
    }
  });

  test('dual stack: one agent runs an IPv4 and an IPv6 instance against keepalived doing the same; both move on kill -9', async () => {
    const dual = (n: Node) => {
      const p = n === 'a' ? 150 : 100;
      return [
        vrrpConf({ name: 'VI_4', version: 3, advertInt: 0.1, vrid: 64, vip: VIP4, priority: p }),
        vrrpConf({ name: 'VI_6', version: 3, advertInt: 0.1, vrid: 64, vip: VIP6, priority: p }).replace(/^global_defs \{[^}]*\}\n/, ''),
      ].join('');
    };
    try {
      const ag = lab.startAgent('a', lab.write('dual-a.conf', dual('a')));
      const ka = lab.startKeepalived('b', lab.write('dual-b.conf', dual('b')));
      await Promise.all([lab.ready(ag), lab.ready(ka)]);
      await waitFor(() => lab.holdsAlone('a', VIP4)() && lab.holdsAlone('a', VIP6)(), 15_000, 20, 'a to hold both VIPs');
      await sleep(1000);
      assert.deepEqual(lab.holders(VIP4), ['a']);
      assert.deepEqual(lab.holders(VIP6), ['a']);
      const st = lab.status(ag).instances;
      assert.deepEqual(st.map((i) => [i.name, i.state]).sort(), [['VI_4', 'MASTER'], ['VI_6', 'MASTER']]);
      lab.kill9(ag);
      await waitFor(() => lab.holders(VIP4).includes('b') && lab.holders(VIP6).includes('b'), 5000, 10, 'b to take both');
    } finally {
      await lab.stopAll();
      lab.delVip('a', VIP4, 24);
      lab.delVip('b', VIP4, 24);
      lab.delVip('a', VIP6, 64);
      lab.delVip('b', VIP6, 64);
    }
  });

  test('an IPv6 VIP left by a killed run is removed when the agent starts as backup', async () => {
    try {
      lab.exec('b', 'ip', ['addr', 'add', `${VIP6}/64`, 'dev', 'eth0', 'nodad']);
      const ka = lab.startKeepalived('a', lab.write('left-a.conf', vrrpConf({ version: 3, advertInt: 0.1, vrid: 65, vip: VIP6, priority: 150 })));
      await lab.ready(ka);
      await waitFor(() => lab.holders(VIP6).includes('a'), 10_000, 10, 'keepalived master on a');
      assert.deepEqual(lab.holders(VIP6).sort(), ['a', 'b'], 'the leftover is there before the agent starts');
      const ag = lab.startAgent('b', lab.write('left-b.conf', vrrpConf({ version: 3, advertInt: 0.1, vrid: 65, vip: VIP6, priority: 100 })));
      await lab.ready(ag);
      await waitFor(lab.holdsAlone('a', VIP6), 5000, 10, 'the leftover on b removed');
    } finally {
      await lab.stopAll();
      lab.delVip('a', VIP6, 64);
      lab.delVip('b', VIP6, 64);
    }
  });
});
