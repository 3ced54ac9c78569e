/**
 * Tracking, pure: fall/rise counting of script results, and what the tracked scripts and
 * interfaces mean for an instance — a priority weight, or a fault (keepalived's semantics:
 * weight 0 = a failure puts the instance in FAULT; positive = added while up; negative =
 * subtracted while down; `reverse` swaps up and down).
 */

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
      if (!i.up) faults.push(i.name);
    } else if (i.weight > 0 && up) weight += i.weight;
    else if (i.weight < 0 && !up) weight += i.weight;
  }
  return { weight, faults };
}
