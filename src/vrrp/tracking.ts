/**
 * Tracking, pure: fall/rise counting of script results, process matching and quorum with its
 * delays, track_file values, and what all of them mean for an instance — a priority weight, or a
 * fault (keepalived's semantics: weight 0 = a failure puts the instance in FAULT; positive =
 * added while up; negative = subtracted while down; `reverse` swaps up and down).
 */
import type { TrackProcessConf } from '../keepalived-conf/config-types.js';

export interface TrackerState {
  up: boolean;
  /** Consecutive results against the current state. */
  streak: number;
}

/** keepalived starts scripts as passing unless init_fail is set. */
export function initialTracker(): TrackerState {
  return { up: true, streak: 0 };
}

/** One result: `fall` failures in a row take it down, `rise` successes bring it up. */
export function observe(t: TrackerState, ok: boolean, fall: number, rise: number): TrackerState {
  if (ok === t.up) return { up: t.up, streak: 0 };
  const streak = t.streak + 1;
  if (streak >= (ok ? rise : fall)) return { up: ok, streak: 0 };
  return { up: t.up, streak };
}

export interface TrackInput {
  /** `script chk_nginx`, `interface eth1`: used as the fault cause. */
  name: string;
  up: boolean;
  weight: number;
  reverse?: boolean;
}

export interface TrackEffect {
  weight: number;
  faults: string[];
}

export function trackEffect(inputs: readonly TrackInput[]): TrackEffect {
  let weight = 0;
  const faults: string[] = [];
  for (const i of inputs) {
    const up = i.reverse ? !i.up : i.up;
    if (i.weight === 0) {
      // keepalived: `weight 0 reverse` is down while the tracked thing is up.
      if (!up) faults.push(i.name);
    } else if (i.weight > 0 && up) weight += i.weight;
    else if (i.weight < 0 && !up) weight += i.weight;
  }
  return { weight, faults };
}

/** A process as /proc shows it: its comm (`/proc/PID/stat`) and, when needed, its argv. */
export interface ProcEntry {
  comm: string;
  argv?: readonly string[];
}

/**
 * keepalived's match: the name against comm, exactly (not a regular expression: `ssh` is not
 * `sshd`); with full_command against argv[0]; parameters exact, `partial` (the first n equal) or
 * `initial` (the last one may be longer).
 */
export function processMatches(p: TrackProcessConf, e: ProcEntry): boolean {
  if (!p.fullCommand) return e.comm === p.process;
  const argv = e.argv;
  if (!argv || argv[0] !== p.process) return false;
  if (p.paramMatch === 'none') return true;
  const got = argv.slice(1);
  const want = p.params;
  if (p.paramMatch === 'exact') return got.length === want.length && want.every((w, i) => got[i] === w);
  if (got.length < want.length) return false;
  if (p.paramMatch === 'partial' || want.length === 0) return want.every((w, i) => got[i] === w);
  return want.slice(0, -1).every((w, i) => got[i] === w) && got[want.length - 1]!.startsWith(want.at(-1)!);
}

export interface QuorumState {
  up: boolean;
  /** A change waiting out fork_delay / terminate_delay. */
  pending?: { to: boolean; since: number };
}

/** The state at start: no delay, the count decides. */
export function initialQuorum(p: TrackProcessConf, count: number): QuorumState {
  return { up: count >= p.quorum && count <= p.quorumMax };
}

/** A new count at `nowMs`: the state changes once the other side has held for its delay. */
export function observeQuorum(s: QuorumState, p: TrackProcessConf, count: number, nowMs: number): QuorumState {
  const want = count >= p.quorum && count <= p.quorumMax;
  if (want === s.up) return { up: s.up };
  const delayMs = (want ? p.forkDelaySec : p.terminateDelaySec) * 1000;
  const since = s.pending?.to === want ? s.pending.since : nowMs;
  if (nowMs - since >= delayMs) return { up: want };
  return { up: s.up, pending: { to: want, since } };
}

/** The number a track_file holds: leading whitespace, an optional sign, digits; anything else is 0. */
export function parseTrackFileValue(text: string): { value: number; ok: boolean } {
  const m = /^\s*([-+]?\d+)/.exec(text);
  return m ? { value: Number(m[1]), ok: true } : { value: 0, ok: false };
}

/**
 * A track_file value as a tracking input. Weight 0: a non-zero value is a failure (FAULT).
 * Otherwise value × weight (negated by reverse) is added to the priority, and a result below
 * −253 is a FAULT.
 */
export function fileTrackInput(name: string, value: number, weight: number, reverse: boolean): TrackInput {
  if (weight === 0) return { name, up: value === 0, weight: 0 };
  const v = value * weight * (reverse ? -1 : 1);
  if (v < -253) return { name, up: false, weight: 0 };
  return v >= 0 ? { name, up: true, weight: v } : { name, up: false, weight: v };
}
