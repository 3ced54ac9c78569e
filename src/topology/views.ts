import type { Inventory, VarValue } from '../inventory/types.js';
import { clusterSources, type ClusterVariant } from './sources.js';
import type { VrrpInstance } from './types.js';

type Obj = Record<string, VarValue>;
const isObj = (v: VarValue | undefined): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** How one host sees an instance: its cluster entry and the instance's key path in its own vars. */
export interface InstanceView {
  variant: ClusterVariant;
  cluster: Obj;
  instance: Obj;
  /** Key path of the instance under the variant host's vars. */
  path: (string | number)[];
}

/** The instance as `host` sees it, or undefined when the host's hafleet_clusters lacks it. */
export function instanceView(inv: Inventory, inst: VrrpInstance, host: string): InstanceView | undefined {
  const src = clusterSources(inv).find((s) => s.name === inst.cluster);
  const variant = src?.variants.find((v) => v.hosts.includes(host));
  if (!variant || !inst.source) return undefined;
  const base: (string | number)[] = ['hafleet_clusters', variant.index];
  if (inst.source.path.length <= 2) return { variant, cluster: variant.value, instance: variant.value, path: base };
  const canonicalList = src!.canonical.value.instances as VarValue[];
  const j = inst.source.path[3] as number;
  const wanted = isObj(canonicalList[j]) ? (canonicalList[j] as Obj).name : undefined;
  const list = Array.isArray(variant.value.instances) ? variant.value.instances : [];
  let k = wanted !== undefined ? list.findIndex((x) => isObj(x) && x.name === wanted) : j;
  if (k < 0 || !isObj(list[k])) k = -1;
  if (k < 0) return undefined;
  return { variant, cluster: variant.value, instance: list[k] as Obj, path: [...base, 'instances', k] };
}

/** Fields VRRP peers must agree on, read from a view; defaults filled so `1` equals "not set". */
export const PEER_FIELDS: { name: string; read: (v: InstanceView) => VarValue | undefined; sub: (v: InstanceView) => (string | number)[]; secret?: boolean }[] = [
  { name: 'vrid', read: (v) => v.instance.vrid, sub: (v) => [...v.path, 'vrid'] },
  { name: 'vips', read: (v) => v.instance.vips, sub: (v) => [...v.path, 'vips'] },
  { name: 'vrrp.version', read: (v) => (isObj(v.cluster.vrrp) ? v.cluster.vrrp.version : undefined) ?? 2, sub: (v) => ['hafleet_clusters', v.variant.index, 'vrrp', 'version'] },
  { name: 'vrrp.advert_int', read: (v) => (isObj(v.cluster.vrrp) ? v.cluster.vrrp.advert_int : undefined) ?? 1, sub: (v) => ['hafleet_clusters', v.variant.index, 'vrrp', 'advert_int'] },
  { name: 'vrrp.auth_pass', read: (v) => (isObj(v.cluster.vrrp) ? v.cluster.vrrp.auth_pass : undefined) ?? null, sub: (v) => ['hafleet_clusters', v.variant.index, 'vrrp', 'auth_pass'], secret: true },
];
