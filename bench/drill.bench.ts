/**
 * Failover times on a 2+2 keepalived lab (advert_int 1, priorities 150/100, preempt): each fault
 * run `--runs` times through `hafleet drill --fault F --json` in the lab's admin namespace; prints
 * failover after the fault and after the master's last (or priority-0) advert, against the
 * protocol bound, and the requests that failed through the VIP with and without one retry.
 * Targets (issue 6): kill-keepalived within 0.3 s of the bound; stop-keepalived under 1 s.
 * Run: node --import tsx bench/drill.bench.ts [--runs N] [fault…]   (root; its own lab, removed after)
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labCommand, labDown, labUp, run, type LabState } from '../src/lab/index.js';
import { FAULT_KINDS, type DrillMeasures, type FaultKind } from '../src/drill/index.js';

const CLI = join(fileURLToPath(new URL('..', import.meta.url)), 'src', 'cli', 'main.ts');

function args(): { runs: number; faults: FaultKind[] } {
  const a = process.argv.slice(2);
  const i = a.indexOf('--runs');
  const runs = i >= 0 ? Math.max(1, Number(a[i + 1]) || 1) : 3;
  const faults = a.filter((x, k) => (FAULT_KINDS as readonly string[]).includes(x) && a[k - 1] !== '--runs') as FaultKind[];
  return { runs, faults: faults.length ? faults : [...FAULT_KINDS] };
}

async function hafleet(s: LabState, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = labCommand(s, undefined, [process.execPath, '--import', 'tsx', CLI, ...argv]);
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  return run(c.value.cmd, c.value.args, { timeoutMs: 300_000 });
}

const stats = (xs: number[]) => {
  if (!xs.length) return '-';
  const s = [...xs].sort((a, b) => a - b);
  return `${Math.round(s[Math.floor(s.length / 2)]!)} (${Math.round(s[0]!)}–${Math.round(s[s.length - 1]!)})`;
};

async function main(): Promise<void> {
  const { runs, faults } = args();
  const name = `bdr${process.pid % 10000}`.slice(0, 8);
  const up = await labUp({ name, directors: 2, realservers: 2 });
  if (!up.ok) {
    console.error(`lab up ${name}: ${up.diagnostics.map((d) => d.message).join('; ')}`);
    await labDown(name);
    process.exitCode = 1;
    return;
  }
  const results = new Map<FaultKind, DrillMeasures[]>();
  try {
    const d = await hafleet(up.value, ['deploy', '-i', up.value.inventory, '--yes']);
    if (d.code !== 0) throw new Error(`deploy failed: ${d.stderr.trim().split('\n').slice(-5).join('\n')}`);
    for (const fault of faults) {
      for (let i = 0; i < runs; i++) {
        // verify must pass before a drill starts: give the fleet time to settle after the last one.
        for (let w = 0; w < 30; w++) {
          if ((await hafleet(up.value, ['verify', '-i', up.value.inventory])).code === 0) break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        const r = await hafleet(up.value, ['drill', '-i', up.value.inventory, '--fault', fault, '--json']);
        const doc = JSON.parse(r.stdout || '{}');
        const o = doc.outcomes?.[0];
        if (!o) {
          console.error(`${fault} run ${i + 1}: no outcome (${doc.refused ?? doc.stoppedEarly ?? r.stderr.trim().split('\n').pop()})`);
          process.exitCode = 1;
          continue;
        }
        if (!o.ok) console.error(`${fault} run ${i + 1}: ${o.problems.join('; ')}`);
        results.set(fault, [...(results.get(fault) ?? []), o.measures]);
        process.stderr.write(`${fault} run ${i + 1}: failover ${o.measures.failoverMs ?? '-'} ms\n`);
      }
    }
  } finally {
    await labDown(name);
  }
  console.log(`drill on a 2+2 keepalived lab, advert_int 1 s, priorities 150/100, ${runs} run(s) per fault; median (min–max) in ms`);
  console.log(['fault'.padEnd(16), 'after fault'.padEnd(20), 'after advert'.padEnd(20), 'bound'.padEnd(8), 'over bound'.padEnd(20), 'failed'.padEnd(15), 'failed w/ retry'.padEnd(15), 'longest gap'].join('  '));
  for (const [fault, ms] of results) {
    const pick = (f: (m: DrillMeasures) => number | null) => ms.map(f).filter((x): x is number => x !== null);
    console.log([
      fault.padEnd(16),
      stats(pick((m) => m.failoverMs)).padEnd(20),
      stats(pick((m) => m.sinceLastAdvertMs)).padEnd(20),
      String(ms[0]?.bound?.ms ?? '-').padEnd(8),
      stats(pick((m) => m.overBoundMs)).padEnd(20),
      stats(ms.map((m) => m.requests.failed)).padEnd(15),
      stats(ms.map((m) => m.requests.failedAfterRetry)).padEnd(15),
      stats(ms.map((m) => m.requests.longestGapMs)),
    ].join('  '));
  }
}

await main();
