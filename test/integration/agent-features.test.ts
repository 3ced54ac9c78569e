/**
 * The agent's keepalived features on the wire (own namespaces, bench/vrrp-lab.ts): unicast peers
 * with keepalived, weight-based tracking moving the VIP, notify scripts with keepalived's
 * arguments, and the status file. Needs root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { ADDR, VrrpLab, waitFor, sleep, type Node } from '../../bench/vrrp-lab.js';

const isRoot = process.getuid?.() === 0;
const VIP = '198.18.250.100';

function instance(o: { n: Node; priority: number; unicast?: boolean; extra?: string[] }): string {
  const peer = o.n === 'a' ? ADDR.b : ADDR.a;
  return [
    'vrrp_instance VI_U {',
    '    state BACKUP',
    '    interface eth0',
    '    virtual_router_id 90',
    `    priority ${o.priority}`,
    '    advert_int 1',
    '    authentication {',
    '        auth_type PASS',
    '        auth_pass uni',
    '    }',
    ...(o.unicast ? [`    unicast_src_ip ${ADDR[o.n]}`, '    unicast_peer {', `        ${peer}`, '    }'] : []),
    '    virtual_ipaddress {',
    `        ${VIP}/24 dev eth0`,
    '    }',
    ...(o.extra ?? []),
    '}',
    '',
  ].join('\n');
}

describe('agent features', { skip: isRoot ? false : 'needs root (network namespaces, raw sockets)', concurrency: false }, () => {
  let lab: VrrpLab;
  before(() => {
    lab = new VrrpLab('u');
    lab.up();
  });
  after(async () => {
    await lab?.down();
  });

  for (const agentOn of ['a', 'b'] as Node[]) {
    test(`unicast peers with keepalived, agent ${agentOn === 'a' ? 'master (150)' : 'backup (100)'}: election and SIGTERM handover`, async () => {
      try {
        const kaOn: Node = agentOn === 'a' ? 'b' : 'a';
        const prio = (n: Node) => (n === 'a' ? 150 : 100);
        const ag = lab.startAgent(agentOn, lab.write(`u-ag-${agentOn}.conf`, instance({ n: agentOn, priority: prio(agentOn), unicast: true })));
        const ka = lab.startKeepalived(kaOn, lab.write(`u-ka-${kaOn}.conf`, instance({ n: kaOn, priority: prio(kaOn), unicast: true })));
        await Promise.all([lab.ready(ag), lab.ready(ka)]);
        await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'a master over unicast');
        await sleep(2500);
        assert.deepEqual(lab.holders(VIP), ['a'], 'no split brain over unicast');
        const st = lab.status(ag).instances[0]!;
        assert.equal(st.master, ADDR.a);
        assert.deepEqual(st.counters.drops, {}, 'every unicast advert accepted');
        lab.term(agentOn === 'a' ? ag : ka);
        const ms = await waitFor(lab.holdsAlone('b', VIP), 3000, 5, 'handover');
        assert.ok(ms < 1000, `handover ${ms.toFixed(0)} ms`);
      } finally {
        await lab.stopAll();
        lab.delVip('a', VIP);
        lab.delVip('b', VIP);
      }
    });
  }

  test('weight-based tracking moves the VIP and back; notify scripts get keepalived\'s arguments', async () => {
    const flag = path.join(lab.dir, 'nginx-ok');
    const notifyLog = path.join(lab.dir, 'notify.log');
    const notify = lab.write('notify.sh', `#!/bin/sh\necho "$@" >> ${notifyLog}\n`);
    fs.chmodSync(notify, 0o755);
    fs.writeFileSync(flag, '');
    const script = [
      'vrrp_script chk_nginx {',
      `    script "/usr/bin/test -f ${flag}"`,
      '    interval 1',
      '    fall 2',
      '    rise 2',
      '    weight -60',
      '}',
      '',
    ].join('\n');
    try {
      const a = lab.startAgent('a', lab.write('t-a.conf', script + instance({ n: 'a', priority: 150, extra: ['    track_script {', '        chk_nginx', '    }', `    notify ${notify}`, `    notify_master "${notify} became-master"`] })));
      const b = lab.startAgent('b', lab.write('t-b.conf', instance({ n: 'b', priority: 100 })));
      await Promise.all([lab.ready(a), lab.ready(b)]);
      await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'a master');
      fs.rmSync(flag);
      // 2 failures × 0.2 s, then priority 90 < 100: b preempts after its Master_Down_Interval.
      await waitFor(lab.holdsAlone('b', VIP), 8000, 20, 'b takes over while the check fails');
      // The status file follows the transition; poll it rather than read it once.
      const demoted = () => {
        try {
          const st = lab.status(a).instances[0]!;
          return st.priority === 90 && st.state === 'BACKUP';
        } catch {
          return false; // between writes
        }
      };
      await waitFor(demoted, 3000, 20, 'a reports BACKUP at priority 90');
      fs.writeFileSync(flag, '');
      await waitFor(lab.holdsAlone('a', VIP), 8000, 20, 'a preempts again when the check passes');
      await waitFor(() => fs.existsSync(notifyLog) && fs.readFileSync(notifyLog, 'utf8').split('\n').filter(Boolean).length >= 5, 3000, 20, 'notify calls');
      const calls = fs.readFileSync(notifyLog, 'utf8').split('\n').filter(Boolean);
      assert.ok(calls.includes('INSTANCE VI_U MASTER 150'), calls.join(' | '));
      assert.ok(calls.includes('INSTANCE VI_U BACKUP 90'), calls.join(' | '));
      assert.ok(calls.includes('became-master'), calls.join(' | '));
    } finally {
      await lab.stopAll();
      lab.delVip('a', VIP);
      lab.delVip('b', VIP);
    }
  });

  test('vrrp_track_process and track_file move the VIP to keepalived and back (weights), and the status shows them', async (t) => {
    // A process of our own with a name nothing else on the machine has (comm is the file name).
    const name = `hftrk${process.pid % 100000}`;
    const bin = path.join(lab.dir, name);
    fs.copyFileSync('/bin/sleep', bin);
    fs.chmodSync(bin, 0o755);
    const weightFile = path.join(lab.dir, 'weight');
    const run = () => spawn(bin, ['600'], { stdio: 'ignore' });
    let tracked = run();
    const conf = [
      'vrrp_track_process trk {',
      `    process ${name}`,
      '    weight -60',
      '}',
      'track_file wf {',
      `    file ${weightFile}`,
      '    weight -1',
      '    init_file 0',
      '}',
      '',
    ].join('\n');
    const v3 = (n: Node, extra: string[] = []) => instance({ n, priority: n === 'a' ? 150 : 100, extra }).replace('    advert_int 1\n', '    advert_int 0.1\n    version 3\n').replace(/    authentication \{[^}]*\}\n/, '');
    try {
      const a = lab.startAgent('a', lab.write('tp-a.conf', conf + v3('a', ['    track_process {', '        trk', '    }', '    track_file {', '        wf', '    }'])));
      const b = lab.startKeepalived('b', lab.write('tp-b.conf', v3('b')));
      await Promise.all([lab.ready(a), lab.ready(b)]);
      await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'a master while its process runs');
      assert.equal(fs.readFileSync(weightFile, 'utf8').trim(), '0', 'init_file wrote the value');
      const st = () => JSON.parse(fs.readFileSync(a.statusFile!, 'utf8')) as { processes: { name: string; ok: boolean; count: number }[]; files: { name: string; value: number }[] };
      await waitFor(() => { try { return st().processes[0]?.count === 1; } catch { return false; } }, 3000, 20, 'the status counts the process');

      // The process dies: priority 90 < 100 — keepalived preempts.
      const died = performance.now();
      tracked.kill('SIGKILL');
      await waitFor(lab.holdsAlone('b', VIP), 5000, 10, 'b takes over when the tracked process is gone');
      t.diagnostic(`process gone → keepalived master in ${(performance.now() - died).toFixed(0)} ms (poll 0.1 s + Master_Down_Interval 0.36 s)`);
      tracked = run();
      await waitFor(lab.holdsAlone('a', VIP), 5000, 10, 'a preempts again once the process is back (found by the 1 s scan)');

      // The weight file: 60 × -1 = -60.
      fs.writeFileSync(weightFile, '60\n');
      await waitFor(lab.holdsAlone('b', VIP), 5000, 10, 'b takes over when the file says 60');
      await waitFor(() => { try { return st().files[0]?.value === 60; } catch { return false; } }, 3000, 20, 'the status shows the value');
      fs.writeFileSync(weightFile, '0\n');
      await waitFor(lab.holdsAlone('a', VIP), 5000, 10, 'a back when the file says 0');
    } finally {
      tracked.kill('SIGKILL');
      await lab.stopAll();
      lab.delVip('a', VIP);
      lab.delVip('b', VIP);
    }
  });

  test('use_vmac: the agent and keepalived each put the VIP on vrrp.92 with the virtual MAC; adverts and ARP answers carry it; kill -9 moves it; SIGTERM removes the VMAC', async () => {
    const vmacConf = (n: Node) => instance({ n, priority: n === 'a' ? 150 : 100, extra: ['    use_vmac'] }).replace('virtual_router_id 90', 'virtual_router_id 92');
    const linkOf = (n: Node) => {
      try {
        return (JSON.parse(lab.exec(n, 'ip', ['-j', 'addr', 'show', 'dev', 'vrrp.92'])) as { address: string; operstate: string; addr_info: { local: string }[] }[])[0];
      } catch {
        return undefined; // no such interface
      }
    };
    const onVmac = (n: Node) => (linkOf(n)?.addr_info ?? []).some((a) => a.local === VIP);
    const arpIgnore = () => lab.exec('a', 'cat', ['/proc/sys/net/ipv4/conf/eth0/arp_ignore']).trim();
    const before = arpIgnore();
    try {
      let ag = lab.startAgent('a', lab.write('v-a.conf', vmacConf('a')));
      const ka = lab.startKeepalived('b', lab.write('v-b.conf', vmacConf('b')));
      await Promise.all([lab.ready(ag), lab.ready(ka)]);
      await waitFor(() => onVmac('a') && !onVmac('b'), 15_000, 20, 'the VIP on a\'s vrrp.92 only');
      assert.equal(linkOf('a')!.address, '00:00:5e:00:01:5c', 'the VMAC carries the virtual router MAC of VRID 92');
      assert.deepEqual(lab.vipsOn('a'), [], 'not on eth0');
      assert.equal(arpIgnore(), '1', 'arp_ignore on the parent while the VMAC exists');
      // ARP for the VIP is answered by the virtual MAC alone, and a's adverts leave from it.
      const arp = lab.exec('b', 'arping', ['-c', '2', '-i', 'eth0', VIP]);
      const answers = [...arp.matchAll(/bytes from ([0-9a-f:]{17}) \(/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(answers)], ['00:00:5e:00:01:5c'], arp);
      const capture = execFileSync('ip', ['netns', 'exec', lab.ns('b'), 'timeout', '4', 'tcpdump', '-e', '-n', '-c', '1', '-i', 'eth0', 'ip proto 112'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      assert.match(capture, /00:00:5e:00:01:5c > 01:00:5e:00:00:12/, capture);

      lab.kill9(ag);
      await waitFor(() => onVmac('b'), 6000, 10, 'keepalived takes the VIP onto its own vrrp.92');
      // kill -9 left arp_ignore=1 on the parent (nothing can put it back, as with keepalived): reset
      // it by hand, so the next run's restore is seen.
      lab.exec('a', 'sysctl', ['-qw', `net.ipv4.conf.eth0.arp_ignore=${before}`]);
      ag = lab.startAgent('a', lab.write('v-a2.conf', vmacConf('a')));
      await lab.ready(ag);
      await waitFor(() => onVmac('a') && !onVmac('b'), 15_000, 20, 'the agent preempts again (the VMAC a killed run left is re-created)');
      lab.term(ag);
      await ag.exited;
      assert.equal(linkOf('a'), undefined, 'SIGTERM removed vrrp.92');
      assert.equal(arpIgnore(), before, 'and put the parent\'s arp_ignore back');
    } finally {
      await lab.stopAll();
      try {
        lab.exec('a', 'ip', ['link', 'del', 'vrrp.92']);
      } catch {
        /* removed by the agent */
      }
    }
  });

  test('virtual_routes / virtual_rules follow mastership, between the agent and keepalived', async () => {
    const conf = (n: Node) => instance({ n, priority: n === 'a' ? 150 : 100, extra: [
      '    virtual_routes {',
      `        198.19.99.0/24 via ${n === 'a' ? ADDR.b : ADDR.a} dev eth0`,
      '    }',
      '    virtual_rules {',
      `        from ${VIP} table 100`,
      '    }',
    ] }).replace('virtual_router_id 90', 'virtual_router_id 94');
    const route = (n: Node) => lab.exec(n, 'ip', ['route', 'show', '198.19.99.0/24']).trim();
    const rule = (n: Node) => lab.exec(n, 'ip', ['rule', 'show']).includes(`from ${VIP} lookup 100`);
    try {
      const ag = lab.startAgent('a', lab.write('r-a.conf', conf('a')));
      const ka = lab.startKeepalived('b', lab.write('r-b.conf', conf('b')));
      await Promise.all([lab.ready(ag), lab.ready(ka)]);
      await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'a master');
      await waitFor(() => route('a') !== '' && rule('a'), 3000, 20, 'the agent added its route and rule');
      assert.match(route('a'), /^198\.19\.99\.0\/24 via 198\.18\.250\.2 dev eth0/);
      assert.equal(route('b'), '', 'none on the backup');
      assert.equal(rule('b'), false);
      lab.term(ag);
      await ag.exited;
      await waitFor(() => route('b') !== '', 5000, 20, 'keepalived adds its route as the new master');
      assert.equal(route('a'), '', 'the agent removed its route on the way out');
      assert.equal(rule('a'), false, 'and its rule');
    } finally {
      await lab.stopAll();
      lab.delVip('a', VIP);
      lab.delVip('b', VIP);
      for (const n of ['a', 'b'] as Node[]) {
        try { lab.exec(n, 'ip', ['route', 'del', '198.19.99.0/24']); } catch { /* gone */ }
        try { lab.exec(n, 'ip', ['rule', 'del', 'from', VIP, 'table', '100']); } catch { /* gone */ }
      }
    }
  });

  for (const agentOn of ['a', 'b'] as Node[]) {
    test(`a healed split brain (agent ${agentOn === 'a' ? '150' : '100'} vs keepalived, v3 0.1 s) has one master again within one advert interval`, async () => {
      const conf = (n: Node) =>
        ['vrrp_instance VI_S {', '    interface eth0', '    virtual_router_id 91', '    version 3', `    priority ${n === 'a' ? 150 : 100}`, '    advert_int 0.1',
          '    virtual_ipaddress {', `        ${VIP}/24 dev eth0`, '    }', '}', ''].join('\n');
      try {
        const kaOn: Node = agentOn === 'a' ? 'b' : 'a';
        const ag = lab.startAgent(agentOn, lab.write(`s-ag-${agentOn}.conf`, conf(agentOn)));
        const ka = lab.startKeepalived(kaOn, lab.write(`s-ka-${kaOn}.conf`, conf(kaOn)));
        await Promise.all([lab.ready(ag), lab.ready(ka)]);
        await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'a master');
        lab.unplug('b');
        await waitFor(() => lab.holders(VIP).length === 2, 3000, 10, 'split brain while partitioned');
        await sleep(500);
        lab.plug('b');
        const ms = await waitFor(lab.holdsAlone('a', VIP), 3000, 5, 'one master after healing');
        // One advert interval (100 ms) plus our polling of `ip addr` and the bridge relearning.
        assert.ok(ms < 100 + 150, `healed in ${ms.toFixed(0)} ms`);
      } finally {
        try {
          lab.plug('b');
        } catch {
          /* already on the bridge */
        }
        await lab.stopAll();
        lab.delVip('a', VIP);
        lab.delVip('b', VIP);
      }
    });
  }

  test('interface down → FAULT (VIP removed, backup takes over); up again → back and preempting', async () => {
    try {
      const a = lab.startAgent('a', lab.write('f-a.conf', instance({ n: 'a', priority: 150 })));
      const b = lab.startAgent('b', lab.write('f-b.conf', instance({ n: 'b', priority: 100 })));
      await Promise.all([lab.ready(a), lab.ready(b)]);
      await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'a master');
      execFileSync('ip', ['-n', lab.ns('a'), 'link', 'set', 'eth0', 'down']);
      await waitFor(() => lab.status(a).instances[0]!.state === 'FAULT', 3000, 20, 'a in FAULT');
      assert.deepEqual(lab.status(a).instances[0]!.faults, ['interface eth0']);
      await waitFor(lab.holdsAlone('b', VIP), 6000, 20, 'b master, the VIP gone from a');
      execFileSync('ip', ['-n', lab.ns('a'), 'link', 'set', 'eth0', 'up']);
      await waitFor(lab.holdsAlone('a', VIP), 10_000, 20, 'a back and preempting');
      assert.match(fs.readFileSync(a.log, 'utf8'), /FAULT → BACKUP .*fault cleared: interface eth0/);
    } finally {
      try {
        execFileSync('ip', ['-n', lab.ns('a'), 'link', 'set', 'eth0', 'up']);
      } catch {
        /* namespace gone */
      }
      await lab.stopAll();
      lab.delVip('a', VIP);
      lab.delVip('b', VIP);
    }
  });

  test('SIGHUP: an added instance starts, a removed one leaves (VIP gone), a broken file is refused', async () => {
    const vi2 = ['vrrp_instance VI_2 {', '    interface eth0', '    virtual_router_id 93', '    priority 100', '    advert_int 1',
      '    virtual_ipaddress {', '        198.18.250.101/24 dev eth0', '    }', '}', ''].join('\n');
    const conf = path.join(lab.dir, 'r-a.conf');
    try {
      fs.writeFileSync(conf, instance({ n: 'a', priority: 150 }));
      const a = lab.startAgent('a', conf);
      await lab.ready(a);
      await waitFor(() => lab.vipsOn('a').includes(VIP), 10_000, 20, 'VI_U master');
      fs.writeFileSync(conf, instance({ n: 'a', priority: 150 }) + vi2);
      a.child.kill('SIGHUP');
      await waitFor(() => lab.vipsOn('a').includes('198.18.250.101'), 10_000, 20, 'VI_2 started and master');
      assert.ok(lab.vipsOn('a').includes(VIP), 'VI_U kept its VIP');
      fs.writeFileSync(conf, vi2);
      a.child.kill('SIGHUP');
      await waitFor(() => !lab.vipsOn('a').includes(VIP), 3000, 20, 'VI_U removed');
      fs.writeFileSync(conf, vi2.replace('virtual_router_id 93', 'virtual_router_id 300'));
      a.child.kill('SIGHUP');
      await waitFor(() => /reload refused/.test(fs.readFileSync(a.log, 'utf8')), 3000, 20, 'refusal logged');
      await sleep(300);
      assert.deepEqual(lab.vipsOn('a'), ['198.18.250.101'], 'still running the previous configuration');
      assert.deepEqual(lab.status(a).instances.map((i) => [i.name, i.state]), [['VI_2', 'MASTER']]);
    } finally {
      await lab.stopAll();
      lab.delVip('a', VIP);
      lab.delVip('a', '198.18.250.101');
    }
  });

  for (const peer of ['agent', 'keepalived'] as const) {
    test(`vrrp_sync_group with a ${peer} peer: one member's failing check (FAULT, as keepalived) moves the whole group, and back`, async () => {
      const flag = path.join(lab.dir, `sync-ok-${peer}`);
      fs.writeFileSync(flag, '');
      const notifyLog = path.join(lab.dir, `group-notify-${peer}.log`);
      const notify = lab.write(`group-notify-${peer}.sh`, `#!/bin/sh\necho "$@" >> ${notifyLog}\n`);
      fs.chmodSync(notify, 0o755);
      const group = (n: Node) => {
        const prio = n === 'a' ? 150 : 100;
        const inst = (name: string, vrid: number, vip: string, track: boolean) => [
          `vrrp_instance ${name} {`, '    interface eth0', `    virtual_router_id ${vrid}`, '    version 3', `    priority ${prio}`, '    advert_int 0.1',
          '    virtual_ipaddress {', `        ${vip}/24 dev eth0`, '    }',
          ...(track ? ['    track_script {', '        chk', '    }'] : []), '}'];
        return [
          ...(n === 'a' ? ['vrrp_script chk {', `    script "/usr/bin/test -f ${flag}"`, '    interval 1', '    fall 2', '    rise 2', '    weight -60', '}'] : []),
          'vrrp_sync_group G {', '    group {', '        EXT', '        INT', '    }', ...(n === 'a' ? [`    notify ${notify}`] : []), '}',
          ...inst('EXT', 94, VIP, n === 'a'), ...inst('INT', 95, '198.18.250.101', false), '',
        ].join('\n');
      };
      const all = [VIP, '198.18.250.101'];
      const on = (n: Node) => () => {
        const va = lab.vipsOn('a');
        const vb = lab.vipsOn('b');
        return n === 'a' ? all.every((v) => va.includes(v)) && vb.length === 0 : all.every((v) => vb.includes(v)) && va.length === 0;
      };
      try {
        const a = lab.startAgent('a', lab.write(`g-a-${peer}.conf`, group('a')));
        const b = peer === 'agent' ? lab.startAgent('b', lab.write('g-b.conf', group('b'))) : lab.startKeepalived('b', lab.write('g-b-ka.conf', group('b')));
        await Promise.all([lab.ready(a), lab.ready(b)]);
        await waitFor(on('a'), 15_000, 20, 'the group master on a');
        fs.rmSync(flag);
        await waitFor(on('b'), 8000, 20, 'the whole group on b while a check fails');
        await sleep(1500);
        assert.ok(on('b')(), `no thrashing: a ${lab.vipsOn('a')} b ${lab.vipsOn('b')}`);
        fs.writeFileSync(flag, '');
        await waitFor(on('a'), 8000, 20, 'the whole group back on a');
        await sleep(1500);
        assert.ok(on('a')(), `stays on a: a ${lab.vipsOn('a')} b ${lab.vipsOn('b')}`);
        const calls = fs.readFileSync(notifyLog, 'utf8').split('\n').filter(Boolean);
        assert.deepEqual(calls.filter((c) => c !== 'GROUP G BACKUP'), ['GROUP G MASTER', 'GROUP G FAULT', 'GROUP G MASTER'], calls.join(' | '));
      } finally {
        await lab.stopAll();
        for (const n of ['a', 'b'] as Node[]) for (const v of [VIP, '198.18.250.101']) lab.delVip(n, v);
      }
    });
  }
});
