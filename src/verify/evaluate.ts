import type { Topology } from '../topology/types.js';
import type { Finding, Observations, VerifyReport } from './types.js';
import { stateFindings, vipFindings } from './evaluate-vips.js';
import { directorFindings, hostFindings, realserverFindings } from './evaluate-hosts.js';
import { arpFindings, trafficFindings } from './evaluate-traffic.js';

/**
 * Pure: what the probes saw, judged against what the topology says should be. One finding per
 * assertion that failed, plus the positive ones a person wants in the table (VIP, ARP, traffic).
 */
export function evaluate(topology: Topology, obs: Observations): Finding[] {
  const out: Finding[] = [...hostFindings(topology, obs)];
  for (const cluster of topology.clusters) {
    for (const inst of cluster.instances) {
      for (const vip of inst.vips) {
        out.push(...vipFindings(cluster, inst, vip, obs));
        out.push(...arpFindings(cluster, inst, vip, obs));
      }
      out.push(...stateFindings(cluster, inst, obs));
    }
    out.push(...directorFindings(cluster, obs));
    out.push(...realserverFindings(cluster, obs));
    out.push(...trafficFindings(cluster, obs));
  }
  return out;
}

export function verifyReport(findings: Finding[], at: Date = new Date()): VerifyReport {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  return { ok: errors === 0, at: at.toISOString(), findings, summary: { errors, warnings, passed: findings.filter((f) => f.ok).length } };
}
