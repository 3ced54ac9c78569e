import { createHash } from 'node:crypto';
import { escapeHtml } from '../drill/index.js';
import { ownershipSvg, timelineUnit } from './page-timeline.js';
import type { StatusHistory } from './serve-history.js';
import type { ClusterStatus, InstanceStatus, MemberStatus, StatusSnapshot, Transition, VipStatus } from './types.js';

/**
 * The `status --serve` page: one HTML document, inline CSS and script, nothing fetched from
 * elsewhere. The server renders the view (every host-provided string through escapeHtml); the
 * script only swaps in the fragment each `/events` message carries, so there is one renderer,
 * tested here, and the browser never builds markup from host text.
 */

const e = (v: unknown) => escapeHtml(String(v));
const shortTime = (iso: string) => e(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));

const STYLE = `body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:20px;margin:0}
header p{margin:.3em 0 1em;color:#555}.ok{color:#2a7d2a}.bad{color:#c62020;font-weight:bold}.warn{color:#b36b00}
section.cluster{border:1px solid #ccc;border-radius:6px;padding:.5em 1em;margin:0 0 1em}
h2{font-size:16px;margin:.4em 0}h3{font-size:14px;margin:.6em 0 .2em}.vipline{margin:.2em 0 .4em}
table{border-collapse:collapse;margin:.2em 0}th,td{text-align:left;padding:2px 10px;border-bottom:1px solid #ddd;vertical-align:top}
svg{display:block;margin:.3em 0 1em}.l{font-size:12px}.s{font-size:10px;fill:#555}.bg{fill:#eee}
rect.vip{fill:#2b7bb9}.mark{stroke:#000;stroke-dasharray:3 2}.tick{stroke:#888}.muted{color:#777}`;

const SCRIPT = `(function(){
var view=document.getElementById('view'),at=document.getElementById('at'),conn=document.getElementById('conn');
var tok=new URLSearchParams(location.search).get('token');
var url='events'+(tok?'?token='+encodeURIComponent(tok):'');
var es=null;
function state(t,c){conn.textContent=t;conn.className=c;}
function open(){
es=new EventSource(url);
es.addEventListener('snapshot',function(m){var d=JSON.parse(m.data);view.innerHTML=d.html;at.textContent=d.at;state('live','ok');});
es.addEventListener('tick',function(m){at.textContent=JSON.parse(m.data).at;state('live','ok');});
es.onopen=function(){state('live','ok');};
es.onerror=function(){state('reconnecting…','bad');if(es.readyState===2){es.close();setTimeout(open,3000);}};
}
open();
if(tok){var a=document.querySelectorAll('a.keep');for(var i=0;i<a.length;i++)a[i].href+='?token='+encodeURIComponent(tok);}
})();`;

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** The page's Content-Security-Policy: its own inline script and style by hash, and nothing else. */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A host key that changed is refused, never accepted: the page says so apart from a host that is down. */
function failureWord(f: MemberStatus['failure']): string {
  return f === 'refused' ? 'refused (host key)' : f === 'auth' ? 'login refused' : f === 'failed' ? 'read failed' : 'unreachable';
}

function stateClass(st: MemberStatus['state']): string {
  return st === 'MASTER' ? 'ok' : st === 'BACKUP' ? '' : st === 'FAULT' || st === 'UNKNOWN' ? 'bad' : 'warn';
}

function memberRow(m: MemberStatus, v: readonly VipStatus[]): string {
  const holds = v.some((x) => x.holders.includes(m.host));
  const prio = m.basePriority === undefined && m.effectivePriority === undefined ? '—'
    : `${m.effectivePriority ?? m.basePriority}${m.basePriority !== undefined && m.effectivePriority !== undefined && m.basePriority !== m.effectivePriority ? ` (base ${m.basePriority})` : ''}`;
  const tracks = m.tracks.length ? m.tracks.map((t) => `<span class="${t.ok ? 'ok' : 'bad'}" data-track="${e(t.kind)} ${e(t.name)}">${e(t.kind)} ${e(t.name)}${t.value !== undefined ? ` = ${e(t.value)}` : ''} ${t.ok ? 'ok' : 'FAIL'}${t.weight !== undefined ? ` (weight ${e(t.weight)})` : ''}</span>`).join('<br>') : '<span class="muted">—</span>';
  const maint = m.maintenance ? `<span class="warn">maintenance${m.maintenance.by ? ` by ${e(m.maintenance.by)}` : ''}${m.maintenance.since ? ` since ${shortTime(m.maintenance.since)}` : ''}${m.maintenance.reason ? `: ${e(m.maintenance.reason)}` : ''}</span>` : '';
  const last = m.lastTransition ? `${shortTime(m.lastTransition.at)} ${e(m.lastTransition.from ?? '?')}→${e(m.lastTransition.to)}${m.lastTransition.reason ? `: ${e(m.lastTransition.reason)}` : ''}` : '<span class="muted">—</span>';
  const state = m.reachable ? `<span class="${stateClass(m.state)}">${e(m.state)}</span>` : `<span class="bad">${failureWord(m.failure)}</span>${m.error ? ` <span class="muted">${e(m.error)}</span>` : ''}`;
  return `<tr data-host="${e(m.host)}" data-state="${e(m.state)}"><td>${e(m.host)}${holds ? ' <b>(holder)</b>' : ''}</td><td>${state}</td><td>${e(prio)}</td><td>${tracks}</td><td>${maint}</td><td>${last}</td><td>${m.speaker ? e(m.speaker) : '<span class="muted">none</span>'}</td></tr>`;
}

function vipLine(v: VipStatus): string {
  const who = v.holders.length === 0 ? '<span class="bad">nobody holds it</span>'
    : v.holders.length > 1 ? `<span class="bad">SPLIT BRAIN: ${v.holders.map(e).join(', ')}</span>`
      : `held by <b>${e(v.holder ?? v.holders[0])}</b>`;
  const expected = v.expectedHolder !== undefined && v.holders.length === 1 && v.holder !== v.expectedHolder ? ` <span class="warn">(expected ${e(v.expectedHolder)})</span>` : '';
  const probe = !v.probe ? '' : v.probe.ok ? ` · probe <span class="ok">${v.probe.ms !== undefined ? `${e(Math.round(v.probe.ms))} ms` : 'ok'}</span>${v.probe.status !== undefined ? ` (HTTP ${e(v.probe.status)})` : ''}`
    : ` · probe <span class="bad">failed${v.probe.error ? `: ${e(v.probe.error)}` : v.probe.status !== undefined ? `: HTTP ${e(v.probe.status)}` : ''}</span>`;
  return `<div class="vipline" data-vip="${e(v.vip)}" data-holder="${e(v.holder ?? '')}" data-holders="${e(v.holders.join(' '))}">VIP <b>${e(v.vip)}</b> ${who}${expected}${probe}</div>`;
}

function instanceBlock(i: InstanceStatus): string {
  const rows = i.members.map((m) => memberRow(m, i.vips)).join('');
  return `<div class="instance" data-instance="${e(i.instance)}"><h3>${e(i.instance)} <span class="muted">VRID ${e(i.vrid)}</span></h3>${i.vips.map(vipLine).join('')}`
    + `<table><tr><th>director</th><th>state</th><th>priority</th><th>tracks</th><th>maintenance</th><th>last transition</th><th>speaker</th></tr>${rows}</table></div>`;
}

function clusterBlock(c: ClusterStatus): string {
  const sb = c.splitBrain ? ' <span class="bad">SPLIT BRAIN</span>' : '';
  const up = `<span class="${c.membersUp < c.members ? 'bad' : 'ok'}">${e(c.membersUp)}/${e(c.members)} up</span>`;
  return `<section class="cluster" data-cluster="${e(c.name)}" data-split-brain="${c.splitBrain ? 1 : 0}"><h2>cluster ${e(c.name)}${sb} · ${up}</h2>${c.instances.map(instanceBlock).join('')}</section>`;
}

function fleetLine(s: StatusSnapshot): string {
  const deploy = s.lastDeploy ? `last deploy ${shortTime(s.lastDeploy.at)}${s.lastDeploy.by ? ` by ${e(s.lastDeploy.by)}` : ''}: <span class="${s.lastDeploy.ok ? 'ok' : 'bad'}">${s.lastDeploy.ok ? 'ok' : 'FAILED'}</span>` : 'no deploy recorded';
  const drifted = s.drift.filter((d) => d.paths.length > 0);
  const drift = drifted.length ? drifted.map((d) => `<li><span class="warn">drift</span> on ${e(d.host)}: ${d.paths.map(e).join(', ')}</li>`).join('') : '';
  const unreachable = s.unreachable.map((u) => `<li data-unreachable="${e(u.host)}" data-failure="${e(u.failure ?? 'unreachable')}"><span class="bad">${failureWord(u.failure)}</span> ${e(u.host)}: ${e(u.error)}</li>`).join('');
  return `<p>${deploy}${drifted.length ? '' : ' · <span class="ok">no drift</span>'}</p>${drift || unreachable ? `<ul>${unreachable}${drift}</ul>` : ''}`;
}

function transitionRow(t: Transition): string {
  return `<tr><td>${shortTime(t.at)}</td><td>${e(t.host)}</td><td>${e(t.instance)}</td><td>${e(t.from ?? '?')} → ${e(t.to)}</td><td>${t.reason ? `${e(t.reason)}${t.reasonFrom === 'observed' ? ' <span class="muted" title="no speaker logged a cause: what hafleet status saw around the change">(seen)</span>' : ''}` : '<span class="muted">(no reason logged)</span>'}</td></tr>`;
}

/** The live part of the page (what each /events message replaces). Pure. */
export function viewHtml(s: StatusSnapshot | undefined, h: StatusHistory, nowMs: number): string {
  if (!s) return '<p class="muted">waiting for the first round over SSH…</p>';
  const from = Number.isNaN(h.since) ? nowMs : Math.max(h.since, nowMs - 60 * 60 * 1000);
  const charts = h.vips.map((v) => `<h3>${e(v.cluster)} / ${e(v.instance)} / ${e(v.vip)}</h3>${ownershipSvg(v, from, nowMs)}`).join('');
  const transitions = h.transitions.length
    ? `<table><tr><th>time</th><th>director</th><th>instance</th><th>change</th><th>reason</th></tr>${h.transitions.map(transitionRow).join('')}</table>`
    : '<p class="muted">no transition in this window</p>';
  return `${fleetLine(s)}${s.clusters.map(clusterBlock).join('')}`
    + `<section><h2>VIP ownership since ${shortTime(new Date(from).toISOString())}</h2><p class="muted">one lane per director, blue while it holds the VIP; requests: failed probes through the VIP red, the first answer after them green; ${timelineUnit(from, nowMs).unit} from the left edge; the last hour at most</p>${charts}</section>`
    + `<section><h2>Transitions</h2>${transitions}</section>`;
}

/** The whole document, with the view as of now (the script keeps it current). Pure. */
export function pageHtml(s: StatusSnapshot | undefined, h: StatusHistory, nowMs: number, title = 'hafleet status'): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width">
<title>${e(title)}</title><style>${STYLE}</style></head>
<body><header><h1>${e(title)}</h1><p>snapshot <span id="at">${s ? shortTime(s.at) : '—'}</span> · <span id="conn" class="warn">connecting…</span> · <a class="keep" href="status.json">status.json</a> · <a class="keep" href="metrics">metrics</a></p></header>
<main id="view">${viewHtml(s, h, nowMs)}</main>
<script>${SCRIPT}</script>
</body></html>
`;
}
