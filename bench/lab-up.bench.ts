/**
 * How long `lab up` / `lab down` take and what a lab host costs in memory.
 * Targets (issue 4): 2+2 hosts up in < 5 s, 100 hosts in < 60 s on the 2-core machine.
 * Memory per host = the lab's processes (init, sshd, backend nginx) / hosts, as RSS (shared
 * pages counted in each process: an upper bound) and PSS (shared pages split: the fair share).
 * Run: node --import tsx bench/lab-up.bench.ts   (root; creates and removes its own labs)
 */
import { labDown, labUp, pidsByNetns, pssKb, rssKb, type LabState } from '../src/lab/index.js';

const sizes = [
  { directors: 2, realservers: 2, runs: 3 },
  { directors: 2, realservers: 98, runs: 1 },
];

async function memory(s: LabState): Promise<{ processes: number; rssKb: number; pssKb: number }> {
  const pids = [...(await pidsByNetns([s.admin.netns, ...s.hosts.map((h) => h.netns)])).values()].flat();
  const [rss, pss] = await Promise.all([Promise.all(pids.map(rssKb)), Promise.all(pids.map(pssKb))]);
  return { processes: pids.length, rssKb: rss.reduce((a, b) => a + b, 0), pssKb: pss.reduce((a, b) => a + b, 0) };
}

const mb = (kb: number) => (kb / 1024).toFixed(2);
let failed = false;

for (const size of sizes) {
  const hosts = size.directors + size.realservers;
  for (let run = 1; run <= size.runs; run++) {
    const name = `b${process.pid % 1000}${hosts}${run}`.slice(0, 8);
    const t0 = performance.now();
    const r = await labUp({ name, directors: size.directors, realservers: size.realservers });
    const upMs = performance.now() - t0;
    if (!r.ok) {
      console.error(`lab up ${name} failed: ${r.diagnostics.map((d) => d.message).join('; ')}`);
      await labDown(name);
      failed = true;
      break;
    }
    const m = await memory(r.value);
    const t1 = performance.now();
    await labDown(name);
    const downMs = performance.now() - t1;
    const target = hosts <= 4 ? 5000 : 60000;
    console.log(`${String(hosts).padStart(3)} hosts (${size.directors}+${size.realservers}) run ${run}: up ${(upMs / 1000).toFixed(2)} s` +
      ` (target < ${target / 1000} s${upMs < target ? '' : ' MISSED'}), down ${(downMs / 1000).toFixed(2)} s,` +
      ` ${m.processes} processes, per host RSS ${mb(m.rssKb / hosts)} MiB, PSS ${mb(m.pssKb / hosts)} MiB`);
    if (upMs >= target) failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
