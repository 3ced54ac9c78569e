import { readTree, singleFile, syncGroupBlocks } from '../keepalived-conf/index.js';
import type { Cluster, VrrpInstance } from '../topology/types.js';
import type { VerifyTarget } from '../verify/index.js';
import type { Refusal } from './types.js';

/**
 * vrrp_sync_group: keepalived (and the agent) move the instances of a group together — one in
 * FAULT takes the others to FAULT, one becoming MASTER takes the others along. A planned move
 * therefore moves a group as a unit: every instance bids on the target, the holder releases them
 * all at once, and the checks cover every instance. The inventory model has no sync groups (they
 * come verbatim in extra_keepalived), so they are read from what deploy renders: each director's
 * keepalived.conf. Pure.
 */

export interface SyncGroup {
  name: string;
  /** Its instances, as the group block names them. */
  instances: string[];
  /**
   * sync_group_tracking_weight on every director that renders the group. Without it keepalived
   * ignores the weights of its members' track files (they become weight 0: non-zero → FAULT), so
   * the move file's bid would put the target in FAULT instead of raising it.
   */
  trackingWeight: boolean;
}

/** What moves together: one instance, or every instance of its sync group. */
export interface MoveUnit {
  group?: string;
  instances: VrrpInstance[];
  trackingWeight: boolean;
}

const isSpeakerConf = (path: string) => path.startsWith('/etc/keepalived/') && path.endsWith('.conf');

/** The sync groups the directors of `cluster` will run, from their rendered speaker config. */
export function syncGroupsOf(cluster: Cluster, desired: VerifyTarget['desired']): SyncGroup[] {
  const names = new Set(cluster.instances.map((i) => i.name));
  const directors = [...new Set(cluster.instances.flatMap((i) => i.members.map((m) => m.host)))];
  const out = new Map<string, SyncGroup>();
  for (const host of directors) {
    for (const f of desired?.get(host)?.files.filter((x) => isSpeakerConf(x.path)) ?? []) {
      for (const b of syncGroupBlocks(readTree(f.path, singleFile(f.path, f.content)).stmts)) {
        const g = out.get(b.name) ?? { name: b.name, instances: [], trackingWeight: true };
        for (const m of b.instances) if (names.has(m) && !g.instances.includes(m)) g.instances.push(m);
        // One director without it is enough for its target to FAULT on the bid.
        g.trackingWeight &&= b.trackingWeight;
        out.set(g.name, g);
      }
    }
  }
  return [...out.values()].filter((g) => g.instances.length > 0);
}

/**
 * The selected instances grown to whole sync groups, in the cluster's order, each unit once;
 * `notes` says which selection pulled in a group (the operator named one member).
 */
export function moveUnits(cluster: Cluster, selected: readonly VrrpInstance[], groups: readonly SyncGroup[]): { units: MoveUnit[]; notes: string[] } {
  const units: MoveUnit[] = [];
  const notes: string[] = [];
  const taken = new Set<string>();
  for (const inst of selected) {
    if (taken.has(inst.name)) continue;
    const g = groups.find((x) => x.instances.includes(inst.name));
    if (!g) {
      taken.add(inst.name);
      units.push({ instances: [inst], trackingWeight: true });
      continue;
    }
    const members = cluster.instances.filter((i) => g.instances.includes(i.name));
    for (const m of members) taken.add(m.name);
    units.push({ group: g.name, instances: members, trackingWeight: g.trackingWeight });
    const extra = members.filter((m) => !selected.includes(m)).map((m) => m.name);
    if (extra.length) notes.push(`${inst.name} is in vrrp_sync_group ${g.name}: ${members.map((m) => m.name).join(', ')} move together (keepalived keeps a group's instances on one director)`);
  }
  return { units, notes };
}

/** A sync group hafleet cannot move the planned way, or whose instances are not on one director. */
export function unitRefusals(units: readonly MoveUnit[], holders: ReadonlyMap<string, string>): Refusal[] {
  const r: Refusal[] = [];
  for (const u of units) {
    if (!u.group) continue;
    if (!u.trackingWeight) {
      r.push({
        code: 'sync-group', usage: false,
        message: `vrrp_sync_group ${u.group} (${u.instances.map((i) => i.name).join(', ')}) has no sync_group_tracking_weight: keepalived ignores the weight of hafleet's move file for its members, so the target's bid would put it in FAULT`,
        hint: `add sync_group_tracking_weight to vrrp_sync_group ${u.group} in extra_keepalived and deploy; hafleet maintenance works without it`,
      });
    }
    const on = [...new Set(u.instances.map((i) => holders.get(i.name)).filter((h): h is string => h !== undefined))];
    if (on.length > 1) r.push({ code: 'split-brain', usage: false, message: `the instances of vrrp_sync_group ${u.group} are on ${on.join(' and ')}: a group's instances belong on one director`, hint: 'hafleet verify explains it' });
  }
  return r;
}
