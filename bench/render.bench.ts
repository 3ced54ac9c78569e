/**
 * Render benchmark: a generated 1,000-host inventory (50 clusters × 2 directors + 18
 * realservers, alternating nginx and lvs-dr, addresses in 198.18.0.0/15), timed through
 * load → topology → render with performance.now(). Target: well under 1 s. Nothing is sent anywhere.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatDiagnostic } from '../src/diagnostics/index.js';
import { loadInventory } from '../src/inventory/index.js';
import { buildTopology } from '../src/topology/index.js';
import { renderFleet } from '../src/render/index.js';

const CLUSTERS = 50;
const REALSERVERS = 18;

function generate(dir: string): number {
  const hosts: string[] = ['all:', '  children:'];
  const clusters: string[] = ['hafleet_clusters:'];
  let n = 0;
  for (let c = 0; c < CLUSTERS; c++) {
    const net = `198.18.${c}`;
    hosts.push(`    c${c}_directors:`, '      hosts:');
    for (const d of [1, 2]) {
      hosts.push(`        c${c}-lb${d}:`, `          ansible_host: ${net}.${10 + d}`);
      n++;
    }
    hosts.push(`    c${c}_realservers:`, '      hosts:');
    for (let r = 1; r <= REALSERVERS; r++) {
      hosts.push(`        c${c}-rs${r}:`, `          ansible_host: ${net}.${20 + r}`);
      if (r === REALSERVERS && c % 2 === 0) hosts.push('          realserver_backup: true');
      n++;
    }
    const mode = c % 2 === 0 ? 'nginx' : 'lvs-dr';
    clusters.push(
      `  - name: c${c}`, `    mode: ${mode}`, `    directors: c${c}_directors`, `    realservers: c${c}_realservers`,
      '    interface: eth0', `    vrrp: { version: 2, advert_int: 1, auth_pass: pw${c} }`,
      `    vrid: ${c + 1}`, `    vips: [${net}.100/24]`,
      `    services: [{ port: 80, lb_algo: ${mode === 'nginx' ? 'rr' : 'wlc'} }]`,
    );
  }
  writeFileSync(join(dir, 'hosts.yml'), hosts.join('\n') + '\n');
  mkdirSync(join(dir, 'group_vars'));
  writeFileSync(join(dir, 'group_vars', 'all.yml'), 'ansible_user: deploy\nansible_become: true\n' + clusters.join('\n') + '\n');
  return n;
}

function ms(a: number, b: number): string {
  return `${(b - a).toFixed(1)} ms`;
}

/** CPU time (user + system) between two process.cpuUsage() readings: steadier than wall time on a busy machine. */
function cpu(a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): string {
  return `cpu ${((b.user - a.user + b.system - a.system) / 1000).toFixed(1)} ms`;
}

const dir = mkdtempSync(join(tmpdir(), 'hf-render-bench-'));
try {
  const hostCount = generate(dir);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const inv = loadInventory(dir);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  if (!inv.ok) throw new Error(inv.diagnostics.map(formatDiagnostic).join('\n'));
  const topo = buildTopology(inv.value);
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  if (!topo.ok) throw new Error(topo.diagnostics.map(formatDiagnostic).join('\n'));
  const desired = renderFleet(inv.value, topo.value);
  const t3 = performance.now();
  const c3 = process.cpuUsage();
  if (!desired.ok) throw new Error(desired.diagnostics.map(formatDiagnostic).join('\n'));
  // Second render: templates already compiled (a long-running process, or plan after render).
  const again = renderFleet(inv.value, topo.value);
  const t4 = performance.now();
  const c4 = process.cpuUsage();
  if (!again.ok) throw new Error('second render failed');

  let files = 0;
  let bytes = 0;
  for (const hd of desired.value.values()) for (const f of hd.files) { files++; bytes += f.content.length; }
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(`hosts ${hostCount} (${desired.value.size} rendered), clusters ${CLUSTERS}, files ${files}, ${(bytes / 1024).toFixed(0)} KiB`);
  console.log(`load inventory   ${ms(t0, t1)}  ${cpu(c0, c1)}`);
  console.log(`build topology   ${ms(t1, t2)}  ${cpu(c1, c2)}`);
  console.log(`render (cold)    ${ms(t2, t3)}  ${cpu(c2, c3)}`);
  // A figure, not a timed test: a busy shared machine must not fail `make bench`.
  console.log(`total            ${ms(t0, t3)}  ${cpu(c0, c3)}  (target < 1000 ms${t3 - t0 >= 1000 ? ': OVER' : ''})`);
  console.log(`render (warm)    ${ms(t3, t4)}  ${cpu(c3, c4)}`);
  console.log(`peak RSS         ${rssMiB.toFixed(1)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
