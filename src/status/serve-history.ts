import type { StatusSnapshot, Transition } from './types.js';

/**
 * What the page remembers between snapshots: who held each VIP when (for the ownership
 * timeline) and every transition the speakers reported, over a sliding window (an hour).
 * Pure: the server folds each snapshot in with `recordSnapshot`.
 */

export const HISTORY_WINDOW_MS = 60 * 60 * 1000;

export interface VipHistory {
  cluster: string;
  instance: string;
  vip: string;
  /** Members of the instance, expected holder first (the chart's lane order). */
  hosts: string[];
  /** Holders at each change, oldest first; the first one is the state at the window's start. */
  samples: { t: number; holders: string[] }[];
  /**
   * Requests through the VIP worth drawing: every failed probe and the first answer after one
   * (an hour of answered probes every second would be thousands of marks saying nothing).
   */
  probes: { t: number; ok: boolean; ms?: number; status?: number; error?: string }[];
}

export interface StatusHistory {
  /** When the first snapshot came (the window cannot reach back before it). */
  since: number;
  vips: VipHistory[];
  /** Newest first, deduplicated, within the window. */
  transitions: Transition[];
}

export const emptyHistory = (): StatusHistory => ({ since: NaN, vips: [], transitions: [] });

const vipKey = (v: { cluster: string; instance: string; vip: string }) => `${v.cluster}\u0000${v.instance}\u0000${v.vip}`;
const transitionKey = (t: Transition) => `${t.at}\u0000${t.host}\u0000${t.instance}\u0000${t.to}`;
const sameHolders = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((h, i) => h === b[i]);

/** The history with `s` (seen at `nowMs`) folded in and what is older than the window dropped. */
export function recordSnapshot(h: StatusHistory, s: StatusSnapshot, nowMs: number, windowMs = HISTORY_WINDOW_MS): StatusHistory {
  const start = nowMs - windowMs;
  const old = new Map(h.vips.map((v) => [vipKey(v), v]));
  const vips = s.vips.map((v): VipHistory => {
    const inst = s.clusters.find((c) => c.name === v.cluster)?.instances.find((i) => i.instance === v.instance);
    const members = inst?.members.map((m) => m.host) ?? [];
    const first = v.expectedHolder !== undefined && members.includes(v.expectedHolder) ? [v.expectedHolder] : [];
    const hosts = [...new Set([...first, ...members, ...v.holders])];
    const holders = [...v.holders].sort();
    const prev = old.get(vipKey(v));
    const samples = prev ? [...prev.samples] : [];
    if (!samples.length || !sameHolders(samples[samples.length - 1]!.holders, holders)) samples.push({ t: nowMs, holders });
    // The last sample before the window's start stands for the state at the start.
    let cut = 0;
    while (cut + 1 < samples.length && samples[cut + 1]!.t <= start) cut++;
    const kept = samples.slice(cut);
    if (kept[0]!.t < start) kept[0] = { ...kept[0]!, t: start };
    const known = new Set(prev?.hosts ?? []);
    const probes = (prev?.probes ?? []).filter((p) => p.t >= start);
    const lastProbe = prev?.probes[prev.probes.length - 1];
    if (v.probe && (!v.probe.ok || (lastProbe !== undefined && !lastProbe.ok))) probes.push({ t: nowMs, ...v.probe });
    return { cluster: v.cluster, instance: v.instance, vip: v.vip, hosts: [...hosts, ...[...known].filter((x) => !hosts.includes(x))], samples: kept, probes };
  });
  const seen = new Map<string, Transition>();
  for (const t of [...s.transitions, ...h.transitions]) if (!seen.has(transitionKey(t))) seen.set(transitionKey(t), t);
  const transitions = [...seen.values()]
    .filter((t) => !(Date.parse(t.at) < start))
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return { since: Number.isNaN(h.since) ? nowMs : h.since, vips, transitions };
}
