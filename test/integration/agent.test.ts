/**
 * The agent on the wire, in namespaces of our own (bench/vrrp-lab.ts): agent vs agent and agent
 * vs a real keepalived 2.2.7 in both roles, VRRPv2 with auth PASS at 1 s and VRRPv3 at 0.1 s.
 * VIP placement is read with `ip -n NS -j addr`. Needs root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { authLogLines, authLogSources } from '../../src/verify/speaker-logs.js';
import { VrrpLab, vrrpConf, waitFor, sleep, type Node, type Speaker } from '../../bench/vrrp-lab.js';

const isRoot = process.getuid?.() === 0;
const VIP = '198.18.250.100';

/** Master_Down_Interval of the backup (priority 100), ms. */
function mdi(version: 2 | 3, advertInt: number): number {
  const skew = version === 2 ? (156 / 256) * 1000 : (156 * advertInt * 1000) / 256;
  return 3 * advertInt * 1000 + skew;
}

const cases: { version: 2 | 3; advertInt: number; authPass?: string }[] = [
  { version: 2, advertInt: 1, authPass: 'hf-pw' },
  { version: 3, advertInt: 0.1 },
];
const pairs: [Speaker, Speaker][] = [
  ['agent', 'agent'],
  ['keepalived', 'agent'],
  ['agent', 'keepalived'],
];

describe('agent on the wire', { skip: isRoot ? false : 'needs root (network namespaces, raw sockets)', concurrency: false }, () => {
  let lab: VrrpLab;
  before(() => {
    lab = new VrrpLab('i');
    lab.up();
  });
  after(async () => {
    await lab?.down();
  });

  for (const c of cases) {
    for (const [hi, lo] of pairs) {
      test(`v${c.version} advert ${c.advertInt}s${c.authPass ? ' auth PASS' : ''}: ${hi} (150) vs ${lo} (100) — election, SIGTERM handover, preempt, kill -9 takeover`, async () => {
        const confHi = lab.write(`hi-${c.version}.conf`, vrrpConf({ ...c, vrid: 60 + c.version, priority: 150, vip: VIP }));
        const confLo = lab.write(`lo-${c.version}.conf`, vrrpConf({ ...c, vrid: 60 + c.version, priority: 100, vip: VIP }));
        try {
          const b = lab.start(lo, 'b', confLo);
          let a = lab.start(hi, 'a', confHi);
          await Promise.all([lab.ready(a), lab.ready(b)]);
          await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'the higher priority to hold the VIP alone');
          // No split brain: for 5 advert intervals only a holds it.
          const t0 = performance.now();
          while (performance.now() - t0 < 5 * c.advertInt * 1000) {
            assert.deepEqual(lab.holders(VIP), ['a']);
            await sleep(50);
          }
          if (lo === 'agent') assert.equal(lab.status(b).instances[0]!.master, '198.18.250.1', 'the backup agent knows the master');

          // SIGTERM of the master: priority 0, the backup takes over after its skew time.
          lab.term(a);
          const handover = await waitFor(lab.holdsAlone('b', VIP), 3000, 5, 'handover after SIGTERM');
          assert.ok(handover < 1000, `SIGTERM handover took ${handover.toFixed(0)} ms`);
          await a.exited;

          // The higher priority comes back and preempts.
          a = lab.start(hi, 'a', confHi);
          await lab.ready(a);
          await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'preemption by the returning higher priority');
          await sleep(c.advertInt * 1000 * 1.5);

          // kill -9 of the master: takeover when Master_Down_Interval after its last advert runs out.
          const tKill = performance.now();
          lab.kill9(a);
          await waitFor(() => lab.holders(VIP).includes('b'), mdi(c.version, c.advertInt) + 3000, 5, 'takeover after kill -9');
          const took = performance.now() - tKill;
          const bound = mdi(c.version, c.advertInt);
          assert.ok(took <= bound + 400, `takeover ${took.toFixed(0)} ms after kill -9, bound ${bound.toFixed(0)} ms`);
          assert.ok(took >= bound - c.advertInt * 1000 - 100, `takeover ${took.toFixed(0)} ms is faster than the protocol allows (${bound.toFixed(0)} ms)`);
          await a.exited;
        } finally {
          await lab.stopAll();
          lab.delVip('a', VIP);
          lab.delVip('b', VIP);
        }
      });
    }
  }

  for (const [hi, lo] of [['agent', 'keepalived'], ['keepalived', 'agent']] as [Speaker, Speaker][]) {
    test(`nopreempt: a returning ${hi} (150, nopreempt) leaves the ${lo} (100) master`, async () => {
      const c = { version: 3 as const, advertInt: 0.1, vrid: 70 };
      const confHi = lab.write('np-hi.conf', vrrpConf({ ...c, priority: 150, nopreempt: true, vip: VIP }));
      const confLo = lab.write('np-lo.conf', vrrpConf({ ...c, priority: 100, vip: VIP }));
      try {
        const b = lab.start(lo, 'b', confLo);
        await lab.ready(b);
        await waitFor(lab.holdsAlone('b', VIP), 10_000, 20, 'the only router to become master');
        const a = lab.start(hi, 'a', confHi);
        await lab.ready(a);
        await sleep(3000);
        assert.deepEqual(lab.holders(VIP), ['b'], 'nopreempt: the higher priority stays backup');
        lab.term(b);
        await waitFor(lab.holdsAlone('a', VIP), 2000, 5, 'the nopreempt router takes over when the master leaves');
      } finally {
        await lab.stopAll();
        lab.delVip('a', VIP);
        lab.delVip('b', VIP);
      }
    });
  }

  test('wrong password: no election across it (both master, as keepalived), drops counted as auth-mismatch', async () => {
    const base = { version: 2 as const, advertInt: 1, vrid: 71, vip: VIP };
    try {
      const a = lab.startAgent('a', lab.write('pw-a.conf', vrrpConf({ ...base, priority: 150, authPass: 'right' })));
      const b = lab.startKeepalived('b', lab.write('pw-b.conf', vrrpConf({ ...base, priority: 100, authPass: 'wrong' })));
      await Promise.all([lab.ready(a), lab.ready(b)]);
      await waitFor(() => lab.holders(VIP).length === 2, 10_000, 50, 'both to hold the VIP');
      await sleep(1500);
      const drops = lab.status(a).instances[0]!.counters.drops;
      assert.ok((drops['auth-mismatch'] ?? 0) >= 1, JSON.stringify(drops));
      const agentLog = fs.readFileSync(a.log, 'utf8');
      assert.doesNotMatch(agentLog, /right/, 'the password is never logged');
      // Both log it in keepalived's words; verify's reader finds both and names the sender.
      const kaLog = fs.readFileSync(b.log, 'utf8').split('\n');
      assert.ok(kaLog.some((l) => /\(VI_1\) received an invalid passwd!/.test(l)), 'keepalived logs the mismatch');
      const agentLines = agentLog.split('\n');
      assert.ok(agentLines.some((l) => / info \(VI_1\) received an invalid passwd! .*src=198\.18\.250\.2/.test(l)), agentLog);
      assert.ok(authLogLines(kaLog).length >= 1);
      assert.deepEqual(authLogSources(authLogLines(agentLines)), ['198.18.250.2']);
      // The wrong-password adverts move nothing on the agent: one transition (its own election), the VIP stays.
      assert.equal((lab.status(a).instances[0]!.counters as unknown as { becameMaster: number }).becameMaster, 1);
      assert.ok(lab.holders(VIP).includes('a'));
    } finally {
      await lab.stopAll();
      lab.delVip('a', VIP);
      lab.delVip('b', VIP);
    }
  });

  test('a VIP left by a killed run is removed on start; SIGHUP reload keeps mastership', async () => {
    const base = { version: 3 as const, advertInt: 0.1, vrid: 72, vip: VIP };
    try {
      const b = lab.startAgent('b', lab.write('lo-b.conf', vrrpConf({ ...base, priority: 150 })));
      await lab.ready(b);
      await waitFor(lab.holdsAlone('b', VIP), 10_000, 20, 'b master');
      // A leftover on a, as a kill -9 leaves it.
      execIp(lab, 'a', ['addr', 'add', `${VIP}/24`, 'dev', 'eth0', 'label', 'eth0:vip']);
      const a = lab.startAgent('a', lab.write('lo-a.conf', vrrpConf({ ...base, priority: 100 })));
      await lab.ready(a);
      await waitFor(lab.holdsAlone('b', VIP), 2000, 10, 'the leftover to be removed');
      assert.match(fs.readFileSync(a.log, 'utf8'), /removing VIP 198\.18\.250\.100 left by an earlier run/);

      // Reload b with another priority: it stays master, no transition.
      const confB = lab.write('lo-b.conf', vrrpConf({ ...base, priority: 160 }));
      assert.ok(confB);
      const transitionsBefore = (fs.readFileSync(b.log, 'utf8').match(/→/g) ?? []).length;
      b.child.kill('SIGHUP');
      await waitFor(() => lab.status(b).instances[0]!.priority === 160, 3000, 20, 'the new priority');
      await sleep(500);
      assert.deepEqual(lab.holders(VIP), ['b']);
      assert.equal((fs.readFileSync(b.log, 'utf8').match(/→/g) ?? []).length, transitionsBefore, 'no transition on reload');
    } finally {
      await lab.stopAll();
      lab.delVip('a', VIP);
      lab.delVip('b', VIP);
    }
  });
});

function execIp(lab: VrrpLab, n: Node, args: string[]): void {
  execFileSync('ip', ['-n', lab.ns(n), ...args]);
}
