import type { Topology } from '../topology/types.js';
import type { AddressFact } from '../facts/types.js';
import type { Serial } from './types.js';
import { vipHolders } from '../host-addresses/index.js';

/** Directors of one cluster: one at a time, the current VIP holder last (all at once when it serves nothing yet). */
export interface DirectorLane {
  cluster: string;
  hosts: string[];
  /** Every director of the cluster (also those not in this deploy): polled for VIP placement. */
  directors: string[];
  vips: string[];
  /** Someone held a VIP before the deploy: service to keep, so wait between directors. */
  served: boolean;
  /**
   * Every director of the cluster was read before the deploy and none ran a VRRP speaker: a
   * first deploy in the strict sense. A speaker that ran may serve addresses the inventory no
   * longer names (a VIP changed) — `served` cannot see those — so only then do the directors
   * deploy at once and a priority-0 advert hasten the election (lane.ts).
   */
  quietBefore?: boolean;
  /** nginx mode: each port nginx serves and a Host it answers to (a VIP); empty for LVS. */
  ports: { port: number; host: string }[];
  /** The cluster's VRRP instances and each director's configured priority in them. */
  instances: { name: string; priorities: Record<string, number> }[];
  /**
   * How long a track script the new config broke takes to show after a reload: keepalived
   * needs `fall` failed runs, `interval` apart, each up to `timeout` (and `rise` good runs for
   * a director demoted before to recover).
   */
  trackWindowMs: number;
  /**
   * The track scripts this cluster's instances use, as keepalived runs them (its words, its
   * user, its timeout): the proof runs each once itself instead of waiting `fall` runs for the
   * speaker to say what one run says at once.
   */
  scripts: { name: string; command: string; user: string; timeoutSec: number }[];
  /**
   * One run of every track script by the speaker (interval + timeout): how long a director
   * whose speaker was reloaded must keep serving before it counts, so the look is at the
   * speaker's new config and its own verdict on it, not at the state the reload carried over.
   */
  speakerCycleMs: number;
}

/** The proof-of-service facts of a cluster, kept with its lane (pure). */
export function laneProof(c: Topology['clusters'][number]): Pick<DirectorLane, 'ports' | 'instances' | 'trackWindowMs' | 'scripts' | 'speakerCycleMs'> {
  const ports = new Map<number, string>();
  if (c.mode === 'nginx') for (const s of c.services) if (!ports.has(s.port)) ports.set(s.port, s.vip.includes(':') ? `[${s.vip}]` : s.vip);
  const used = new Set(c.instances.flatMap((i) => i.trackScripts));
  const scripts = c.trackScripts.filter((t) => used.has(t.name));
  const trackWindowMs = Math.max(0, ...scripts.map((t) => (t.intervalSec * (Math.max(t.fall, t.rise) + 1) + t.timeoutSec) * 1000));
  // keepalived's global script_user (the view's rule): the first script's own user, else nobody.
  const globalUser = scripts.find((t) => t.user)?.user ?? 'nobody';
  return {
    scripts: scripts.map((t) => ({ name: t.name, command: t.script, user: t.user ?? globalUser, timeoutSec: t.timeoutSec })),
    speakerCycleMs: Math.max(0, ...scripts.map((t) => (t.intervalSec + t.timeoutSec) * 1000)),
    ports: [...ports].map(([port, host]) => ({ port, host })),
    instances: c.instances.map((i) => ({ name: i.name, priorities: Object.fromEntries(i.members.map((m) => [m.host, m.priority])) })),
    trackWindowMs,
  };
}

export interface RollingOrder {
  lanes: DirectorLane[];
  /** Realserver batches, run one after another. */
  batches: string[][];
  /** Hosts in no cluster: all at once (bounded by --forks). */
  free: string[];
}

export function batchSize(serial: Serial | undefined, total: number): number {
  if (!serial || total === 0) return Math.max(1, total);
  const n = 'count' in serial ? serial.count : Math.ceil((total * serial.percent) / 100);
  return Math.max(1, Math.min(total, n));
}

/**
 * Decide the order before anything runs (a plan decision, not an apply accident). `hosts` are the
 * hosts with work to do, `addresses` what each director has now, `speakers` whether each director
 * read in full ran a VRRP speaker (keepalived or the agent; a director missing from it: unknown).
 */
export function rollingOrder(hosts: readonly string[], topology: Topology | undefined, addresses: ReadonlyMap<string, AddressFact[]>, serial?: Serial, speakers?: ReadonlyMap<string, boolean>): RollingOrder {
  const todo = new Set(hosts);
  const placed = new Set<string>();
  const lanes: DirectorLane[] = [];
  for (const c of topology?.clusters ?? []) {
    const vips = [...new Set(c.instances.flatMap((i) => i.vips.map((v) => v.address)))];
    // Who holds a VIP is the one model's (host-addresses): not on lo, not DAD-failed.
    const holders = new Set(Object.values(vipHolders(new Map(c.directors.map((d) => [d, addresses.get(d) ?? []])), vips)).flat());
    const holds = (h: string) => holders.has(h);
    const mine = c.directors.filter((d) => todo.has(d) && !placed.has(d));
    mine.forEach((d) => placed.add(d));
    if (mine.length === 0) continue;
    // Stable sort: non-holders first in the cluster's order, holders last.
    const served = c.directors.some(holds);
    const proof = laneProof(c);
    // Nothing served yet (first deploy): the directors deploy at once (lane.ts), the intended
    // holder first in the order their results are taken and shown, and last to be put back.
    const top = (d: string) => Math.max(0, ...proof.instances.map((i) => i.priorities[d] ?? 0));
    const ordered = served ? [...mine.filter((d) => !holds(d)), ...mine.filter(holds)] : [...mine].sort((a, b) => top(b) - top(a));
    const quietBefore = speakers !== undefined && c.directors.every((d) => speakers.get(d) === false);
    lanes.push({ cluster: c.name, hosts: ordered, directors: [...c.directors], vips, served, quietBefore, ...proof });
  }
  const realservers: string[] = [];
  for (const c of topology?.clusters ?? []) for (const r of c.realservers) if (todo.has(r) && !placed.has(r)) { placed.add(r); realservers.push(r); }
  const size = batchSize(serial, realservers.length);
  const batches: string[][] = [];
  for (let i = 0; i < realservers.length; i += size) batches.push(realservers.slice(i, i + size));
  return { lanes, batches, free: hosts.filter((h) => !placed.has(h)) };
}
