/**
 * Issue 15 part 4: what `hafleet status --serve` costs.
 *
 * 1. In process, a synthetic fleet of HOSTS directors (two per cluster, one VIP each) with an
 *    hour of history (a snapshot every 2 s, a VIP move every 5 minutes): /metrics latency serial
 *    and under 200 concurrent scrapes (bodies compared), the page and one /events message's size
 *    and render time, the process's RSS. No root, no lab.
 * 2. With `--lab N` (root): a lab of 2 directors + N-2 realservers, deployed; the built CLI
 *    (dist/, `npx tsc -p tsconfig.json` first) runs `status --serve --watch 2` in its admin
 *    namespace; after a warm-up, its RSS and CPU over SECONDS, the round duration it reports,
 *    and /metrics latency measured by curl (time_total) 300 times one after the other and 200 at once.
 *
 * Run: node --import tsx bench/status-serve.bench.ts [--hosts=50] [--lab=N] [--seconds=30]
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { labCommand, labDown, labUp, readState, run } from '../src/lab/index.js';
import { serveStatus } from '../src/status/serve.js';
import type { StatusSnapshot, StatusSource, VipStatus, ClusterStatus } from '../src/status/types.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const HOSTS = Number(flag('hosts') ?? 50);
const LAB = flag('lab') !== undefined ? Number(flag('lab')) : undefined;
const SECONDS = Number(flag('seconds') ?? 30);
/** Each command measured RUNS times, alternating (the machine is shared: a median and a spread, not one figure). */
const RUNS = Number(flag('runs') ?? 1);
/** An existing lab (already deployed) to measure instead of a new one; with --keep the new lab stays up. */
const REUSE = flag('reuse');
const KEEP = process.argv.includes('--keep');
const SKIP_INPROCESS = process.argv.includes('--lab-only');

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

function syntheticSnapshot(hosts: number, t: number, moved: boolean): StatusSnapshot {
  const clusters: ClusterStatus[] = [];
  const vips: VipStatus[] = [];
  for (let c = 0; c < hosts / 2; c++) {
    const [a, b] = [`lb${2 * c + 1}`, `lb${2 * c + 2}`];
    const holder = moved && c === 0 ? b : a;
    const vip: VipStatus = { vip: `198.18.${c}.100`, cluster: `c${c}`, instance: `VI_${c}`, holder, holders: [holder], expectedHolder: a, probe: { ok: true, ms: 1 + (t % 7) / 10, status: 200 } };
    vips.push(vip);
    const member = (h: string, prio: number) => ({ host: h, reachable: true, state: (h === holder ? 'MASTER' : 'BACKUP') as 'MASTER' | 'BACKUP', basePriority: prio, effectivePriority: prio, speaker: 'keepalived' as const, tracks: [{ kind: 'script' as const, name: 'chk_nginx', ok: true, weight: -60 }] });
    clusters.push({ name: `c${c}`, splitBrain: false, membersUp: 2, members: 2, instances: [{ cluster: `c${c}`, instance: `VI_${c}`, vrid: 10 + c, vips: [vip], members: [member(a, 150), member(b, 100)] }] });
  }
  return { at: new Date(t).toISOString(), clusters, vips, drift: [], lastDeploy: { at: new Date(t - 3_600_000).toISOString(), ok: true }, unreachable: [], transitions: [] };
}

function get(url: string): Promise<{ ms: number; body: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ ms: performance.now() - t0, body }));
    }).on('error', reject).end();
  });
}

async function inProcess(): Promise<void> {
  // An hour of snapshots folded in with a clock the bench moves (the server's history is real).
  let clock = Date.parse('2026-12-04T10:00:00Z');
  let current: StatusSnapshot | undefined;
  let waiter: ((s: StatusSnapshot) => void) | undefined;
  const source: StatusSource = {
    current: () => current,
    next: () => new Promise((r) => (waiter = r)),
    close: async () => {},
  };
  const ac = new AbortController();
  const r = await serveStatus(source, { addr: '127.0.0.1', port: 0, signal: ac.signal, now: () => clock, refreshMs: Infinity });
  if (!r.ok) throw new Error(r.diagnostics[0]!.message);
  const url = r.value.url;
  const push = async (s: StatusSnapshot) => {
    while (!waiter) await new Promise((res) => setImmediate(res));
    const w = waiter;
    waiter = undefined;
    current = s;
    w(s);
    await new Promise((res) => setImmediate(res));
  };
  const t0 = performance.now();
  for (let k = 0; k < 1800; k++) {
    clock += 2000;
    await push(syntheticSnapshot(HOSTS, clock, Math.floor(k / 150) % 2 === 1));
  }
  console.log(`in process, ${HOSTS} directors (${HOSTS / 2} clusters, ${HOSTS / 2} VIPs), an hour of history (1800 snapshots, 12 moves): folded in ${((performance.now() - t0) / 1800).toFixed(2)} ms per snapshot`);
  const serial: number[] = [];
  let first = '';
  for (let k = 0; k < 1000; k++) {
    const g = await get(`${url}metrics`);
    serial.push(g.ms);
    first ||= g.body;
  }
  console.log(`/metrics serial ×1000: p50 ${ms(pct(serial, 50))}, p99 ${ms(pct(serial, 99))}, max ${ms(Math.max(...serial))}; ${first.length} bytes, ${first.split('\n').filter((l) => l && !l.startsWith('#')).length} samples`);
  const conc: number[] = [];
  let differing = 0;
  for (let batch = 0; batch < 5; batch++) {
    const rs = await Promise.all(Array.from({ length: 200 }, () => get(`${url}metrics`)));
    conc.push(...rs.map((x) => x.ms));
    differing += rs.filter((x) => x.body !== first).length;
  }
  console.log(`/metrics 200 at once ×5: p50 ${ms(pct(conc, 50))}, p99 ${ms(pct(conc, 99))}, max ${ms(Math.max(...conc))}; bodies differing from the first: ${differing}`);
  const pages: number[] = [];
  let page = '';
  for (let k = 0; k < 50; k++) {
    const g = await get(url);
    pages.push(g.ms);
    page = g.body;
  }
  console.log(`page (/) ×50: p50 ${ms(pct(pages, 50))}, p99 ${ms(pct(pages, 99))}; ${(page.length / 1024).toFixed(0)} KiB`);
  // One /events message: the first frame a new page gets.
  const ev = await new Promise<number>((resolve) => {
    const req = request(`${url}events`, { agent: false }, (res) => {
      let buf = '';
      res.on('data', (c) => {
        buf += c;
        const i = buf.indexOf('\n\n', buf.indexOf('event: snapshot'));
        if (buf.includes('event: snapshot') && i > 0) {
          req.destroy();
          resolve(i);
        }
      });
    });
    req.on('error', () => undefined);
    req.end();
  });
  console.log(`/events snapshot message: ${(ev / 1024).toFixed(0)} KiB`);
  // With a page open every changed snapshot is rendered and sent: the cost per round then.
  const open = request(`${url}events`, { agent: false }, (res) => res.resume());
  open.on('error', () => undefined);
  open.end();
  await new Promise((res) => setTimeout(res, 200));
  const t1 = performance.now();
  for (let k = 0; k < 100; k++) {
    clock += 2000;
    await push(syntheticSnapshot(HOSTS, clock, false));
  }
  console.log(`with one page open: ${((performance.now() - t1) / 100).toFixed(2)} ms per changed snapshot (render + send), i.e. ${(((performance.now() - t1) / 100) / 2000 * 100).toFixed(2)} % of a core at a round every 2 s`);
  open.destroy();
  global.gc?.();
  console.log(`RSS of this process (bench + server): ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB, heap used ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB`);
  ac.abort();
  await r.value.closed;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

async function withLab(n: number): Promise<void> {
  const name = REUSE ?? `bs${process.pid % 1000}`;
  let s;
  if (REUSE) {
    const st = await readState(REUSE);
    if (!st) throw new Error(`no lab ${REUSE}`);
    s = st;
  } else {
    const up = await labUp({ name, directors: 2, realservers: n - 2, forks: 16 });
    if (!up.ok) throw new Error(up.diagnostics.map((d) => d.message).join('; '));
    s = up.value;
  }
  const inAdmin = (argv: string[]) => {
    const c = labCommand(s, undefined, argv);
    if (!c.ok) throw new Error(c.diagnostics[0]!.message);
    return c.value;
  };
  const cli = join(ROOT, 'dist', 'src', 'cli', 'main.js');
  let child: ReturnType<typeof spawn> | undefined;
  try {
    if (!REUSE) {
      const d = inAdmin([process.execPath, cli, 'deploy', '-i', s.inventory, '--yes']);
      const dr = await run(d.cmd, d.args, { timeoutMs: 600_000 });
      if (dr.code !== 0) throw new Error(`deploy: ${dr.stderr.slice(-800)}`);
    }
    // One round's cost in process (bytes per host, CPU per round): the checkout's src/, through tsx.
    {
      const x = inAdmin([process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'status-round.bench.ts'), `--inventory=${s.inventory}`, '--rounds=15']);
      const r = await run(x.cmd, x.args, { timeoutMs: 300_000, cwd: ROOT });
      console.log(r.code === 0 ? r.stdout.trim() : `status-round failed: ${r.stderr.slice(-800)}`);
    }
    const port = 19180;
    // The same rounds without a server first (`--watch 2 --json` to /dev/null): what serving adds.
    const measure = async (argv: string[], ready: (err: string) => boolean) => {
      const c = inAdmin(argv);
      child = spawn(c.cmd, c.args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (x) => (err += x));
      const deadline = Date.now() + 60_000;
      while (!ready(err)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${argv.join(' ')} did not start: ${err}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const pid = child.pid!;
      await new Promise((r) => setTimeout(r, 10_000)); // warm-up: connections open, first rounds done
      const c0 = cpuTicks(pid);
      const w0 = performance.now();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      const cpuPct = ((cpuTicks(pid) - c0) / 100 / ((performance.now() - w0) / 1000)) * 100;
      const st = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(st)![1]);
      return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024, cpuPct };
    };
    const stopChild = async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGINT');
        await new Promise((r) => child!.once('exit', r));
      }
    };
    const watches: Awaited<ReturnType<typeof measure>>[] = [];
    const serves: Awaited<ReturnType<typeof measure>>[] = [];
    for (let k = 0; k < RUNS; k++) {
      watches.push(await measure([process.execPath, cli, 'status', '-i', s.inventory, '--watch', '2', '--json'], () => true));
      await stopChild();
      console.log(`  run ${k + 1} status --watch 2 --json: RSS ${watches.at(-1)!.rssMiB.toFixed(1)} MiB, CPU ${watches.at(-1)!.cpuPct.toFixed(2)} %`);
      serves.push(await measure([process.execPath, cli, 'status', '-i', s.inventory, '--serve', `127.0.0.1:${port}`, '--watch', '2'], (err) => err.includes('serving http://')));
      console.log(`  run ${k + 1} status --serve --watch 2: RSS ${serves.at(-1)!.rssMiB.toFixed(1)} MiB, CPU ${serves.at(-1)!.cpuPct.toFixed(2)} %`);
      if (k < RUNS - 1) await stopChild();
    }
    // Median and spread (min–max) over the runs.
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const agg = (ws: typeof watches) => ({ rssMiB: med(ws.map((w) => w.rssMiB)), hwmMiB: Math.max(...ws.map((w) => w.hwmMiB)), cpuPct: med(ws.map((w) => w.cpuPct)),
      spread: `RSS ${Math.min(...ws.map((w) => w.rssMiB)).toFixed(0)}–${Math.max(...ws.map((w) => w.rssMiB)).toFixed(0)} MiB, CPU ${Math.min(...ws.map((w) => w.cpuPct)).toFixed(2)}–${Math.max(...ws.map((w) => w.cpuPct)).toFixed(2)} %` });
    const watch = agg(watches);
    const served = agg(serves);
    const curl = async (args: string[]) => {
      // One -o per URL: curl pairs them in order (a single -o covers the first URL only).
      const x = inAdmin(['curl', '-s', '-w', '%{time_total}\\n', ...args.flatMap((a) => (a.startsWith('http') ? [a, '-o', '/dev/null'] : [a]))]);
      const r = await run(x.cmd, x.args, { timeoutMs: 120_000 });
      return r.stdout.trim().split('\n').map((l) => Number(l) * 1000);
    };
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    const m = await run(...(() => { const x = inAdmin(['curl', '-s', metricsUrl]); return [x.cmd, x.args] as const; })());
    const round = /^hafleet_status_round_duration_seconds (\S+)$/m.exec(m.stdout)?.[1];
    const serial = await curl(Array.from({ length: 300 }, () => metricsUrl));
    const parallel = await curl(['--parallel', '--parallel-max', '200', ...Array.from({ length: 200 }, () => metricsUrl)]);
    const line = (w: { rssMiB: number; hwmMiB: number; cpuPct: number; spread: string }) => `median of ${RUNS}: RSS ${w.rssMiB.toFixed(0)} MiB (peak ${w.hwmMiB.toFixed(0)} MiB), CPU ${w.cpuPct.toFixed(2)} % of one core over ${SECONDS} s; spread ${w.spread}`;
    console.log(`lab ${name}: ${n} hosts (2 directors + ${n - 2} realservers), the built CLI (dist/) in the admin namespace, a round every 2 s`);
    console.log(`  status --watch 2 --json (no server): ${line(watch)}`);
    console.log(`  status --serve --watch 2:            ${line(served)}; round interval ${round ?? '?'} s (2 s pause + the round); ${m.stdout.length} bytes of /metrics`);
    console.log(`  /metrics via curl, 300 one after the other: p50 ${ms(pct(serial, 50))}, p99 ${ms(pct(serial, 99))}; 200 at once (one curl --parallel): p50 ${ms(pct(parallel, 50))}, p99 ${ms(pct(parallel, 99))}`);
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise((r) => child!.once('exit', r));
    }
    if (!REUSE && !KEEP) await labDown(name);
    else console.log(`lab ${name} left up (hafleet lab down --name ${name})`);
  }
}

if (!SKIP_INPROCESS) await inProcess();
if (LAB !== undefined) await withLab(LAB);
