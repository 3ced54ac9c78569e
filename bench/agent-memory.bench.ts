/**
 * Where an idle agent's memory goes, and its idle CPU at 0.1 s adverts: the compiled agent (what a
 * director runs) with two VRRPv3 instances at 0.1 s on one interface, master and backup on our own
 * bridge (bench/vrrp-lab.ts), against the pieces it is made of, each started alone in the same
 * namespace: bare node, node + koffi and the libc bindings, + one idle worker thread that loads
 * them too (the receive worker), and the modules the agent loads. RSS from /proc/PID/status
 * (VmRSS, RssAnon, RssFile, and the largest mappings from smaps), V8 heap from the agent's status
 * file (process.memoryUsage), CPU from /proc/PID/task/TID/schedstat (ns) over 10 s; keepalived's
 * VRRP process on the same configuration for scale.
 * Run: node --import tsx bench/agent-memory.bench.ts   (root; compiles into node_modules/.cache)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VrrpLab, sleep, waitFor } from './vrrp-lab.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Inside node_modules so the compiled files resolve the packages as an installed hafleet does.
const OUT = path.join(ROOT, 'node_modules/.cache/hafleet-bench-dist');

interface Mem { rssKb: number; anonKb: number; fileKb: number; threads: number; cpuNs: number }

function mem(pid: number): Mem {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const n = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
  return { rssKb: n('VmRSS'), anonKb: n('RssAnon'), fileKb: n('RssFile'), threads: n('Threads'), cpuNs: cpuNs(pid) };
}

/** CPU time of every thread of `pid` in ns (schedstat: ns precision, where stat has 10 ms ticks). */
function cpuNs(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/task`).reduce((sum, t) => sum + Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]), 0);
}

/** The biggest resident mappings of `pid` (smaps), by file or kind. */
function topMappings(pid: number, n = 6): string {
  const by = new Map<string, number>();
  let cur = '';
  for (const l of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(l);
    if (head) cur = path.basename(head[1] || '[anon]');
    const rss = /^Rss:\s+(\d+) kB/.exec(l);
    if (rss) by.set(cur, (by.get(cur) ?? 0) + Number(rss[1]));
  }
  return [...by].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ${mib(v)}`).join(', ');
}

const mib = (kb: number) => (kb / 1024).toFixed(1);

function conf(priority: number): string {
  const inst = (name: string, vrid: number, vip: string) => [
    `vrrp_instance ${name} {`, '    state BACKUP', '    interface eth0', `    virtual_router_id ${vrid}`, '    version 3', `    priority ${priority}`, '    advert_int 0.1',
    '    virtual_ipaddress {', `        ${vip}/24 dev eth0`, '    }', '}',
  ];
  return [...inst('VI_1', 61, '198.18.250.161'), ...inst('VI_2', 62, '198.18.250.162'), ''].join('\n');
}

/** A piece started alone in namespace `ns`, measured after it settled. */
async function piece(ns: string, label: string, code: string): Promise<string> {
  const file = path.join(OUT, `piece-${label.replace(/\W+/g, '-')}.mjs`);
  fs.writeFileSync(file, code);
  const p = spawn('ip', ['netns', 'exec', ns, process.execPath, file], { stdio: 'ignore' });
  try {
    await sleep(2500);
    const m = mem(p.pid!);
    return `${label.padEnd(44)} RSS ${mib(m.rssKb).padStart(5)} MiB (anon ${mib(m.anonKb)}, file ${mib(m.fileKb)}), ${m.threads} threads`;
  } finally {
    p.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) return void console.log('agent-memory bench needs root (network namespaces); skipped');
  fs.rmSync(OUT, { recursive: true, force: true });
  // Others' work in progress may not type-check; tsc still emits, and the agent's files are ours.
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.json', '--outDir', OUT], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    /* emitted anyway */
  }
  const main = path.join(OUT, 'src/cli/main.js');
  if (!fs.existsSync(main)) throw new Error('compile failed: no main.js');
  process.env.HAFLEET_AGENT_MAIN = main;
  const libc = pathToUrl(path.join(OUT, 'src/vrrp/io/libc.js'));
  const lab = new VrrpLab('m');
  lab.up();
  const procs: ChildProcess[] = [];
  try {
    const ns = lab.ns('a');
    console.log(`node ${process.version}, ${new Date().toISOString()}`);
    console.log(await piece(ns, 'node, idle', 'setInterval(() => {}, 1000);'));
    console.log(await piece(ns, 'node + koffi + libc bindings', `await import(${JSON.stringify(libc)}); setInterval(() => {}, 1000);`));
    console.log(await piece(ns, 'node + koffi + libc + idle worker (same)', `import { Worker } from 'node:worker_threads';
await import(${JSON.stringify(libc)});
new Worker(${JSON.stringify(`import(${JSON.stringify(libc)}).then(() => setInterval(() => {}, 1000));`)}, { eval: true });
setInterval(() => {}, 1000);`));
    console.log(await piece(ns, 'node + the agent’s modules (CLI, vrrp, agent)', `await import(${JSON.stringify(pathToUrl(path.join(OUT, 'src/cli/commands/agent.js')))});
await import(${JSON.stringify(pathToUrl(path.join(OUT, 'src/vrrp/agent.js')))});
setInterval(() => {}, 1000);`));

    const a = lab.startAgent('a', lab.write('m-a.conf', conf(150)));
    const b = lab.startAgent('b', lab.write('m-b.conf', conf(100)));
    procs.push(a.child, b.child);
    await Promise.all([lab.ready(a), lab.ready(b)]);
    await waitFor(lab.holdsAlone('a', '198.18.250.161'), 20_000, 20, 'a master');
    await sleep(6000);
    const s0 = [mem(a.child.pid!), mem(b.child.pid!)];
    const seconds = 10;
    await sleep(seconds * 1000);
    const s1 = [mem(a.child.pid!), mem(b.child.pid!)];
    for (const [i, role] of ['master', 'backup'].entries()) {
      const st = JSON.parse(fs.readFileSync([a, b][i]!.statusFile!, 'utf8')) as { memoryKb?: Record<string, number> };
      const h = st.memoryKb;
      const cpu = ((s1[i]!.cpuNs - s0[i]!.cpuNs) / 1e9 / seconds) * 100;
      console.log(`${`agent ${role}, 2 instances v3 0.1 s`.padEnd(44)} RSS ${mib(s1[i]!.rssKb).padStart(5)} MiB (anon ${mib(s1[i]!.anonKb)}, file ${mib(s1[i]!.fileKb)}), ${s1[i]!.threads} threads; heap ${h ? `${mib(h.heapUsed!)}/${mib(h.heapTotal!)} MiB used/total, external ${mib(h.external!)} MiB` : '?'}; idle CPU ${cpu.toFixed(2)} %`);
    }
    console.log(`agent master, largest resident mappings (MiB): ${topMappings(a.child.pid!)}`);
    await lab.stopAll();

    // keepalived on the same two instances, for scale.
    const ka = lab.startKeepalived('a', lab.write('m-ka-a.conf', conf(150)));
    const kb = lab.startKeepalived('b', lab.write('m-ka-b.conf', conf(100)));
    await Promise.all([lab.ready(ka), lab.ready(kb)]);
    await waitFor(lab.holdsAlone('a', '198.18.250.161'), 20_000, 20, 'keepalived a master');
    await sleep(3000);
    const pids = [ka.vrrpPid!, kb.vrrpPid!];
    const k0 = pids.map(cpuNs);
    await sleep(seconds * 1000);
    for (const [i, role] of ['master', 'backup'].entries()) {
      const m = mem(pids[i]!);
      console.log(`${`keepalived ${role} (VRRP child), same config`.padEnd(44)} RSS ${mib(m.rssKb).padStart(5)} MiB; idle CPU ${(((m.cpuNs - k0[i]!) / 1e9 / seconds) * 100).toFixed(2)} %`);
    }
  } finally {
    await lab.stopAll();
    await lab.down();
  }
}

function pathToUrl(p: string): string {
  return new URL(`file://${p}`).href;
}

await main();
