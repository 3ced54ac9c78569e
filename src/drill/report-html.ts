import { markAt } from './measures.js';
import type { DrillOutcome } from './types.js';

/**
 * A self-contained HTML report: inline CSS and SVG, no scripts, no external assets, so it can be
 * mailed or attached to a ticket. One section per fault: a chart of VIP ownership per director
 * and request success over time, the figures, and the timeline.
 */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const W = 880;
const LABEL = 90;
const LANE = 26;

export function chartSvg(o: DrillOutcome): string {
  const r = o.record;
  const hosts = [r.master, ...r.backups];
  const times = [...r.marks.map((m) => m.t), ...r.ownership.map((s) => s.t), ...r.requests.map((q) => q.t)];
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1);
  const x = (t: number) => LABEL + ((t - t0) / (t1 - t0)) * (W - LABEL - 10);
  const height = (hosts.length + 1) * LANE + 44;
  const parts: string[] = [];
  hosts.forEach((h, i) => {
    const y = 10 + i * LANE;
    parts.push(`<text x="4" y="${y + 16}" class="l">${escapeHtml(h)}</text><rect x="${LABEL}" y="${y + 4}" width="${W - LABEL - 10}" height="${LANE - 8}" class="bg"/>`);
    const own = r.ownership.filter((s) => s.host === h).sort((a, b) => a.t - b.t);
    own.forEach((s, k) => {
      if (!s.holds) return;
      const until = own[k + 1]?.t ?? t1;
      parts.push(`<rect x="${x(s.t).toFixed(1)}" y="${y + 4}" width="${Math.max(1, x(until) - x(s.t)).toFixed(1)}" height="${LANE - 8}" class="vip"><title>${escapeHtml(h)} holds ${escapeHtml(r.vip)}</title></rect>`);
    });
  });
  const ry = 10 + hosts.length * LANE;
  parts.push(`<text x="4" y="${ry + 16}" class="l">requests</text>`);
  for (const q of r.requests) {
    const cls = q.ok ? 'ok' : q.okAfterRetry ? 'retry' : 'fail';
    parts.push(`<rect x="${x(q.t).toFixed(1)}" y="${ry + 4}" width="2" height="${LANE - 8}" class="${cls}"/>`);
  }
  const fault = markAt(r, 'fault') ?? t0;
  // A tick per second (per 5 s on long runs), counted from the fault.
  const step = t1 - t0 > 40_000 ? 5000 : 1000;
  for (let k = Math.ceil((t0 - fault) / step); fault + k * step <= t1; k++) {
    const tx = x(fault + k * step).toFixed(1);
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${ry + LANE}" y2="${ry + LANE + 4}" class="tick"/><text x="${tx}" y="${height - 4}" class="s" text-anchor="middle">${(k * step) / 1000}</text>`);
  }
  for (const m of r.marks) {
    if (m.kind !== 'fault' && m.kind !== 'restore') continue;
    parts.push(`<line x1="${x(m.t).toFixed(1)}" x2="${x(m.t).toFixed(1)}" y1="4" y2="${ry + LANE}" class="mark"><title>${escapeHtml(m.note)}</title></line>`);
    parts.push(`<text x="${(x(m.t) + 3).toFixed(1)}" y="${ry + LANE + 14}" class="s">${escapeHtml(m.kind)}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="VIP ownership and requests during ${escapeHtml(r.fault)}">${parts.join('')}</svg>`;
}

function figures(o: DrillOutcome): string {
  const m = o.measures;
  const rows: [string, string][] = [
    ['failover', m.failoverMs === null ? '—' : `${Math.round(m.failoverMs)} ms to ${m.newHolder}`],
    ['since the master\'s last advert', m.sinceLastAdvertMs === null ? '— (no advert captured)' : `${Math.round(m.sinceLastAdvertMs)} ms`],
    ['protocol bound', m.bound ? `${m.bound.formula}` : '—'],
    ['over bound', m.overBoundMs === null ? '—' : `${m.overBoundMs} ms`],
    ['old master released', m.releasedMs === null ? 'never' : `${Math.round(m.releasedMs)} ms${m.releasedBeforeRestore ? '' : ' (by the restore)'}`],
    ['after restore', `${m.returned} (expected ${m.expectedReturn})`],
    ['recovery', m.recoveryMs === null ? '—' : `${Math.round(m.recoveryMs)} ms`],
    ['gratuitous ARPs', String(m.garpSeen)],
    ['requests', `${m.requests.sent} sent, ${m.requests.failed} failed, ${m.requests.failedAfterRetry} failed after retry, longest gap ${m.requests.longestGapMs} ms`],
  ];
  return `<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

export function reportHtml(outcomes: readonly DrillOutcome[], title = 'hafleet drill'): string {
  const sections = outcomes.map((o) => {
    const r = o.record;
    const verdict = o.ok ? '<p class="pass">PASS</p>' : `<p class="failv">FAIL: ${escapeHtml(o.problems.join('; '))}</p>`;
    const tl = o.timeline.map((e) => `<tr><td>${(e.sinceFaultMs / 1000).toFixed(3)} s</td><td>${escapeHtml(e.what)}</td></tr>`).join('');
    return `<section><h2>${escapeHtml(r.fault)} on ${escapeHtml(r.target)}</h2><p>cluster ${escapeHtml(r.cluster)}, ${escapeHtml(r.instance)}, VIP ${escapeHtml(r.vip)}, master ${escapeHtml(r.master)}</p>${verdict}${chartSvg(o)}${figures(o)}<details><summary>timeline</summary><table>${tl}</table></details></section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}svg{display:block;margin:1em 0}
.l{font-size:12px}.s{font-size:10px;fill:#555}.bg{fill:#eee}.vip{fill:#2b7bb9}.ok{fill:#3a3}.retry{fill:#e90}.fail{fill:#d22}
.mark{stroke:#000;stroke-dasharray:3 2}.tick{stroke:#888}table{border-collapse:collapse}th,td{text-align:left;padding:2px 10px;border-bottom:1px solid #ddd}
.pass{color:#3a3;font-weight:bold}.failv{color:#d22;font-weight:bold}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>VIP ownership per director (blue) and requests through the VIP (green: answered, orange: answered on retry, red: failed); seconds from the fault.</p>
${sections.join('\n')}
</body></html>
`;
}
