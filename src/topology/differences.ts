import { error, type Diagnostic } from '../diagnostics/index.js';
import type { Inventory, VarValue } from '../inventory/types.js';
import { clusterSources } from './sources.js';
import type { Topology } from './types.js';
import { instanceView, PEER_FIELDS } from './views.js';
import { keyString, whereAt } from './where.js';

/**
 * Directors of one instance that read different VRRP settings (a host_vars override of
 * hafleet_clusters) drop each other's adverts (RFC 3768 §7.1) and both become master.
 * The model is built from one host's view, so buildTopology refuses such an inventory.
 */
export function peerDisagreements(inv: Inventory, topology: Topology): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const c of topology.clusters) {
    for (const inst of c.instances) {
      const ref = inst.members[0] && instanceView(inv, inst, inst.source?.host ?? '');
      if (!ref) continue;
      for (const m of inst.members) {
        const view = instanceView(inv, inst, m.host);
        if (!view || view.variant === ref.variant) continue;
        for (const f of PEER_FIELDS) {
          const mine = JSON.stringify(f.read(view));
          const theirs = JSON.stringify(f.read(ref));
          if (mine === theirs) continue;
          const what = f.secret ? `${f.name} differs from the one ${ref.variant.host} has` : `${f.name} is ${mine} here but ${theirs} on ${ref.variant.host}`;
          out.push(error('peers-agree', `${inst.name}: ${what}`, { ...whereAt(inv, view.variant.host, f.sub(view)), host: m.host },
            'define the cluster once (hafleet_clusters in group_vars/all.yml) so every director reads the same VRRP settings'));
        }
      }
    }
  }
  return out;
}

type Path = (string | number)[];

/** Leaf paths where two values differ. */
function differences(a: VarValue | undefined, b: VarValue | undefined, path: Path, out: Path[]): void {
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? [...Array(Math.max(a.length, (b as VarValue[]).length)).keys()] : [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) differences((a as never)[k], (b as never)[k], [...path, k], out);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path);
}

// Covered by peers-agree when only directors see the difference.
const PEER = /^(vrid|vips|instances\[\d+\]\.(vrid|vips)|vrrp\.(version|advert_int|auth_pass))(\[|$)/;

/**
 * A cluster must read the same on every host (hafleet_clusters is normally in group_vars/all.yml):
 * a realserver that sees other VIPs than its directors, or directors with other services, is a
 * half-deployed change waiting to happen. Differences peerDisagreements reports are left to it.
 */
export function clusterDifferences(inv: Inventory, topology: Topology): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const src of clusterSources(inv)) {
    const cluster = topology.clusters.find((c) => c.name === src.name);
    const directors = new Set(cluster?.directors ?? []);
    for (const v of src.variants.slice(1)) {
      const paths: Path[] = [];
      differences(src.canonical.value, v.value, [], paths);
      const onlyDirectors = v.hosts.every((h) => directors.has(h));
      const shown = paths.filter((p) => !(onlyDirectors && PEER.test(keyString(['x', ...p]).slice(2))));
      const first = shown[0];
      if (!first) continue;
      const others = v.hosts.length > 1 ? ` and ${v.hosts.length - 1} more host${v.hosts.length > 2 ? 's' : ''}` : '';
      const canon = whereAt(inv, src.canonical.host, ['hafleet_clusters', src.canonical.index, ...first]);
      const secret = first.includes('auth_pass');
      const detail = secret ? '' : `: ${JSON.stringify(valueAt(v.value, first)) ?? 'unset'} here, ${JSON.stringify(valueAt(src.canonical.value, first)) ?? 'unset'}`;
      out.push(error('cluster-differs', `cluster ${src.name} reads differently for ${v.hosts[0]}${others}${detail} in ${canon.file ?? src.canonical.host}`,
        { ...whereAt(inv, v.host, ['hafleet_clusters', v.index, ...first]), host: v.hosts[0]! },
        'define each cluster once, for all hosts (group_vars/all.yml); use per-host variables such as vrrp_priority for per-host settings'));
    }
  }
  return out;
}

function valueAt(v: VarValue | undefined, path: Path): VarValue | undefined {
  for (const k of path) v = v && typeof v === 'object' ? (v as never)[k] : undefined;
  return v;
}
