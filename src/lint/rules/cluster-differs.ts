import { error, type Diagnostic } from '../../diagnostics/index.js';
import type { VarValue } from '../../inventory/types.js';
import { clusterSources, keyString, whereAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

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
 * half-deployed change waiting to happen.
 */
export const clusterDiffers: Rule = {
  code: 'cluster-differs',
  summary: 'a cluster defined differently for different hosts',
  check: ({ inv, topology }) => {
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
  },
};

function valueAt(v: VarValue | undefined, path: Path): VarValue | undefined {
  for (const k of path) v = v && typeof v === 'object' ? (v as never)[k] : undefined;
  return v;
}
