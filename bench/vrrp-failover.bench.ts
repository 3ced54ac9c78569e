/**
 * Failover of the agent, measured on the wire (tcpdump on our lab's bridge, µs timestamps):
 * kill -9 of the master → new master's first advert, against 3 × advert_int + skew (the
 * backup's Master_Down_Interval); SIGTERM → takeover against Skew_Time; the delay of the new
 * master's announcement after its first advert (IPv4: gratuitous ARP; IPv6: the unsolicited
 * Neighbor Advertisement, RFC 5798 §6.4.2); the agent's RSS and idle CPU. IPv4 (VRRPv2 and v3)
 * and VRRPv3 over IPv6 (ff02::12 from link-local sources). Own namespaces only
 * (bench/vrrp-lab.ts). Run: node --import tsx bench/vrrp-failover.bench.ts [reps]
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { ADDR, LL6, VrrpLab, sleep, vrrpConf, waitFor, type Node, type Speaker } from './vrrp-lab.js';

const REPS = Number(process.argv[2] ?? 3);

/** What differs between the address families on the wire. */
interface Family {
  name: 'IPv4' | 'IPv6';
  vip: string;
  prefix: number;
  /** Each router's advert source: its address (IPv4), its link-local address (IPv6). */
  src: Record<Node, string>;
  /** How a new master announces the VIP's MAC. */
  announce: 'garp' | 'na';
}
const IPV4: Family = { name: 'IPv4', vip: '198.18.250.100', prefix: 24, src: ADDR, announce: 'garp' };
const IPV6: Family = { name: 'IPv6', vip: '2001:2:0:250::100', prefix: 64, src: LL6, announce: 'na' };

interface Frame {
  t: number;
  mac: string;
  /** garp: gratuitous ARP request for the IPv4 VIP; na: unsolicited NA for the IPv6 VIP to ff02::1. */
  kind: 'advert' | 'garp' | 'na';
  src?: string;
  prio?: number;
}

const esc = (s: string) => s.replace(/[.]/g, '\\.');
const GARP = new RegExp(`Request who-has ${esc(IPV4.vip)} .*tell ${esc(IPV4.vip)}`);
const NA = new RegExp(`length \\d+: ${IPV6.vip} > ff02::1: ICMP6, neighbor advertisement, tgt is ${IPV6.vip},`);

function capture(lab: VrrpLab): { frames: Frame[]; stop(): void } {
  const frames: Frame[] = [];
  // libpcap's `vrrp` is IPv4 only; IPv6 VRRP is next header 112 (no extension headers on adverts).
  const filter = 'vrrp or arp or ip6 proto 112 or icmp6[icmp6type] == icmp6-neighboradvert';
  const td = spawn('tcpdump', ['-l', '-n', '-e', '-tt', '--time-stamp-precision=micro', '-i', lab.bridge, filter], { stdio: ['ignore', 'pipe', 'ignore'] });
  let rest = '';
  td.stdout.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) {
      const m = /^(\d+\.\d+) ([0-9a-f:]{17}) >/.exec(l);
      if (!m) continue;
      const t = Number(m[1]) * 1000;
      // IPv6: `... length 78: fe80::1 > ff02::12: VRRPv3, Advertisement, vrid 86, prio 150, intvl 10cs, length 24`
      const adv =
        /(\d+\.\d+\.\d+\.\d+) > [\d.]+: VRRPv\d, Advertisement, vrid \d+, prio (\d+)/.exec(l) ??
        /length \d+: ([0-9a-f:]+) > ff02::12: VRRPv3, Advertisement, vrid \d+, prio (\d+)/.exec(l);
      if (adv) frames.push({ t, mac: m[2]!, kind: 'advert', src: adv[1], prio: Number(adv[2]) });
      else if (GARP.test(l)) frames.push({ t, mac: m[2]!, kind: 'garp' });
      else if (NA.test(l)) frames.push({ t, mac: m[2]!, kind: 'na' });
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

interface Row {
  scenario: string;
  event: 'kill -9' | 'SIGTERM';
  failoverMs: number;
  boundMs: number;
  /** The gratuitous ARP (IPv4) or unsolicited NA (IPv6) of the new master after its first advert. */
  announceAfterAdvertMs: number;
  /** From the kill/SIGTERM being sent to the new master's first advert. */
  fromEventMs: number;
}

async function scenario(lab: VrrpLab, fam: Family, hi: Speaker, lo: Speaker, version: 2 | 3, advertInt: number, rows: Row[]): Promise<void> {
  const VIP = fam.vip;
  const vrid = fam.name === 'IPv4' ? 80 + version : 86;
  const c = { version, advertInt, vrid, vip: VIP, ...(version === 2 ? { authPass: 'hf-pw' } : {}) };
  const confHi = lab.write(`b-hi-${fam.name}-${version}.conf`, vrrpConf({ ...c, priority: 150 }));
  const confLo = lab.write(`b-lo-${fam.name}-${version}.conf`, vrrpConf({ ...c, priority: 100 }));
  const name = `${hi}→${lo} v${version}${fam.name === 'IPv6' ? ' IPv6' : ''} ${advertInt}s`;
  const macB = macInNs(lab, 'b');
  const cap = capture(lab);
  try {
    const b = lab.start(lo, 'b', confLo);
    await lab.ready(b);
    for (let i = 0; i < REPS * 2; i++) {
      const event = i % 2 === 0 ? 'kill -9' : 'SIGTERM';
      const a = lab.start(hi, 'a', confHi);
      await lab.ready(a);
      await waitFor(lab.holdsAlone('a', VIP), 20_000, 20, 'a sole master');
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
      const firstB = fr.find((f) => f.kind === 'advert' && f.src === fam.src.b && f.t > tEvent - 5 && f.prio !== 0)!;
      const lastA =
        event === 'kill -9'
          ? fr.filter((f) => f.kind === 'advert' && f.src === fam.src.a && firstB && f.t < firstB.t).at(-1)!
          : fr.find((f) => f.kind === 'advert' && f.src === fam.src.a && f.prio === 0 && f.t >= tEvent - 5)!;
      if (!lastA || !firstB) throw new Error(`${name} ${event}: adverts not seen on the bridge (${fr.length} frames captured)`);
      const announceB = fr.find((f) => f.kind === fam.announce && f.mac === macB && f.t >= firstB.t - 50);
      const bound = event === 'kill -9' ? mdiMs(version, advertInt, 100) : mdiMs(version, advertInt, 100) - 3 * advertInt * 1000;
      rows.push({ scenario: name, event, failoverMs: firstB.t - lastA.t, boundMs: bound, announceAfterAdvertMs: announceB ? announceB.t - firstB.t : NaN, fromEventMs: firstB.t - tEvent });
      await a.exited;
      lab.delVip('a', VIP, fam.prefix);
    }
  } finally {
    cap.stop();
    await lab.stopAll();
    lab.delVip('a', VIP, fam.prefix);
    lab.delVip('b', VIP, fam.prefix);
  }
}

function procStat(pid: number): { rssKb: number; cpuTicks: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { rssKb, cpuTicks: Number(f[11]) + Number(f[12]) };
}

async function idle(lab: VrrpLab, version: 2 | 3, advertInt: number): Promise<string[]> {
  const VIP = IPV4.vip;
  const c = { version, advertInt, vrid: 90, vip: VIP };
  const a = lab.startAgent('a', lab.write('i-a.conf', vrrpConf({ ...c, priority: 150 })));
  const b = lab.startAgent('b', lab.write('i-b.conf', vrrpConf({ ...c, priority: 100 })));
  try {
    await Promise.all([lab.ready(a), lab.ready(b)]);
    await waitFor(lab.holdsAlone('a', IPV4.vip), 20_000, 20, 'a master');
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
    const pairs: [Speaker, Speaker][] = [['agent', 'agent'], ['keepalived', 'agent'], ['agent', 'keepalived']];
    // IPv6 is VRRPv3 only (RFC 5798); VRRPv2 has no IPv6.
    const cases = [[IPV4, 2, 1], [IPV4, 3, 0.1], [IPV6, 3, 1], [IPV6, 3, 0.1]] as const;
    for (const [fam, version, advertInt] of cases) {
      for (const [hi, lo] of pairs) await scenario(lab, fam, hi, lo, version, advertInt, rows);
    }
    notes.push(...(await idle(lab, 2, 1)), ...(await idle(lab, 3, 0.1)));
  } finally {
    await lab.down();
  }
  console.log(`agent run as: ${process.env.HAFLEET_AGENT_MAIN ? `node ${process.env.HAFLEET_AGENT_MAIN}` : 'node --import tsx src/cli/main.ts'}`);
  console.log('scenario (master→backup)        event     failover ms  bound ms  Δ ms  GARP/NA after advert ms  from signal ms');
  for (const r of rows) {
    console.log(
      `${r.scenario.padEnd(32)}${r.event.padEnd(10)}${r.failoverMs.toFixed(1).padStart(11)}${r.boundMs.toFixed(1).padStart(10)}${(r.failoverMs - r.boundMs).toFixed(1).padStart(6)}${r.announceAfterAdvertMs.toFixed(3).padStart(25)}${r.fromEventMs.toFixed(1).padStart(16)}`,
    );
  }
  for (const n of notes) console.log(n);
  console.log('GARP/NA: IPv4 rows, the gratuitous ARP for the VIP; IPv6 rows, the unsolicited Neighbor Advertisement for the VIP to ff02::1; from the new master\'s MAC, after its first advert.');
  console.log('bound: kill -9 → 3 × advert_int + skew of the backup (priority 100), from the old master\'s last advert; SIGTERM → its skew time, from the old master\'s priority-0 advert; to the new master\'s first advert, on the bridge (tcpdump µs timestamps).');
}

await main();
