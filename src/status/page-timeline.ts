import { chartSvg, type DrillOutcome, type DrillRecord, type FaultKind } from '../drill/index.js';
import type { VipHistory } from './serve-history.js';

/**
 * The VIP-ownership timeline of the page, drawn by the drill report's own chart (one lane per
 * director, a bar while it holds the VIP): the history becomes the ownership samples of a
 * DrillRecord with no fault and no adverts (its requests are the status probes that failed and
 * the answers after them), so both pictures read the same.
 */

/** Past two minutes the chart counts minutes: its axis is drawn in drill seconds, one per minute. */
export function timelineUnit(fromMs: number, nowMs: number): { unit: 'seconds' | 'minutes'; msPerUnit: number } {
  return nowMs - fromMs > 120_000 ? { unit: 'minutes', msPerUnit: 60_000 } : { unit: 'seconds', msPerUnit: 1000 };
}

export function ownershipSvg(v: VipHistory, fromMs: number, nowMs: number): string {
  // chartSvg ticks every second, or every 5 s past 40 s of record: an hour in seconds would be
  // 720 ticks. Scaled so a drill second stands for one unit, an hour is 60 minutes, 12 ticks.
  const { msPerUnit } = timelineUnit(fromMs, nowMs);
  const at = (t: number) => fromMs + ((Math.max(t, fromMs) - fromMs) * 1000) / msPerUnit;
  const [lead, ...rest] = v.hosts;
  const ownership = v.samples.flatMap((s) => v.hosts.map((host) => ({ t: at(s.t), host, holds: s.holders.includes(host) })));
  const record: DrillRecord = {
    // The chart names its subject in its aria-label only ("during …"); there is no fault here.
    fault: 'VIP ownership' as FaultKind,
    cluster: v.cluster,
    instance: v.instance,
    vip: v.vip,
    master: lead ?? '(none)',
    backups: rest,
    target: lead ?? '(none)',
    config: { version: 2, advertIntSec: 1, preempt: true, preemptDelaySec: 0, masterPriority: 0, backupPriority: 0 },
    // start and end are not drawn: they only fix the chart's time axis to the window.
    marks: [{ t: at(fromMs), kind: 'start', note: 'window start' }, { t: at(nowMs), kind: 'end', note: 'now' }],
    ownership,
    // Failed probes red, the first answer after them green (the drill's request lane).
    requests: v.probes.filter((p) => p.t >= fromMs).map((p) => ({ t: at(p.t), ok: p.ok, okAfterRetry: false, ms: p.ms ?? 0, ...(p.status !== undefined ? { status: p.status } : {}), ...(p.error !== undefined ? { error: p.error } : {}) })),
    garps: [],
    adverts: [],
    masterAddress: '',
    gaps: [],
  };
  // chartSvg reads the record only; the measures of a drill (bound, verdict) mean nothing here.
  return chartSvg({ record } as DrillOutcome);
}
