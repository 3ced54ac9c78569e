import { faultMovesVip, faultSpec, protocolBound } from './faults/index.js';
import type { DrillMeasures, DrillRecord, Mark, MarkKind, OwnershipSample, RequestSample, RequestStats, ReturnBehaviour } from './types.js';

export function markAt(r: DrillRecord, kind: MarkKind): number | null {
  return r.marks.find((m: Mark) => m.kind === kind)?.t ?? null;
}

/** Who holds the VIP at time t, by each host's last sample at or before t. */
export function holdersAt(samples: readonly OwnershipSample[], t: number): string[] {
  const last = new Map<string, boolean>();
  for (const s of [...samples].sort((a, b) => a.t - b.t)) if (s.t <= t) last.set(s.host, s.holds);
  return [...last].filter(([, h]) => h).map(([host]) => host).sort();
}

export function requestStats(reqs: readonly RequestSample[]): RequestStats {
  const sorted = [...reqs].sort((a, b) => a.t - b.t);
  let longestGapMs = 0;
  let lastOk: number | null = null;
  for (const r of sorted) {
    if (!r.ok) continue;
    if (lastOk !== null) longestGapMs = Math.max(longestGapMs, r.t - lastOk);
    lastOk = r.t;
  }
  return {
    sent: sorted.length,
    failed: sorted.filter((r) => !r.ok).length,
    failedAfterRetry: sorted.filter((r) => !r.ok && !r.okAfterRetry).length,
    longestGapMs: Math.round(longestGapMs),
  };
}

function firstAfter(samples: readonly OwnershipSample[], t: number, pred: (s: OwnershipSample) => boolean): OwnershipSample | null {
  return [...samples].sort((a, b) => a.t - b.t).find((s) => s.t >= t && pred(s)) ?? null;
}

function returnBehaviour(r: DrillRecord, end: number, newHolder: string | null): ReturnBehaviour {
  if (!faultMovesVip(r.fault)) return 'none';
  const final = holdersAt(r.ownership, end);
  if (final.length === 1 && final[0] === r.master) return 'moved-back';
  if (final.length === 1 && final[0] === newHolder) return 'stayed';
  return 'elsewhere';
}

const ms = (x: number) => Math.round(x * 10) / 10;

/**
 * Where the protocol's clock starts: a graceful stop's priority-0 advert (RFC 5798 §6.4.2: the
 * backup waits Skew_Time from it), else the master's last advert before the fault (the backup's
 * Master_Down timer runs from there). Null when no advert was seen (unicast, no capture).
 */
export function protocolStart(r: DrillRecord, fault: number): number | null {
  // A track script's failure starts at the fault itself; the bound counts from there.
  const clock = faultSpec(r.fault).protocolClock;
  if (clock === 'fault') return null;
  const mine = r.adverts.filter((a) => a.src === r.masterAddress).sort((a, b) => a.t - b.t);
  if (clock === 'priority-zero') {
    const zero = mine.find((a) => a.priority === 0 && a.t >= fault - 100 && a.t <= fault + 3000);
    if (zero) return zero.t;
  }
  const before = mine.filter((a) => a.priority > 0 && a.t <= fault + 20 && a.t > fault - 5000);
  return before.length ? before[before.length - 1]!.t : null;
}

/** Pure: the figures a drill reports, from its raw record. */
export function measure(r: DrillRecord): DrillMeasures {
  const fault = markAt(r, 'fault') ?? 0;
  const restore = markAt(r, 'restore') ?? Infinity;
  const restoreDone = markAt(r, 'restore-done') ?? restore;
  const end = markAt(r, 'end') ?? Math.max(...r.ownership.map((s) => s.t), restoreDone);
  const takeover = firstAfter(r.ownership, fault, (s) => s.holds && r.backups.includes(s.host));
  const release = firstAfter(r.ownership, fault, (s) => !s.holds && s.host === r.master);
  const bound = protocolBound(r.fault, r.config);
  const failoverMs = takeover ? ms(takeover.t - fault) : null;
  const start = protocolStart(r, fault);
  const sinceLastAdvertMs = takeover && start !== null ? ms(takeover.t - start) : null;
  const sinceRestore = r.ownership.filter((s) => s.t >= restore).map((s) => s.t);
  const settled = Math.max(restoreDone, ...sinceRestore);
  const recoveryMs = Number.isFinite(restore) ? ms(settled - restore) : null;
  const drains = faultSpec(r.fault).expect === 'drain';
  const drained = drains
    ? r.requests.filter((q) => q.t >= fault && q.t < restore && q.servedBy === r.target).map((q) => q.t)
    : [];
  return {
    failoverMs,
    newHolder: takeover?.host ?? null,
    releasedMs: release ? ms(release.t - fault) : null,
    releasedBeforeRestore: release !== null && release.t < restore,
    bound,
    sinceLastAdvertMs,
    overBoundMs: failoverMs !== null && bound ? ms((sinceLastAdvertMs ?? failoverMs) - bound.ms) : null,
    recoveryMs,
    returned: returnBehaviour(r, end, takeover?.host ?? null),
    expectedReturn: r.config.preempt ? 'moved-back' : 'stayed',
    garpSeen: r.garps.filter((g) => g.t >= fault).length,
    requests: requestStats(r.requests),
    ...(drains ? { drainMs: drained.length ? ms(Math.max(...drained) - fault) : 0 } : {}),
  };
}

/** What went against expectation; empty when the drill passed. */
export function problems(r: DrillRecord, m: DrillMeasures): string[] {
  const out: string[] = [];
  const fault = markAt(r, 'fault') ?? 0;
  const restore = markAt(r, 'restore') ?? Infinity;
  if (faultMovesVip(r.fault)) {
    if (m.failoverMs === null) out.push(`the VIP did not move to ${r.backups.join(' or ')} after ${r.fault} on ${r.master}`);
    else if (!m.releasedBeforeRestore && faultSpec(r.fault).releaseBeforeRestore) out.push(`${r.master} kept the VIP until the restore: two holders`);
    if (m.returned !== m.expectedReturn && m.returned !== 'none') {
      out.push(`after restore the VIP ${m.returned === 'elsewhere' ? 'ended elsewhere' : m.returned}, expected it to have ${m.expectedReturn} (${r.config.preempt ? 'preempt' : 'nopreempt'})`);
    }
  } else {
    const moved = r.ownership.some((s) => s.t > fault && s.t < restore && s.holds && s.host !== r.master);
    if (moved) out.push(`the VIP moved although only realserver ${r.target} went down`);
    // Requests already in flight when the backend stopped may still name it; later ones must not.
    const late = r.requests.filter((q) => q.t > fault + 1000 && q.t < restore && q.servedBy === r.target);
    if (late.length) out.push(`${late.length} request(s) still reached ${r.target} more than 1 s after it went down`);
  }
  if (r.gaps.length) out.push(`no placement samples from ${r.gaps.join(', ')}`);
  return out;
}
