/**
 * Issue 14: planned switchover lb1 → lb2 → lb1 on a 2+2 lab (advert_int 1, priorities 150/100,
 * preempt), `--runs` times each way through `hafleet switchover --to H --json` in the lab's
 * admin namespace, with the command's own requests through the VIP (one every 50 ms, 1 s timeout,
 * no retry counted). Prints move time (release → the target holds), release time, requests
 * sent/failed, two-holder time, per direction and overall, and the goal advert_int + 100 ms.
 * Run: node --import tsx bench/switchover.bench.ts [--runs N] [--engine keepalived|agent]   (root; its own lab, removed after)
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labCommand, labDown, labUp, run, type LabState } from '../src/lab/index.js';
import { median, type MoveMeasures } from '../src/ops/index.js';

const CLI = join(fileURLToPath(new URL('..', import.meta.url)), 'src', 'cli', 'main.ts');

function args(): { runs: number; engine: 'keepalived' | 'agent' } {
  const a = process.argv.slice(2);
  const i = a.indexOf('--runs');
  const e = a.indexOf('--engine');
  return { runs: i >= 0 ? Math.max(1, Number(a[i + 1]) || 1) : 10, engine: e >= 0 && a[e + 1] === 'agent' ? 'agent' : 'keepalived' };
}

async function hafleet(s: LabState, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = labCommand(s, undefined, [process.execPath, '--import', 'tsx', CLI, ...argv]);
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  return run(c.value.cmd, c.value.args, { timeoutMs: 300_000 });
}

const stats = (xs: number[]) => {
  if (!xs.length) return '-';
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return `${r(median(s)!)} (${r(s[0]!)}–${r(s[s.length - 1]!)})`;
};

async function main(): Promise<void> {
  const { runs, engine } = args();
  const name = `bsw${process.pid % 10000}`.slice(0, 8);
  const up = await labUp({ name, directors: 2, realservers: 2, ...(engine === 'agent' ? { engine } : {}) });
  if (!up.ok) {
    console.error(`lab up ${name}: ${up.diagnostics.map((d) => d.message).join('; ')}`);
    await labDown(name);
    process.exitCode = 1;
    return;
  }
  const by = new Map<string, MoveMeasures[]>();
  const problems: string[] = [];
  try {
    const d = await hafleet(up.value, ['deploy', '-i', up.value.inventory, '--yes']);
    if (d.code !== 0) throw new Error(`deploy failed: ${d.stderr.trim().split('\n').slice(-5).join('\n')}`);
    for (let w = 0; w < 30 && (await hafleet(up.value, ['verify', '-i', up.value.inventory])).code !== 0; w++) await new Promise((r) => setTimeout(r, 1000));
    for (let i = 0; i < runs; i++) {
      for (const to of ['lb2', 'lb1']) {
        const r = await hafleet(up.value, ['switchover', '-i', up.value.inventory, '--to', to, '--json']);
        const doc = JSON.parse(r.stdout || '{}');
        const m = doc.moves?.[0];
        if (!m) {
          problems.push(`→ ${to} run ${i + 1}: ${JSON.stringify(doc.refused ?? doc.unchanged) ?? r.stderr.trim().split('\n').pop()}`);
          continue;
        }
        if (!m.ok) problems.push(`→ ${to} run ${i + 1}: ${m.problems.join('; ')}`);
        by.set(`${m.from} → ${to}`, [...(by.get(`${m.from} → ${to}`) ?? []), m.measures]);
        process.stderr.write(`→ ${to} run ${i + 1}: moved in ${m.measures.moveMs} ms, ${m.measures.requests.failed}/${m.measures.requests.sent} failed\n`);
      }
    }
  } finally {
    await labDown(name);
  }
  const all = [...by.values()].flat();
  console.log(`switchover on a 2+2 ${engine} lab, advert_int 1 s, priorities 150/100, preempt; ${runs} run(s) each way; median (min–max)`);
  console.log(['direction'.padEnd(12), 'move ms'.padEnd(20), 'released ms'.padEnd(20), 'sent'.padEnd(14), 'failed'.padEnd(10), 'two holders ms'.padEnd(16), 'longest gap ms'].join('  '));
  for (const [dir, ms] of [...by, ['all', all] as const]) {
    const pick = (f: (m: MoveMeasures) => number | null) => ms.map(f).filter((x): x is number => x !== null);
    console.log([
      dir.padEnd(12), stats(pick((m) => m.moveMs)).padEnd(20), stats(pick((m) => m.releasedMs)).padEnd(20), String(ms.reduce((s, m) => s + m.requests.sent, 0)).padEnd(14),
      String(ms.reduce((s, m) => s + m.requests.failed, 0)).padEnd(10), stats(ms.map((m) => m.twoHoldersMs)).padEnd(16), stats(ms.map((m) => m.requests.longestGapMs)),
    ].join('  '));
  }
  console.log(`goal: median move ≤ ${all[0]?.goalMs ?? 1100} ms, 0 failed, never two holders`);
  for (const p of problems) console.log(`problem: ${p}`);
  if (problems.length) process.exitCode = 1;
}

await main();
