import { error, formatDiagnostic, hasErrors, type Diagnostic, type Result } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';
import { buildCluster } from './cluster.js';
import { clusterDifferences, peerDisagreements } from './differences.js';
import { advertIntFindings, priorityRangeFindings, valueRangeFindings, vridRangeFindings } from './ranges.js';
import { clusterSources } from './sources.js';
import type { Cluster, Topology } from './types.js';
import { varDiagnostic } from './var-diagnostic.js';
import { varEvents } from './walk.js';
import { whereAt } from './where.js';

/** Codes only the model builder reports (lint rules report the others, under their own codes). */
export const BUILD_CODES = [
  'unknown-group', 'unknown-host', 'instance-form', 'master-not-director', 'priority-not-director', 'vip-syntax', 'vip-prefix',
  'service-vip', 'sorry-server', 'cluster-name-unique',
] as const;

/** A topology of the clusters that built cleanly, and every diagnostic found on the way. */
export interface PartialTopology {
  topology: Topology;
  diagnostics: Diagnostic[];
}

/**
 * Build what can be built: clusters with type errors are left out (so lint does not report
 * their consequences), every other problem is a diagnostic. lint runs on this.
 */
export function buildTopologyPartial(inv: Inventory): PartialTopology {
  // An Inventory is immutable: the gate (build + lint) builds once, not twice.
  const hit = partials.get(inv);
  if (hit) return hit;
  const built = buildPartial(inv);
  partials.set(inv, built);
  return built;
}

const partials = new WeakMap<Inventory, PartialTopology>();

function buildPartial(inv: Inventory): PartialTopology {
  const diagnostics: Diagnostic[] = [];
  const events = varEvents(inv);
  const dirty = new Set<string>();
  for (const e of events) {
    if (e.kind !== 'wrong-type' && e.kind !== 'missing-key') continue;
    diagnostics.push(varDiagnostic(inv, e));
    if (e.path[0] === 'hafleet_clusters') dirty.add(`${e.host}#${e.path[1] ?? ''}`);
  }
  const clusters: Cluster[] = [];
  for (const src of clusterSources(inv)) {
    for (const dup of src.duplicates) {
      diagnostics.push(error('cluster-name-unique', `a second cluster named ${src.name}`, whereAt(inv, dup.host, ['hafleet_clusters', dup.index, 'name']),
        'give every cluster its own name'));
    }
    const { host, index } = src.canonical;
    if (dirty.has(`${host}#${index}`) || dirty.has(`${host}#`)) continue;
    const own: Diagnostic[] = [];
    const cluster = buildCluster(inv, src, own);
    diagnostics.push(...own);
    if (!hasErrors(own)) clusters.push(cluster);
  }
  return { topology: { clusters, roles: rolesOf(clusters) }, diagnostics: unique(diagnostics) };
}

/** Hosts without a file position for a shared variable report its problems once each. */
export function unique(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const line = formatDiagnostic(d);
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}

/**
 * The HA model of an inventory, or every reason there is none: type and structure errors, values
 * out of range, and a cluster that reads differently for different hosts (the model holds one
 * view; rendering it would silently drop the others). lint reports the same under the same codes.
 */
export function buildTopology(inv: Inventory): Result<Topology> {
  const { topology, diagnostics: built } = buildTopologyPartial(inv);
  const diagnostics = unique([
    ...built, ...valueRangeFindings(inv), ...vridRangeFindings(inv, topology), ...priorityRangeFindings(inv, topology),
    ...advertIntFindings(inv, topology), ...peerDisagreements(inv, topology), ...clusterDifferences(inv, topology),
  ]);
  return hasErrors(diagnostics) ? { ok: false, diagnostics } : { ok: true, value: topology, diagnostics };
}

function rolesOf(clusters: readonly Cluster[]): Topology['roles'] {
  const roles: Topology['roles'] = new Map();
  const add = (host: string, role: 'director' | 'realserver') => {
    let set = roles.get(host);
    if (!set) roles.set(host, (set = new Set()));
    set.add(role);
  };
  for (const c of clusters) {
    for (const h of c.directors) add(h, 'director');
    for (const h of c.realservers) add(h, 'realserver');
  }
  return roles;
}

/** Every secret in the model (VRRP auth_pass values), for masking in diffs, logs and JSON. */
export function secretsOf(topology: Topology): string[] {
  const out = new Set<string>();
  for (const c of topology.clusters) for (const i of c.instances) if (i.authPass) out.add(i.authPass);
  return [...out];
}
