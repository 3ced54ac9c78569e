/**
 * Issue 16 point 3: an idle agent with two instances at advert_int 0.1 (VRRPv3, master and
 * backup on our own bridge, bench/vrrp-lab.ts), measured per variant of what a director can
 * choose: the agent as it was (start-up pages kept: HAFLEET_AGENT_KEEP_PAGES=1), as it is (the
 * pages start-up touched given back, src/vrrp/io/resident.ts), and with node flags in
 * NODE_OPTIONS. Per variant and role: RSS (anon/file, /proc/PID/status), V8 heap and external
 * (the status file's process.memoryUsage), threads, CPU % over 30 s (/proc/PID/task/*\/schedstat,
 * ns). Plus the floor (`node -e` idle, same namespace) and how many modules the agent loads.
 * Run: node --import tsx bench/agent-footprint.bench.ts [SECONDS] [--only=TEXT] [--runs=N] [--cpu-prof=DIR] [--baseline=MAIN_JS] [--node-options=FLAGS] [--warmup=SECONDS]
 * (root; compiles into node_modules/.cache). --only keeps the variants whose name contains TEXT
 * (or one of TEXT,TEXT…);
 * --runs repeats each variant and prints every run's CPU with the median and spread (the machine
 * is shared: one 30 s figure moves by ±0.15 points), the variants interleaved so each run's
 * variants see the same load; --cpu-prof writes both agents' V8 profiles; --baseline adds a
 * variant running another build's compiled src/cli/main.js (e.g. `git archive` of an older commit
 * compiled to /tmp), the before of a change under the same load as its after.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VrrpLab, sleep, waitFor } from './vrrp-lab.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'node_modules/.cache/hafleet-footprint-dist');
const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const SECONDS = Number(args.find((a) => !a.startsWith('--')) ?? 30);
const RUNS = Number(flag('runs') ?? 1);
const ONLY = flag('only');
const CPU_PROF = flag('cpu-prof');
const BASELINE = flag('baseline');
/** Seconds between both agents settling (a master) and the CPU window: 6 by default; longer lets V8 optimize the hot path. */
const WARMUP = Number(flag('warmup') ?? 6);
/** Added to every variant's NODE_OPTIONS (e.g. --perf-basic-prof for `perf record -p`). */
const EXTRA_NODE_OPTIONS = flag('node-options') ?? '';

interface Mem { rssKb: number; anonKb: number; fileKb: number; threads: number; cpuNs: number }

function mem(pid: number): Mem {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const n = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
  const cpuNs = fs.readdirSync(`/proc/${pid}/task`).reduce((sum, t) => sum + Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]), 0);
  return { rssKb: n('VmRSS'), anonKb: n('RssAnon'), fileKb: n('RssFile'), threads: n('Threads'), cpuNs };
}

/**
 * PSS and USS (Private_Clean + Private_Dirty) from smaps_rollup: RSS counts the shared file pages
 * of the node binary that every node process maps; USS is what this process alone holds.
 */
function rollup(pid: number): { pssKb: number; ussKb: number } {
  const s = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const n = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
  return { pssKb: n('Pss'), ussKb: n('Private_Clean') + n('Private_Dirty') };
}

const mib = (kb: number) => (kb / 1024).toFixed(1);

function conf(priority: number): string {
  const inst = (name: string, vrid: number, vip: string) => [
    `vrrp_instance ${name} {`, '    state BACKUP', '    interface eth0', `    virtual_router_id ${vrid}`, '    version 3', `    priority ${priority}`, '    advert_int 0.1',
    '    virtual_ipaddress {', `        ${vip}/24 dev eth0`, '    }', '}',
  ];
  return [...inst('VI_1', 61, '198.18.250.161'), ...inst('VI_2', 62, '198.18.250.162'), ''].join('\n');
}

interface Variant { name: string; nodeOptions: string; keepPages: boolean; main?: string }
const VARIANTS: Variant[] = [
  { name: 'before: start-up pages kept, no flags', nodeOptions: '', keepPages: true },
  { name: 'current: pages given back', nodeOptions: '', keepPages: false },
  { name: 'pages given back + --max-semi-space-size=1 --v8-pool-size=0', nodeOptions: '--max-semi-space-size=1 --v8-pool-size=0', keepPages: false },
  { name: 'pages given back + --jitless --v8-pool-size=0', nodeOptions: '--jitless --max-semi-space-size=1 --v8-pool-size=0', keepPages: false },
];

async function floor(ns: string): Promise<string> {
  const p = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(2500);
    const m = mem(p.pid!);
    const r = rollup(p.pid!);
    return `| floor: \`node -e 'setInterval(…)'\` | – | ${mib(m.rssKb)} | ${mib(r.pssKb)} | ${mib(r.ussKb)} | ${mib(m.anonKb)} | ${mib(m.fileKb)} | – | ${m.threads} | – |`;
  } finally {
    p.kill('SIGKILL');
  }
}

/** Modules the running agent loads: a resolve hook writes every URL (a separate run: the hook is a thread of its own). */
async function moduleCount(lab: VrrpLab, main: string): Promise<string> {
  const list = path.join(OUT, 'modules.txt');
  const hook = path.join(OUT, 'count-hook.mjs');
  fs.writeFileSync(hook, `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`import fs from 'node:fs';
export async function resolve(s, c, n) { const r = await n(s, c); fs.appendFileSync(${JSON.stringify(JSON.stringify(list))}, r.url + '\\\\n'); return r; }\`));`);
  fs.rmSync(list, { force: true });
  process.env.NODE_OPTIONS = `--import ${hook}`;
  const a = lab.startAgent('a', lab.write('fp-count.conf', conf(150)));
  delete process.env.NODE_OPTIONS;
  await lab.ready(a);
  await sleep(1500);
  await lab.stopAll();
  const urls = [...new Set(fs.readFileSync(list, 'utf8').split('\n').filter(Boolean))];
  const ours = urls.filter((u) => u.includes('/src/')).length;
  const pkgs = [...new Set(urls.filter((u) => u.includes('/node_modules/')).map((u) => /node_modules\/([^/]+)/.exec(u)![1]))];
  return `${urls.length} ESM modules resolved (${ours} of hafleet, builtins and ${pkgs.length} packages: ${pkgs.join(', ')}; their CommonJS files not counted)`;
}

/**
 * --cpu-prof is refused in NODE_OPTIONS: a preload starts V8's sampling profiler (1 ms) through
 * node:inspector and writes DIR/agent-PID.cpuprofile when the agent exits (SIGTERM at the end).
 */
function profileHook(dir: string): string {
  const hook = path.join(OUT, 'profile-hook.mjs');
  fs.mkdirSync(path.resolve(dir), { recursive: true });
  fs.writeFileSync(hook, `import { Session } from 'node:inspector';
import fs from 'node:fs';
const s = new Session();
s.connect();
s.post('Profiler.enable');
s.post('Profiler.setSamplingInterval', { interval: 1000 });
s.post('Profiler.start');
process.on('exit', () => s.post('Profiler.stop', (e, r) => { if (!e) fs.writeFileSync(${JSON.stringify(path.resolve(dir))} + '/agent-' + process.pid + '.cpuprofile', JSON.stringify(r.profile)); }));
`);
  return hook;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) return void console.log('agent-footprint bench needs root (network namespaces); skipped');
  fs.rmSync(OUT, { recursive: true, force: true });
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.json', '--outDir', OUT], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    /* others' work in progress may not type-check; tsc emits anyway */
  }
  const main = path.join(OUT, 'src/cli/main.js');
  if (!fs.existsSync(main)) throw new Error('compile failed: no main.js');
  process.env.HAFLEET_AGENT_MAIN = main;
  const lab = new VrrpLab('f');
  lab.up();
  try {
    console.log(`node ${process.version}, ${new Date().toISOString()}, CPU over ${SECONDS} s per variant after ${WARMUP} s as master/backup, both agents at once\n`);
    console.log('| variant | role | RSS MiB | PSS | USS (private) | anon | file | heap used/total, external MiB | threads | idle CPU % |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    console.log(await floor(lab.ns('a')));
    const cpus: Record<string, number[]> = {};
    const variants = [...(BASELINE ? [{ name: `baseline: ${BASELINE}`, nodeOptions: '', keepPages: false, main: path.resolve(BASELINE) }] : []), ...VARIANTS.filter((x) => !ONLY || ONLY.split(',').some((o) => x.name.includes(o)))];
    for (let run = 0; run < RUNS; run++) {
      for (const v of variants) {
        process.env.HAFLEET_AGENT_MAIN = v.main ?? main;
        const options = [v.nodeOptions, EXTRA_NODE_OPTIONS, CPU_PROF ? `--import ${profileHook(CPU_PROF)}` : ''].filter(Boolean).join(' ');
        if (options) process.env.NODE_OPTIONS = options;
        if (v.keepPages) process.env.HAFLEET_AGENT_KEEP_PAGES = '1';
        const a = lab.startAgent('a', lab.write('fp-a.conf', conf(150)));
        const b = lab.startAgent('b', lab.write('fp-b.conf', conf(100)));
        delete process.env.NODE_OPTIONS;
        delete process.env.HAFLEET_AGENT_KEEP_PAGES;
        await Promise.all([lab.ready(a), lab.ready(b)]);
        await waitFor(lab.holdsAlone('a', '198.18.250.161'), 20_000, 20, 'a master');
        await sleep(WARMUP * 1000);
        const s0 = [mem(a.child.pid!), mem(b.child.pid!)];
        await sleep(SECONDS * 1000);
        const s1 = [mem(a.child.pid!), mem(b.child.pid!)];
        for (const [i, role] of ['master', 'backup'].entries()) {
          const pid = [a, b][i]!.child.pid!;
          const st = JSON.parse(fs.readFileSync([a, b][i]!.statusFile!, 'utf8')) as { memoryKb?: Record<string, number> };
          const h = st.memoryKb;
          const cpu = ((s1[i]!.cpuNs - s0[i]!.cpuNs) / 1e9 / SECONDS) * 100;
          (cpus[`${v.name} | ${role}`] ??= []).push(cpu);
          const m = s1[i]!;
          const r = rollup(pid);
          console.log(`| ${v.name} | ${role} | ${mib(m.rssKb)} | ${mib(r.pssKb)} | ${mib(r.ussKb)} | ${mib(m.anonKb)} | ${mib(m.fileKb)} | ${h ? `${mib(h.heapUsed!)}/${mib(h.heapTotal!)}, ${mib(h.external!)}` : '?'} | ${m.threads} | ${cpu.toFixed(2)} |`);
        }
        await lab.stopAll();
      }
    }
    if (RUNS > 1) {
      console.log(`\n| variant | role | idle CPU % per run | median | spread (max − min) |\n|---|---|---|---|---|`);
      for (const [k, l] of Object.entries(cpus)) {
        const sorted = [...l].sort((x, y) => x - y);
        const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
        console.log(`| ${k} | ${l.map((c) => c.toFixed(2)).join(', ')} | ${median.toFixed(2)} | ${(sorted.at(-1)! - sorted[0]!).toFixed(2)} |`);
      }
    }
    if (!ONLY) console.log(`\nmodules: ${await moduleCount(lab, main).catch((e: Error) => `not counted (${e.message})`)}`);
  } finally {
    await lab.stopAll();
    await lab.down();
  }
}

await main();
