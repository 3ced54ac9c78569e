import { faultSpec } from './faults/index.js';
import type { DrillOutcome } from './types.js';

function secs(ms: number): string {
  return `${ms >= 0 ? '+' : '-'}${(Math.abs(ms) / 1000).toFixed(3)} s`;
}

function msText(ms: number | null): string {
  return ms === null ? 'never' : `${Math.round(ms)} ms`;
}

/** The terminal view of one fault run: timeline, then the figures, then the verdict. */
export function formatOutcome(o: DrillOutcome): string {
  const r = o.record;
  const m = o.measures;
  const lines = [`drill ${r.fault} on ${r.target} (cluster ${r.cluster}, ${r.instance}, VIP ${r.vip}, master ${r.master})`];
  for (const e of o.timeline) lines.push(`  ${secs(e.sinceFaultMs).padStart(10)}  ${e.what}`);
  const spec = faultSpec(r.fault);
  if (spec.expect === 'failover') {
    const bound = m.bound ? ` (bound ${m.bound.formula}; ${m.overBoundMs! >= 0 ? '+' : ''}${m.overBoundMs ?? '?'} ms)` : '';
    const since = m.sinceLastAdvertMs !== null ? `, ${msText(m.sinceLastAdvertMs)} after ${r.master}'s ${spec.protocolClock === 'priority-zero' ? 'priority-0' : 'last'} advert` : '';
    lines.push(`  failover: ${msText(m.failoverMs)} after the fault to ${m.newHolder ?? 'nobody'}${since}${m.failoverMs !== null ? bound : ''}`);
    lines.push(`  old master released: ${msText(m.releasedMs)}${m.releasedMs !== null && !m.releasedBeforeRestore ? ' (only by the restore)' : ''}`);
    lines.push(`  after restore: ${m.returned} (expected ${m.expectedReturn}, ${r.config.preempt ? 'preempt' : 'nopreempt'}), settled in ${msText(m.recoveryMs)}`);
  } else {
    const drain = m.drainMs ? `the last request ${r.target} served came ${msText(m.drainMs)} after the fault` : `no request reached ${r.target} after the fault`;
    lines.push(`  VIP ${m.failoverMs === null ? `stayed on ${r.master}` : `MOVED to ${m.newHolder}`}; ${drain}`);
    lines.push(`  recovery: ${msText(m.recoveryMs)}`);
  }
  lines.push(`  gratuitous ARPs seen: ${m.garpSeen}`);
  const q = m.requests;
  lines.push(`  requests: ${q.sent} sent, ${q.failed} failed, ${q.failedAfterRetry} failed after one retry, longest gap ${q.longestGapMs} ms`);
  lines.push(o.ok ? '  PASS' : `  FAIL: ${o.problems.join('; ')}`);
  return lines.join('\n') + '\n';
}
