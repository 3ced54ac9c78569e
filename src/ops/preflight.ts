import type { Cluster, VrrpInstance } from '../topology/types.js';
import type { HostObservation, Observations, VerifyReport } from '../verify/index.js';
import type { OpsState, Refusal } from './types.js';

/**
 * Before a switchover or maintenance changes anything: is the cluster in a state where a planned
 * move is safe, and can the target win? Pure over what verify observed and the state files read.
 * Every reason is collected (not only the first), each with what to do.
 */

export interface Placement {
  instance: string;
  vip: string;
  holders: string[];
}

/** Who holds each VIP of `instances`, by verify's findings (vip-ok names one, split-brain several). */
export function placements(report: VerifyReport, instances: readonly VrrpInstance[]): Placement[] {
  const out: Placement[] = [];
  for (const inst of instances) for (const v of inst.vips) {
    const fs = report.findings.filter((f) => f.instance === inst.name && f.vip === v.address && (f.kind === 'vip-ok' || f.kind === 'split-brain' || f.kind === 'orphan'));
    const holders = [...new Set(fs.flatMap((f) => f.holders ?? (f.kind === 'vip-ok' && f.host ? [f.host] : [])))].sort();
    out.push({ instance: inst.name, vip: v.address, holders });
  }
  return out;
}

/** Why a director cannot take a VIP now; empty when it can. */
export function directorHealth(o: HostObservation | undefined, host: string, instances: readonly VrrpInstance[], cluster: Cluster, state: OpsState | null | undefined): string[] {
  if (!o) return [`${host} was not probed`];
  if (!o.reachable) return [`${host} is unreachable: ${o.message}`];
  const why: string[] = [];
  const engine = instances[0]?.members.find((m) => m.host === host)?.engine ?? 'keepalived';
  const speaker = engine === 'agent' ? 'hafleet-agent' : 'keepalived';
  if (!o.running[speaker]) why.push(`its VRRP speaker (${speaker}) is not running`);
  if (cluster.mode === 'nginx' && !o.running.nginx) why.push('nginx is not running');
  if (state?.maintenance) why.push('it is in maintenance');
  for (const s of o.speaker?.scripts ?? []) if (!s.ok) why.push(`track script ${s.name} fails`);
  for (const inst of instances) {
    const si = o.speaker?.instances.find((i) => i.name === inst.name);
    if (o.speaker && !si) why.push(`its speaker does not run instance ${inst.name}`);
    else if (si && si.state !== 'BACKUP' && si.state !== 'MASTER') why.push(`${inst.name} is ${si.state}`);
  }
  return why;
}

export interface SwitchoverCheck {
  cluster: Cluster;
  instances: VrrpInstance[];
  target: string;
  observations: Observations;
  report: VerifyReport;
  states: ReadonlyMap<string, OpsState | null>;
}

export type SwitchoverPreflight =
  | { ok: true; holders: Map<string, string>; alreadyThere: boolean }
  | { ok: false; refusals: Refusal[] };

const errorsOf = (report: VerifyReport, hosts: ReadonlySet<string>, cluster: string, skip: ReadonlySet<string>) =>
  report.findings.filter((f) => !f.ok && f.severity === 'error' && (f.cluster === cluster || (f.host !== undefined && hosts.has(f.host))) && !(f.host && skip.has(f.host)));

/** Is a switchover of `instances` to `target` safe now? Refusals say why, and what to do. */
export function switchoverPreflight(c: SwitchoverCheck): SwitchoverPreflight {
  const r: Refusal[] = [];
  const members = new Set(c.instances.flatMap((i) => i.members.map((m) => m.host)));
  for (const inst of c.instances) {
    if (!inst.members.some((m) => m.host === c.target)) {
      r.push({ code: 'not-member', usage: true, message: `${c.target} is not a director of ${inst.name} (cluster ${c.cluster.name}; its directors: ${inst.members.map((m) => m.host).join(', ')})`, hint: 'pass --to one of them' });
    }
  }
  if (r.length) return { ok: false, refusals: r };
  for (const h of members) {
    const o = c.observations.hosts[h];
    if (!o || !o.reachable) r.push({ code: 'unreachable', usage: false, message: `${h} is unreachable${o && !o.reachable ? `: ${o.message}` : ''}`, hint: 'every director of the instance must answer before a planned move; bring it back or use maintenance on it' });
  }
  const why = directorHealth(c.observations.hosts[c.target], c.target, c.instances, c.cluster, c.states.get(c.target));
  if (why.length && c.observations.hosts[c.target]?.reachable) r.push({ code: why.includes('it is in maintenance') ? 'in-maintenance' : 'unhealthy', usage: false, message: `${c.target} cannot take the VIP: ${why.join('; ')}`, hint: why.includes('it is in maintenance') ? `hafleet maintenance ${c.target} off first` : 'fix it (hafleet verify says more), then run again' });
  const holders = new Map<string, string>();
  for (const p of placements(c.report, c.instances)) {
    if (p.holders.length > 1) r.push({ code: 'split-brain', usage: false, message: `${p.vip} (${p.instance}) is held by ${p.holders.join(' and ')}: split brain`, hint: 'hafleet verify explains it; a planned move needs one holder' });
    else if (p.holders.length === 0) r.push({ code: 'no-holder', usage: false, message: `nobody holds ${p.vip} (${p.instance})`, hint: 'hafleet verify explains it' });
    else {
      const prev = holders.get(p.instance);
      if (prev && prev !== p.holders[0]) r.push({ code: 'split-brain', usage: false, message: `the VIPs of ${p.instance} are on ${prev} and ${p.holders[0]}`, hint: 'hafleet verify explains it' });
      holders.set(p.instance, p.holders[0]!);
    }
  }
  for (const inst of c.instances) {
    const h = holders.get(inst.name);
    const owner = inst.members.find((m) => m.priority >= 255);
    if (owner && h === owner.host && owner.host !== c.target) r.push({ code: 'address-owner', usage: false, message: `${owner.host} owns the address of ${inst.name} (priority 255): tracking cannot lower it`, hint: 'give it a priority below 255 in the inventory' });
  }
  const inMaintenance = new Set([...c.states].filter(([, s]) => s?.maintenance).map(([h]) => h));
  for (const f of errorsOf(c.report, members, c.cluster.name, inMaintenance)) {
    if (['split-brain', 'orphan', 'host-unreachable'].includes(f.kind) || (f.host === c.target && ['daemon-down', 'track-failing'].includes(f.kind))) continue; // said above
    r.push({ code: 'verify', usage: false, message: `verify: ${f.message}`, ...(f.hint ? { hint: f.hint } : {}) });
  }
  if (r.length) return { ok: false, refusals: r };
  return { ok: true, holders, alreadyThere: c.instances.every((i) => holders.get(i.name) === c.target) };
}

export interface MaintenanceCheck {
  cluster: Cluster | null;
  host: string;
  on: boolean;
  observations: Observations;
  report: VerifyReport;
  states: ReadonlyMap<string, OpsState | null>;
}

/**
 * A director may go into maintenance when, for every instance it is in, another director of it
 * is healthy and not in maintenance itself: otherwise its VIPs would have no holder.
 */
export function maintenancePreflight(c: MaintenanceCheck): Refusal[] {
  const r: Refusal[] = [];
  const o = c.observations.hosts[c.host];
  if (!o || !o.reachable) r.push({ code: 'unreachable', usage: false, message: `${c.host} is unreachable${o && !o.reachable ? `: ${o.message}` : ''}`, hint: 'the maintenance flag lives on the host: it must answer' });
  const cluster = c.cluster;
  if (!c.on || !cluster) return r;
  for (const inst of cluster.instances.filter((i) => i.members.some((m) => m.host === c.host))) {
    const others = inst.members.filter((m) => m.host !== c.host && directorHealth(c.observations.hosts[m.host], m.host, [inst], cluster, c.states.get(m.host)).length === 0);
    if (others.length === 0) r.push({ code: 'last-director', usage: false, message: `${inst.name}: no other healthy director would hold ${inst.vips.map((v) => v.address).join(', ')} while ${c.host} is in maintenance`, hint: 'bring another director of it back first' });
  }
  return r;
}
