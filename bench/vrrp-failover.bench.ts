/**
 * Failover of the agent, measured on the wire (tcpdump on our lab's bridge, µs timestamps):
 * kill -9 of the master → new master's first advert, against 3 × advert_int + skew (the
 * backup's Master_Down_Interval); SIGTERM → takeover against Skew_Time; gratuitous ARP delay
 * after the first advert of the new master; the agent's RSS and idle CPU. Own namespaces only
 * (bench/vrrp-lab.ts). Run: node --import tsx bench/vrrp-failover.bench.ts [reps]
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { ADDR, VrrpLab, sleep, vrrpConf, waitFor, type Node, type Proc } from './vrrp-lab.js';

const VIP = '198.18.250.100';
const REPS = Number(process.argv[2] ?? 3);
type Speaker = 'agent' | 'keepalived';

interface Frame {
  t: number;
  mac: string;
  kind: 'advert' | 'arp';
  src?: string;
  prio?: number;
}

function capture(lab: VrrpLab): { frames: Frame[]; stop(): void } {
  const frames: Frame[] = [];
  const td = spawn('tcpdump', ['-l', '-n', '-e', '-tt', '--time-stamp-precision=micro', '-i', lab.bridge, 'vrrp or arp'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let rest = '';
  td.stdout.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) {
      const m = /^(\d+\.\d+) ([0-9a-f:]{17}) >/.exec(l);
      if (!m) continue;
      const t = Number(m[1]) * 1000;
      const adv = /(\d+\.\d+\.\d+\.\d+) > [\d.]+: VRRPv\d, Advertisement, vrid \d+, prio (\d+)/.exec(l);
      if (adv) frames.push({ t, mac: m[2]!, kind: 'advert', src: adv[1], prio: Number(adv[2]) });
      else if (/Request who-has 198\.18\.250\.100 .*tell 198\.18\.250\.100/.test(l)) frames.push({ t, mac: m[2]!, kind: 'arp' });
    }
  });
  return { frames, stop: () => td.kill('SIGTERM') };
}

function macInNs(lab: VrrpLab, n: Node): string {
  const j = JSON.parse(execFileSync('ip', ['-n', lab.ns(n), '-j', 'link', 'show', 'eth0'], { encoding: 'utf8' })) as { address: string }[];
  return j[0]!.address;
}

function mdiMs(version: 2 | 3, advertInt: number, prio: number): number {
  const skew = version === 2 ? ((256 - prio) / 256) * 1000 : ((256 - prio) * advertInt * 1000) / 256;
  return 3 * advertInt * 1000 + skew;
}

function start(lab: VrrpLab, who: Speaker, n: Node, conf: string): Proc {
  return who === 'agent' ? lab.startAgent(n, conf) : lab.startKeepalived(n, conf);
}

const soleHolder = (lab: VrrpLab, n: Node) => () => {
  const h = lab.holders(VIP);
  return h.length === 1 && h[0] === n;
};

interface Row {
  scenario: string;
  event: 'kill -9' | 'SIGTERM';
  failoverMs: number;
  boundMs: number;
  garpAfterAdvertMs: number;
  /** From the kill/SIGTERM being sent to the new master's first advert. */
  fromEventMs: number;
}

async function scenario(lab: VrrpLab, hi: Speaker, lo: Speaker, version: 2 | 3, advertInt: number, rows: Row[]): Promise<void> {
  const c = { version, advertInt, vrid: 80 + version, vip: VIP, ...(version === 2 ? { authPass: 'hf-pw' } : {}) };
  const confHi = lab.write(`b-hi-${version}.conf`, vrrpConf({ ...c, priority: 150 }));
  const confLo = lab.write(`b-lo-${version}.conf`, vrrpConf({ ...c, priority: 100 }));
  const name = `${hi}→${lo} v${version} ${advertInt}s`;
  const macB = macInNs(lab, 'b');
  const cap = capture(lab);
  try {
    const b = start(lab, lo, 'b', confLo);
    await lab.ready(b);
    for (let i = 0; i < REPS * 2; i++) {
      const event = i % 2 === 0 ? 'kill -9' : 'SIGTERM';
      const a = start(lab, hi, 'a', confHi);
      await lab.ready(a);
      await waitFor(soleHolder(lab, 'a'), 20_000, 20, 'a sole master');
      await sleep(advertInt * 1000 * 2.5);
      const tEvent = Date.now();
      if (event === 'kill -9') lab.kill9(a);
      else lab.term(a);
      await waitFor(() => lab.holders(VIP).includes('b'), 10_000, 5, 'b takes over');
      await sleep(Math.max(200, advertInt * 2000));
      const fr = cap.frames;
      // The backup sends nothing until it takes over: its first advert after the signal is the
      // takeover. kill -9: from the old master's last advert before that (the process may get
      // one more out between the signal being sent and its death); SIGTERM: from its priority-0 advert.
      const firstB = fr.find((f) => f.kind === 'advert' && f.src === ADDR.b && f.t > tEvent - 5 && f.prio !== 0)!;
      const lastA =
        event === 'kill -9'
          ? fr.filter((f) => f.kind === 'advert' && f.src === ADDR.a && firstB && f.t < firstB.t).at(-1)!
          : fr.find((f) => f.kind === 'advert' && f.src === ADDR.a && f.prio === 0 && f.t >= tEvent - 5)!;
      if (!lastA || !firstB) throw new Error(`${name} ${event}: adverts not seen on the bridge (${fr.length} frames captured)`);
      const garpB = fr.find((f) => f.kind === 'arp' && f.mac === macB && f.t >= firstB.t - 50);
      const bound = event === 'kill -9' ? mdiMs(version, advertInt, 100) : mdiMs(version, advertInt, 100) - 3 * advertInt * 1000;
      rows.push({ scenario: name, event, failoverMs: firstB.t - lastA.t, boundMs: bound, garpAfterAdvertMs: garpB ? garpB.t - firstB.t : NaN, fromEventMs: firstB.t - tEvent });
      await a.exited;
      lab.delVip('a', VIP);
    }
  } finally {
    cap.stop();
    await lab.stopAll();
    lab.delVip('a', VIP);
    lab.delVip('b', VIP);
  }
}

function procStat(pid: number): { rssKb: number; cpuTicks: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { rssKb, cpuTicks: Number(f[11]) + Number(f[12]) };
}

async function idle(lab: VrrpLab, version: 2 | 3, advertInt: number): Promise<string[]> {
  const c = { version, advertInt, vrid: 90, vip: VIP };
  const a = lab.startAgent('a', lab.write('i-a.conf', vrrpConf({ ...c, priority: 150 })));
  const b = lab.startAgent('b', lab.write('i-b.conf', vrrpConf({ ...c, priority: 100 })));
  try {
    await Promise.all([lab.ready(a), lab.ready(b)]);
    await waitFor(soleHolder(lab, 'a'), 20_000, 20, 'a master');
    await sleep(2000);
    const s0 = [procStat(a.child.pid!), procStat(b.child.pid!)];
    const seconds = 10;
    await sleep(seconds * 1000);
    const s1 = [procStat(a.child.pid!), procStat(b.child.pid!)];
    const hz = 100;
    return ['master', 'backup'].map((role, i) => `agent ${role} (v${version} ${advertInt}s): RSS ${(s1[i]!.rssKb / 1024).toFixed(1)} MiB, idle CPU ${(((s1[i]!.cpuTicks - s0[i]!.cpuTicks) / hz / seconds) * 100).toFixed(2)} %`);
  } finally {
    await lab.stopAll();
    lab.delVip('a', VIP);
    lab.delVip('b', VIP);
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('vrrp-failover bench needs root (network namespaces); skipped');
    return;
  }
  const lab = new VrrpLab('f');
  lab.up();
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    for (const [version, advertInt] of [[2, 1], [3, 0.1]] as const) {
      for (const [hi, lo] of [['agent', 'agent'], ['keepalived', 'agent'], ['agent', 'keepalived']] as [Speaker, Speaker][]) {
        await scenario(lab, hi, lo, version, advertInt, rows);
      }
    }
    notes.push(...(await idle(lab, 2, 1)), ...(await idle(lab, 3, 0.1)));
  } finally {
    await lab.down();
  }
  console.log(`agent run as: ${process.env.HAFLEET_AGENT_MAIN ? `node ${process.env.HAFLEET_AGENT_MAIN}` : 'node --import tsx src/cli/main.ts'}`);
  console.log('scenario (master→backup)   event     failover ms  bound ms  Δ ms  GARP after advert ms  from signal ms');
  for (const r of rows) {
    console.log(
      `${r.scenario.padEnd(27)}${r.event.padEnd(10)}${r.failoverMs.toFixed(1).padStart(11)}${r.boundMs.toFixed(1).padStart(10)}${(r.failoverMs - r.boundMs).toFixed(1).padStart(6)}${r.garpAfterAdvertMs.toFixed(3).padStart(22)}${r.fromEventMs.toFixed(1).padStart(16)}`,
    );
  }
  for (const n of notes) console.log(n);
  console.log('bound: kill -9 → 3 × advert_int + skew of the backup (priority 100), from the old master\'s last advert; SIGTERM → its skew time, from the old master\'s priority-0 advert; to the new master\'s first advert, on the bridge (tcpdump µs timestamps).');
}

await main();
