import { chartSvg, type DrillOutcome, type DrillRecord, type FaultKind } from '../drill/index.js';
import type { VipHistory } from './serve-history.js';

/**
 * The VIP-ownership timeline of the page, drawn by the drill report's own chart (one lane per
 * director, a bar while it holds the VIP): the history becomes the ownership samples of a
 * DrillRecord with no fault and no adverts (its requests are the status probes that failed and
 * the answers after them), so both pictures read the same.
 */
export function ownershipSvg(v: VipHistory, fromMs: number, nowMs: number): string {
  const [lead, ...rest] = v.hosts;
  const ownership = v.samples.flatMap((s) => v.hosts.map((host) => ({ t: Math.max(s.t, fromMs), host, holds: s.holders.includes(host) })));
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
    marks: [{ t: fromMs, kind: 'start', note: 'window start' }, { t: nowMs, kind: 'end', note: 'now' }],
    ownership,
    // Failed probes red, the first answer after them green (the drill's request lane).
    requests: v.probes.filter((p) => p.t >= fromMs).map((p) => ({ t: p.t, ok: p.ok, okAfterRetry: false, ms: p.ms ?? 0, ...(p.status !== undefined ? { status: p.status } : {}), ...(p.error !== undefined ? { error: p.error } : {}) })),
    garps: [],
    adverts: [],
    masterAddress: '',
    gaps: [],
  };
  // chartSvg reads the record only; the measures of a drill (bound, verdict) mean nothing here.
  return chartSvg({ record } as DrillOutcome);
}
