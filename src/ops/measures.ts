import { requestStats, type GarpSample, type OwnershipSample, type RequestSample, type RequestStats } from '../drill/index.js';

/** Everything one planned move saw, raw (times: epoch ms; host stamps from the hosts' clocks). */
export interface MoveRecord {
  instance: string;
  vip: string;
  from: string;
  to: string;
  advertIntSec: number;
  /** When the holder's move file said −254 (host stamp). */
  releaseAt: number;
  ownership: OwnershipSample[];
  requests: RequestSample[];
  garps: GarpSample[];
  /** Monitors that could not be read back. */
  gaps: string[];
}

export interface MoveMeasures {
  /** Release → the target holds the VIP. */
  moveMs: number | null;
  /** Release → the old holder no longer holds it. */
  releasedMs: number | null;
  /** Longest time two directors held the VIP at once (0: never). */
  twoHoldersMs: number;
  /** The issue's goal: advert_int + 100 ms. */
  goalMs: number;
  garpSeen: number;
  requests: RequestStats;
  /** The slowest answered request: one whose SYN fell into the hand-over gap waits for TCP's retransmission (~1 s). */
  slowestMs: number;
}

/**
 * The observers' client waits this long per request. Between the holder's priority 0 and the
 * target's gratuitous ARP there are ~10 ms in which nobody holds the VIP; a SYN sent then is
 * lost and TCP sends it again after its initial RTO (1 s). A browser or curl waits for that; the
 * drill's 1 s client would count it as failed. The slowest request is reported beside.
 */
export const MOVE_CLIENT_TIMEOUT_MS = 3000;

const r1 = (x: number) => Math.round(x * 10) / 10;

/** Longest stretch with more than one holder, from every host's samples (pure). */
export function longestOverlapMs(samples: readonly OwnershipSample[]): number {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const held = new Map<string, boolean>();
  let since: number | null = null;
  let longest = 0;
  for (const s of sorted) {
    held.set(s.host, s.holds);
    const n = [...held.values()].filter(Boolean).length;
    if (n > 1 && since === null) since = s.t;
    else if (n <= 1 && since !== null) {
      longest = Math.max(longest, s.t - since);
      since = null;
    }
  }
  return r1(since === null ? longest : Math.max(longest, sorted[sorted.length - 1]!.t - since));
}

/** The figures of one move (pure). */
export function measureMove(r: MoveRecord): MoveMeasures {
  const after = [...r.ownership].sort((a, b) => a.t - b.t).filter((s) => s.t >= r.releaseAt - 1);
  const took = after.find((s) => s.host === r.to && s.holds);
  const left = after.find((s) => s.host === r.from && !s.holds);
  return {
    moveMs: took ? r1(took.t - r.releaseAt) : null,
    releasedMs: left ? r1(left.t - r.releaseAt) : null,
    twoHoldersMs: longestOverlapMs(r.ownership),
    goalMs: r.advertIntSec * 1000 + 100,
    garpSeen: r.garps.filter((g) => g.t >= r.releaseAt).length,
    requests: requestStats(r.requests),
    slowestMs: Math.max(0, ...r.requests.filter((q) => q.ok).map((q) => q.ms)),
  };
}

/** What went against a planned move's promise; empty when it kept it. */
export function moveProblems(r: MoveRecord, m: MoveMeasures): string[] {
  const out: string[] = [];
  if (m.moveMs === null) out.push(`${r.to} never held ${r.vip}`);
  if (m.releasedMs === null) out.push(`${r.from} did not let ${r.vip} go`);
  if (m.twoHoldersMs > 0) out.push(`two directors held ${r.vip} at once for ${m.twoHoldersMs} ms`);
  if (m.requests.failed > 0) {
    const first = [...r.requests].sort((a, b) => a.t - b.t).find((q) => !q.ok)!;
    const when = Math.round(first.t - r.releaseAt);
    out.push(`${m.requests.failed} of ${m.requests.sent} requests through ${r.vip} failed (the first sent ${Math.abs(when)} ms ${when < 0 ? 'before' : 'after'} the release: ${first.error ?? `HTTP ${first.status}`})`);
  }
  if (r.gaps.length) out.push(`no placement samples from ${r.gaps.join(', ')}`);
  return out;
}

/** Median of a list (null when empty). */
export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
