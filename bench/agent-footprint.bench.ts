/**
 * Issue 16 point 3: an idle agent with two instances at advert_int 0.1 (VRRPv3, master and
 * backup on our own bridge, bench/vrrp-lab.ts), measured per variant of what a director can
 * choose: the agent as it was (start-up pages kept: HAFLEET_AGENT_KEEP_PAGES=1), as it is (the
 * pages start-up touched given back, src/vrrp/io/resident.ts), and with node flags in
 * NODE_OPTIONS. Per variant and role: RSS (anon/file, /proc/PID/status), V8 heap and external
 * (the status file's process.memoryUsage), threads, CPU % over 30 s (/proc/PID/task/*\/schedstat,
 * ns). Plus the floor (`node -e` idle, same namespace) and how many modules the agent loads.
 * Run: node --import tsx bench/agent-footprint.bench.ts [SECONDS]   (root; compiles into node_modules/.cache)
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VrrpLab, sleep, waitFor } from './vrrp-lab.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'node_modules/.cache/hafleet-footprint-dist');
const SECONDS = Number(process.argv[2] ?? 30);

interface Mem { rssKb: number; anonKb: number; fileKb: number; threads: number; cpuNs: number }

function mem(pid: number): Mem {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const n = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
  const cpuNs = fs.readdirSync(`/proc/${pid}/task`).reduce((sum, t) => sum + Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]), 0);
  return { rssKb: n('VmRSS'), anonKb: n('RssAnon'), fileKb: n('RssFile'), threads: n('Threads'), cpuNs };
}

const mib = (kb: number) => (kb / 1024).toFixed(1);

function conf(priority: number): string {
  const inst = (name: string, vrid: number, vip: string) => [
    `vrrp_instance ${name} {`, '    state BACKUP', '    interface eth0', `    virtual_router_id ${vrid}`, '    version 3', `    priority ${priority}`, '    advert_int 0.1',
    '    virtual_ipaddress {', `        ${vip}/24 dev eth0`, '    }', '}',
  ];
  return [...inst('VI_1', 61, '198.18.250.161'), ...inst('VI_2', 62, '198.18.250.162'), ''].join('\n');
}

interface Variant { name: string; nodeOptions: string; keepPages: boolean }
const VARIANTS: Variant[] = [
  { name: 'before: start-up pages kept, no flags', nodeOptions: '', keepPages: true },
  { name: 'pages given back', nodeOptions: '', keepPages: false },
  { name: 'pages given back + --max-semi-space-size=1 --v8-pool-size=0', nodeOptions: '--max-semi-space-size=1 --v8-pool-size=0', keepPages: false },
  { name: 'pages given back + --jitless --v8-pool-size=0', nodeOptions: '--jitless --max-semi-space-size=1 --v8-pool-size=0', keepPages: false },
];

async function floor(ns: string): Promise<string> {
  const p = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(2500);
    const m = mem(p.pid!);
    return `| floor: \`node -e 'setInterval(…)'\` | – | ${mib(m.rssKb)} | ${mib(m.anonKb)} | ${mib(m.fileKb)} | – | ${m.threads} | – |`;
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
    console.log(`node ${process.version}, ${new Date().toISOString()}, CPU over ${SECONDS} s per variant, both agents at once\n`);
    console.log('| variant | role | RSS MiB | anon | file | heap used/total, external MiB | threads | idle CPU % |');
    console.log('|---|---|---|---|---|---|---|---|');
    console.log(await floor(lab.ns('a')));
    for (const v of VARIANTS) {
      if (v.nodeOptions) process.env.NODE_OPTIONS = v.nodeOptions;
      if (v.keepPages) process.env.HAFLEET_AGENT_KEEP_PAGES = '1';
      const a = lab.startAgent('a', lab.write('fp-a.conf', conf(150)));
      const b = lab.startAgent('b', lab.write('fp-b.conf', conf(100)));
      delete process.env.NODE_OPTIONS;
      delete process.env.HAFLEET_AGENT_KEEP_PAGES;
      await Promise.all([lab.ready(a), lab.ready(b)]);
      await waitFor(lab.holdsAlone('a', '198.18.250.161'), 20_000, 20, 'a master');
      await sleep(6000);
      const s0 = [mem(a.child.pid!), mem(b.child.pid!)];
      await sleep(SECONDS * 1000);
      const s1 = [mem(a.child.pid!), mem(b.child.pid!)];
      for (const [i, role] of ['master', 'backup'].entries()) {
        const st = JSON.parse(fs.readFileSync([a, b][i]!.statusFile!, 'utf8')) as { memoryKb?: Record<string, number> };
        const h = st.memoryKb;
        const cpu = ((s1[i]!.cpuNs - s0[i]!.cpuNs) / 1e9 / SECONDS) * 100;
        const m = s1[i]!;
        console.log(`| ${v.name} | ${role} | ${mib(m.rssKb)} | ${mib(m.anonKb)} | ${mib(m.fileKb)} | ${h ? `${mib(h.heapUsed!)}/${mib(h.heapTotal!)}, ${mib(h.external!)}` : '?'} | ${m.threads} | ${cpu.toFixed(2)} |`);
      }
      await lab.stopAll();
    }
    console.log(`\nmodules: ${await moduleCount(lab, main).catch((e: Error) => `not counted (${e.message})`)}`);
  } finally {
    await lab.stopAll();
    await lab.down();
  }
}

await main();
