import { vipHolders, type HostAddress } from '../host-addresses/index.js';
import type { Cluster, Topology, VrrpInstance, VrrpMember } from '../topology/index.js';
import type { HostRead } from './host-read.js';
import { lastTransitionOf, mergeTransitions, parseNotifyLines, transitionKey } from './transitions.js';
import { memberTracks, type Track } from './tracks.js';
import { withCauses } from './causes.js';
import type { ClusterStatus, DriftStatus, InstanceStatus, MemberStatus, StatusSnapshot, Transition, VipStatus } from './types.js';

/** A request through a VIP from the admin box. */
export type VipProbe = NonNullable<VipStatus['probe']>;

export interface AssembleInput {
  topology: Topology;
  /** Hosts of this view (--limit) → their answer this round; a host without one is shown as unreachable. */
  reads: ReadonlyMap<string, HostRead | undefined>;
  /** VIP → the request through it this round. */
  probes?: ReadonlyMap<string, VipProbe>;
  /** Transitions already known (earlier rounds), merged with this round's. */
  known?: readonly Transition[];
  /** ISO time the round completed. */
  at: string;
}

type Answered = Extract<HostRead, { ok: true }>;

function answered(input: AssembleInput, host: string): Answered | null {
  const r = input.reads.get(host);
  return r && r.ok ? r : null;
}

function speakerOf(r: Answered, inst: VrrpInstance) {
  const sp = r.probe.speaker;
  return sp?.instances.find((i) => i.name === inst.name) ?? sp?.instances.find((i) => i.vrid === inst.vrid);
}

function memberStatus(input: AssembleInput, cluster: Cluster, inst: VrrpInstance, m: VrrpMember): MemberStatus {
  const read = input.reads.get(m.host);
  if (!read || !read.ok) {
    const why = read ? { error: read.error, failure: read.failure } : { error: 'no answer yet', failure: 'unreachable' as const };
    return { host: m.host, reachable: false, ...why, state: 'UNKNOWN', basePriority: m.priority, speaker: null, tracks: [] };
  }
  const alive = m.engine === 'agent' ? read.probe.running['hafleet-agent'] : read.probe.running.keepalived;
  const sp = alive ? speakerOf(read, inst) : undefined;
  const scripts = read.probe.speaker?.scripts ?? [];
  const expected = inst.trackScripts.map((name): Track => {
    const weight = cluster.trackScripts.find((t) => t.name === name)?.weight;
    // A script the speaker does not list (not running, older dump) is shown failing only when the speaker runs.
    const ok = scripts.find((s) => s.name === name)?.ok ?? Boolean(alive);
    return { kind: 'script' as const, name, ok, ...(weight !== undefined ? { weight } : {}) };
  });
  const tracks = memberTracks(alive ? read.tracks?.byInstance.get(inst.name) : undefined, expected);
  const notify = parseNotifyLines(read.notifyLines, m.host);
  const last = lastTransitionOf(m.host, inst.name, sp, notify, read.probe.transitionLogLines);
  return {
    host: m.host,
    reachable: true,
    state: alive ? (sp?.state ?? 'UNKNOWN') : 'STOP',
    basePriority: sp?.basePriority ?? m.priority,
    ...(sp?.effectivePriority !== undefined ? { effectivePriority: sp.effectivePriority } : {}),
    speaker: alive ? m.engine : null,
    tracks,
    ...(read.maintenance ? { maintenance: read.maintenance } : {}),
    ...(last ? { lastTransition: last } : {}),
  };
}

/** Earlier rounds' transitions by identity: a cause found once stays with its transition. */
const knownCache = new WeakMap<readonly Transition[], Map<string, Transition>>();
function knownByKey(input: AssembleInput): ReadonlyMap<string, Transition> {
  const known = input.known ?? [];
  let m = knownCache.get(known);
  if (!m) knownCache.set(known, (m = new Map(known.map((t) => [transitionKey(t), t]))));
  return m;
}

/** The member the inventory expects to hold the VIPs when all are healthy: the highest priority. */
function expectedHolder(inst: VrrpInstance): string | undefined {
  return [...inst.members].sort((a, b) => b.priority - a.priority)[0]?.host;
}

function instanceStatus(input: AssembleInput, cluster: Cluster, inst: VrrpInstance): InstanceStatus {
  const members = inst.members.filter((m) => input.reads.has(m.host));
  const addrs = new Map<string, readonly HostAddress[] | null>(members.map((m) => {
    const r = answered(input, m.host);
    return [m.host, r ? r.probe.addresses.map((a) => ({ ...a, scope: 'global' })) : null];
  }));
  const held = vipHolders(addrs, inst.vips.map((v) => v.address));
  const expected = expectedHolder(inst);
  const vips: VipStatus[] = inst.vips.map((v) => {
    const holders = held[v.address] ?? [];
    const probe = input.probes?.get(v.address);
    return {
      vip: v.address, cluster: cluster.name, instance: inst.name,
      holder: holders.length === 1 ? holders[0]! : null, holders,
      ...(expected ? { expectedHolder: expected } : {}),
      ...(probe ? { probe } : {}),
    };
  });
  return { cluster: cluster.name, instance: inst.name, vrid: inst.vrid, members: withCauses(members.map((m) => memberStatus(input, cluster, inst, m)), knownByKey(input), input.at), vips };
}

/** Files whose live checksum differs from the host's last deploy record (only files this view reads). */
function driftOf(input: AssembleInput): DriftStatus[] {
  const out: DriftStatus[] = [];
  for (const host of input.reads.keys()) {
    const r = answered(input, host);
    const rec = r?.facts.lastDeploy;
    if (!r || !rec) continue;
    const paths = rec.files.filter((f) => {
      const live = r.facts.files[f.path];
      return live !== undefined && live.sha256 !== f.sha256;
    }).map((f) => f.path);
    if (paths.length) out.push({ host, paths });
  }
  return out;
}

function lastDeployOf(input: AssembleInput): StatusSnapshot['lastDeploy'] {
  let best: { at: string; by: string } | undefined;
  for (const host of input.reads.keys()) {
    const rec = answered(input, host)?.facts.lastDeploy;
    if (rec && (!best || rec.at > best.at)) best = { at: rec.at, by: rec.by };
  }
  // A record is written once a host's deploy succeeded (apply's last step).
  return best ? { at: best.at, by: best.by, ok: true } : undefined;
}

/** One round's answers → the fleet's snapshot. Pure: the same answers give the same snapshot. */
export function assembleSnapshot(input: AssembleInput): StatusSnapshot {
  const clusters: ClusterStatus[] = [];
  for (const c of input.topology.clusters) {
    const directors = c.directors.filter((h) => input.reads.has(h));
    if (directors.length === 0) continue;
    const instances = c.instances.map((i) => instanceStatus(input, c, i));
    clusters.push({
      name: c.name,
      splitBrain: instances.some((i) => i.vips.some((v) => v.holders.length > 1)),
      membersUp: directors.filter((h) => answered(input, h)).length,
      members: directors.length,
      instances,
    });
  }
  const seen = clusters.flatMap((c) => c.instances.flatMap((i) => i.members.flatMap((m) => (m.lastTransition ? [m.lastTransition] : []))));
  const unreachable = [...input.reads.entries()].flatMap(([host, r]) => (r && r.ok ? [] : [{ host, error: r ? r.error : 'no answer yet', failure: r ? r.failure : 'unreachable' }]));
  const lastDeploy = lastDeployOf(input);
  return {
    at: input.at,
    clusters,
    vips: clusters.flatMap((c) => c.instances.flatMap((i) => i.vips)),
    drift: driftOf(input),
    ...(lastDeploy ? { lastDeploy } : {}),
    unreachable,
    transitions: mergeTransitions(input.known ?? [], seen),
  };
}

/**
 * The command's exit code for one snapshot: 1 when a VIP has no holder or two, 4 when only
 * hosts could not be read (Ansible's habit), 0 when healthy.
 */
export function statusExitCode(s: StatusSnapshot): 0 | 1 | 4 {
  if (s.vips.some((v) => v.holders.length !== 1)) return 1;
  return s.unreachable.length ? 4 : 0;
}
