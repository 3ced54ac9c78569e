import { markAt } from './measures.js';
import type { DrillMeasures, DrillOutcome, DrillRecord, TimelineEvent } from './types.js';
import { problems, measure } from './measures.js';

/** Pure: marks, VIP moves, gratuitous ARPs and request outages in time order. */
export function timeline(r: DrillRecord): TimelineEvent[] {
  const fault = markAt(r, 'fault') ?? 0;
  const ev: { t: number; what: string }[] = [];
  for (const m of r.marks) ev.push({ t: m.t, what: m.note });
  const last = new Map<string, boolean>();
  for (const s of [...r.ownership].sort((a, b) => a.t - b.t)) {
    const before = last.get(s.host);
    last.set(s.host, s.holds);
    if (before === s.holds) continue;
    if (before === undefined) ev.push({ t: s.t, what: `${s.host} ${s.holds ? 'holds' : 'does not hold'} ${r.vip}` });
    else ev.push({ t: s.t, what: s.holds ? `${s.host} took ${r.vip}` : `${s.host} released ${r.vip}` });
  }
  let lastGarpHost: string | undefined | null = null;
  for (const g of [...r.garps].sort((a, b) => a.t - b.t)) {
    if (g.t < fault || g.host === lastGarpHost) continue;
    lastGarpHost = g.host;
    ev.push({ t: g.t, what: `gratuitous ARP for ${r.vip} from ${g.host ?? g.mac}` });
  }
  let failing: number | null = null;
  for (const q of [...r.requests].sort((a, b) => a.t - b.t)) {
    if (!q.ok && failing === null) {
      failing = q.t;
      ev.push({ t: q.t, what: `requests fail (${q.error ?? `status ${q.status}`})${q.okAfterRetry ? ', a retry answers' : ''}` });
    } else if (q.ok && failing !== null) {
      ev.push({ t: q.t, what: `requests answer again after ${Math.round(q.t - failing)} ms` });
      failing = null;
    }
  }
  return ev.sort((a, b) => a.t - b.t).map((e) => ({ ...e, sinceFaultMs: Math.round(e.t - fault) }));
}

/** Pure: record → measures, timeline and verdict. */
export function outcome(r: DrillRecord): DrillOutcome {
  const m: DrillMeasures = measure(r);
  const p = problems(r, m);
  return { record: r, measures: m, timeline: timeline(r), problems: p, ok: p.length === 0 };
}
