import type { Topology } from '../topology/types.js';
import type { Finding, VerifyReport } from './types.js';
import { spreadText } from './spread.js';

/** Column layout without a dependency: pad every cell to its column's widest. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

const vipKinds = new Set(['vip-ok', 'split-brain', 'orphan', 'stale-vip', 'auth-mismatch', 'wrong-interface', 'wrong-prefix', 'duplicate-vip']);

function vipCell(fs: Finding[]): { holder: string; state: string; verdict: string } {
  const bad = fs.filter((f) => !f.ok && f.severity === 'error');
  const ok = fs.find((f) => f.kind === 'vip-ok');
  const main = bad[0] ?? ok;
  const holder = main?.holders?.length ? main.holders.join('+') : '-';
  const verdict = bad.length ? bad.map((f) => f.kind).join(',') : ok ? 'ok' : '?';
  return { holder, state: main?.state ?? '-', verdict };
}

/**
 * The table a person reads at a glance (cluster, VIP, holder, state, ARP, traffic spread), then
 * every failure with what to look at, then one summary line.
 */
export function formatReport(topology: Topology, report: VerifyReport): string {
  const rows: string[][] = [['CLUSTER', 'INSTANCE', 'VIP', 'HOLDER', 'STATE', 'VERDICT', 'ARP', 'TRAFFIC']];
  for (const c of topology.clusters) {
    for (const inst of c.instances) {
      for (const v of inst.vips) {
        const fs = report.findings.filter((f) => f.cluster === c.name && f.instance === inst.name && f.vip === v.address);
        const cell = vipCell(fs.filter((f) => vipKinds.has(f.kind)));
        const arp = fs.find((f) => f.kind.startsWith('arp'));
        const host = v.address.includes(':') ? `[${v.address}]` : v.address;
        const traffic = report.findings.filter((f) => f.cluster === c.name && f.vip?.startsWith(`${host}:`) && (f.kind === 'traffic' || f.kind === 'error-page'));
        const spread = traffic.map((t) => {
          const port = t.vip!.slice(t.vip!.lastIndexOf(':') + 1);
          const text = t.kind === 'error-page' ? 'error page' : (t.distribution && Object.keys(t.distribution).length ? spreadText(t.distribution, ' ') : '-');
          return `${port}: ${text}${t.ok ? '' : ' FAIL'}`;
        }).join('; ');
        rows.push([c.name, inst.name, `${v.address}/${v.prefix}`, cell.holder, cell.state, cell.verdict, arp ? (arp.ok ? 'ok' : 'FAIL') : '-', spread || '-']);
      }
    }
  }
  const lines = [table(rows), ''];
  const resting = report.findings.filter((f) => f.kind === 'maintenance' && f.host).map((f) => f.host!);
  if (resting.length) lines.push(`In maintenance (not counted as faults): ${resting.join(', ')}`, '');
  const problems = report.findings.filter((f) => !f.ok);
  if (problems.length) {
    lines.push('Problems:');
    for (const f of problems) {
      lines.push(`  ${f.severity === 'error' ? 'FAIL' : 'warn'} [${f.kind}] ${f.message}`);
      if (f.hint) lines.push(`       look at: ${f.hint}`);
      if (f.diff) lines.push(...f.diff.trimEnd().split('\n').map((l) => `       ${l}`));
    }
    lines.push('');
  }
  const s = report.summary;
  lines.push(`${report.ok ? 'verify passed' : 'verify FAILED'}: ${s.passed} passed, ${s.errors} error(s), ${s.warnings} warning(s)`);
  return lines.join('\n') + '\n';
}
