/**
 * plan, first deploy and idempotent re-deploy on lab fleets of 10, 50 and 100 hosts (2 directors,
 * the rest realservers), each phase in a fresh process inside the lab's admin namespace with cold
 * SSH connections, timed from inventory load to the last result (process start-up excluded).
 * Prints wall time, the admin process's CPU time and peak RSS, and the machine's load average
 * (the machine is shared: a high load inflates wall time, not CPU time), and the CPU the lab
 * hosts spent (sshd and everything it started): (admin + hosts CPU) / 2 is the wall time the
 * phase would take on two otherwise idle cores. Targets (issue 5), 50 hosts: plan < 1.5 s,
 * deploy < 3 s, re-deploy < 1.5 s.
 * Run: node --import tsx bench/deploy.bench.ts [sizes…]   (root; creates and removes its own labs)
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { labCommand, labDown, labUp, run } from '../src/lab/index.js';
import { deploy, exitCodeFor } from '../src/apply/index.js';
import { loadFleet, planFleet, whoAmI } from '../src/fleet/index.js';
import { cliTransport } from '../src/cli/transport.js';
import { inventoryFor } from '../src/cli/inventory-source.js';

type Phase = 'plan' | 'deploy' | 'redeploy';
interface Measure { phase: Phase; wallMs: number; cpuMs: number; maxRssMb: number; note: string }

/** Inside the admin namespace: one phase, one JSON line on stdout. */
async function driver(phase: Phase, inventory: string): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // What `hafleet plan` / `deploy` do before their views: the inventory as ansible.cfg chooses
  // it, the gated fleet, the CLI's transport, then the fleet layer's plan.
  const choice = inventoryFor(phase === 'plan' ? 'plan' : 'deploy', [inventory], { connects: true });
  const loaded = loadFleet(choice.sources, { env: process.env, load: choice.load, connectionDefaults: choice.connectionDefaults });
  if (!loaded.ok) throw new Error(`inventory did not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const fleet = loaded.value;
  const transport = cliTransport({}, choice);
  const p = { fleet, transport, ...(await planFleet(fleet, transport, { forks: 50, validate: phase === 'plan' })) };
  let note = `${p.plan.summary.filesToChange} files to change, ${p.plan.summary.unreachable} unreachable, ${p.plan.summary.failed} failed`;
  if (phase !== 'plan') {
    const r = await deploy(p.plan, p.fleet.desired, p.transport, { refs: p.fleet.refs, facts: p.facts, topology: p.fleet.topology, forks: 50, by: whoAmI() });
    const counts: Record<string, number> = {};
    for (const h of r.hosts) counts[h.status] = (counts[h.status] ?? 0) + 1;
    note = `${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}, exit ${exitCodeFor(r)}`;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await p.transport.close();
  const m: Measure = { phase, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, note };
  process.stdout.write(JSON.stringify(m) + '\n');
}

const targets: Record<Phase, number> = { plan: 1500, deploy: 3000, redeploy: 1500 };

/**
 * CPU seconds the lab hosts spent: each sshd listener's own time plus its reaped children's
 * (every session, shell, validator and handler it started), read from /proc/<pid>/stat.
 */
function hostsCpuS(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
    } catch {
      /* a host gone: counts nothing */
    }
  }
  return ticks / 100; // USER_HZ
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n >= 4);
  let missed = false;
  for (const hosts of sizes.length ? sizes : [10, 50, 100]) {
    const name = `bd${process.pid % 1000}${hosts}`.slice(0, 8);
    const up = await labUp({ name, directors: 2, realservers: hosts - 2, forks: 16 });
    if (!up.ok) {
      console.error(`lab up ${name}: ${up.diagnostics.map((d) => d.message).join('; ')}`);
      await labDown(name);
      process.exitCode = 1;
      return;
    }
    try {
      for (const phase of ['plan', 'deploy', 'redeploy'] as Phase[]) {
        const c = labCommand(up.value, undefined, [process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), '--driver', phase, up.value.inventory]);
        if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
        const sshd = up.value.hosts.map((h) => h.sshdPid).filter((p): p is number => p !== undefined);
        const cpu0 = hostsCpuS(sshd);
        const r = await run(c.value.cmd, c.value.args, { timeoutMs: 300_000 });
        const hostCpu = hostsCpuS(sshd) - cpu0;
        const line = r.stdout.trim().split('\n').pop() ?? '';
        if (r.code !== 0 || !line.startsWith('{')) {
          console.error(`${hosts} hosts ${phase}: driver failed (${r.code}): ${r.stderr.trim()}`);
          missed = true;
          continue;
        }
        const m = JSON.parse(line) as Measure;
        const target = hosts === 50 ? ` (target < ${targets[phase] / 1000} s${m.wallMs < targets[phase] ? '' : ' MISSED'})` : '';
        if (hosts === 50 && m.wallMs >= targets[phase]) missed = true;
        console.log(`${String(hosts).padStart(3)} hosts ${phase.padEnd(8)} ${(m.wallMs / 1000).toFixed(2)} s${target}, admin CPU ${(m.cpuMs / 1000).toFixed(2)} s, hosts CPU ${hostCpu.toFixed(2)} s → ${((m.cpuMs / 1000 + hostCpu) / 2).toFixed(2)} s on 2 idle cores, peak RSS ${m.maxRssMb.toFixed(0)} MiB, load ${loadavg()[0]!.toFixed(1)} — ${m.note}`);
      }
    } finally {
      await labDown(name);
    }
  }
  process.exitCode = missed ? 1 : 0;
}

if (process.argv[2] === '--driver') await driver(process.argv[3] as Phase, process.argv[4]!);
else await main();
