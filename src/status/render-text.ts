import { printable } from '../terminal/index.js';
import type { MemberStatus, StatusSnapshot, Transition, VipStatus } from './types.js';

/**
 * The terminal view of a snapshot, cluster → instance → VIP and members, as rows. A row has a
 * key (what it is about: a VIP, a member) so the watch can tell what changed since the last
 * frame, and a tone the painter turns into colour. Pure; host text goes through `printable`.
 */

export type Tone = 'plain' | 'good' | 'bad' | 'warn' | 'dim' | 'head';

export interface Row {
  key: string;
  text: string;
  tone: Tone;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
/** Host-provided text, one line, controls shown as escapes. */
const clean = (s: string) => printable(s.replace(/\s*\n\s*/g, ' '), { keepOwnColour: false });

/** `12:03:07` of an ISO time in UTC (the snapshot's header says UTC). */
function clock(iso: string): string {
  const m = /T(\d\d:\d\d:\d\d)/.exec(iso);
  return m ? m[1]! : iso;
}

function transitionText(t: Transition): string {
  return `${t.from ? `${t.from}→` : '→'}${t.to} ${clock(t.at)}${t.reason ? ` (${clean(t.reason)})` : ''}`;
}

function vipRow(v: VipStatus): Row {
  const who = v.holders.length === 0 ? 'NO HOLDER' : v.holders.length > 1 ? `SPLIT BRAIN: ${v.holders.join(' + ')}` : v.holder!;
  const expected = v.holder && v.expectedHolder && v.holder !== v.expectedHolder ? ` (expected ${v.expectedHolder})` : '';
  const probe = v.probe
    ? v.probe.ok ? `  probe ${v.probe.ms ?? '?'} ms${v.probe.status ? ` ${v.probe.status}` : ''}` : `  probe FAILED${v.probe.status ? ` ${v.probe.status}` : ''}${v.probe.error ? ` ${clean(v.probe.error)}` : ''}`
    : '';
  return {
    key: `vip ${v.cluster} ${v.instance} ${v.vip}`,
    text: `    VIP ${pad(v.vip, 15)} holder ${who}${expected}${probe}`,
    tone: v.holders.length === 1 ? (v.probe && !v.probe.ok ? 'warn' : 'good') : 'bad',
  };
}

function memberRow(cluster: string, instance: string, m: MemberStatus): Row {
  const key = `member ${cluster} ${instance} ${m.host}`;
  if (!m.reachable) {
    const word = m.failure === 'refused' ? 'REFUSED' : m.failure === 'auth' ? 'AUTH FAILED' : m.failure === 'failed' ? 'FAILED' : 'UNREACHABLE';
    return { key, text: `      ${pad(m.host, 10)} ${word}: ${clean(m.error ?? '')}`, tone: 'bad' };
  }
  const prio = m.effectivePriority !== undefined
    ? `prio ${m.effectivePriority}${m.basePriority !== undefined && m.basePriority !== m.effectivePriority ? ` (base ${m.basePriority} ${m.effectivePriority - m.basePriority >= 0 ? '+' : ''}${m.effectivePriority - m.basePriority})` : ''}`
    : `prio ${m.basePriority ?? '?'} (base)`;
  const maint = m.maintenance ? `  MAINTENANCE${m.maintenance.by ? ` by ${clean(m.maintenance.by)}` : ''}${m.maintenance.reason ? `: ${clean(m.maintenance.reason)}` : ''}` : '';
  const speaker = m.speaker ? '' : '  speaker not running';
  const last = m.lastTransition ? `  last ${transitionText(m.lastTransition)}` : '';
  const tone: Tone = m.state === 'MASTER' ? 'good' : m.state === 'BACKUP' ? 'plain' : 'bad';
  return { key, text: `      ${pad(m.host, 10)} ${pad(m.state, 7)} ${prio}${maint}${speaker}${last}`, tone: m.maintenance ? 'warn' : tone };
}

/** `file hafleet_move_web_51=-254 FAIL (+1)`: kind, name, a file's value, state, weight. */
function trackText(t: MemberStatus['tracks'][number]): string {
  const value = t.value !== undefined ? `=${t.value}` : '';
  const weight = t.weight !== undefined ? ` (${t.weight > 0 ? '+' : ''}${t.weight})` : '';
  return `${t.kind} ${clean(t.name)}${value} ${t.ok ? 'ok' : 'FAIL'}${weight}`;
}

/** A member's tracks on a row of their own under it (a member row with them would not fit a terminal). */
function tracksRow(cluster: string, instance: string, m: MemberStatus): Row | null {
  if (!m.reachable || m.tracks.length === 0) return null;
  return { key: `tracks ${cluster} ${instance} ${m.host}`, text: `          tracks  ${m.tracks.map(trackText).join('  ')}`, tone: m.tracks.every((t) => t.ok) ? 'dim' : 'warn' };
}

export interface RenderOptions {
  /** Header extras: `every 2 s · q quits`, the round's time. */
  note?: string;
  /** How many recent transitions to list (default 5). */
  transitions?: number;
}

/** The snapshot as rows, top to bottom. */
export function statusRows(s: StatusSnapshot, o: RenderOptions = {}): Row[] {
  const rows: Row[] = [{ key: 'header', text: `hafleet status  ${s.at.replace(/\.\d+Z$/, 'Z')}${o.note ? `  ${o.note}` : ''}`, tone: 'head' }];
  for (const c of s.clusters) {
    rows.push({ key: `cluster ${c.name}`, text: `cluster ${c.name}  directors ${c.membersUp}/${c.members} up${c.splitBrain ? '  SPLIT BRAIN' : ''}`, tone: c.splitBrain ? 'bad' : 'head' });
    for (const i of c.instances) {
      rows.push({ key: `instance ${c.name} ${i.instance}`, text: `  ${i.instance}  VRID ${i.vrid}`, tone: 'plain' });
      for (const v of i.vips) rows.push(vipRow(v));
      for (const m of i.members) {
        rows.push(memberRow(c.name, i.instance, m));
        const tracks = tracksRow(c.name, i.instance, m);
        if (tracks) rows.push(tracks);
      }
    }
  }
  const drift = s.drift.length ? s.drift.map((d) => `${d.host}: ${d.paths.map(clean).join(', ')}`).join('; ') : 'none';
  rows.push({ key: 'drift', text: `drift since last deploy: ${drift}`, tone: s.drift.length ? 'warn' : 'dim' });
  if (s.lastDeploy) rows.push({ key: 'last-deploy', text: `last deploy: ${s.lastDeploy.at} by ${clean(s.lastDeploy.by ?? '?')}`, tone: 'dim' });
  for (const u of s.unreachable) rows.push({ key: `unreachable ${u.host}`, text: `${u.failure === 'refused' ? 'refused' : 'unreachable'}: ${u.host}: ${clean(u.error)}`, tone: 'bad' });
  const recent = s.transitions.slice(0, o.transitions ?? 5);
  if (recent.length) {
    rows.push({ key: 'transitions', text: 'recent transitions:', tone: 'dim' });
    recent.forEach((t, n) => rows.push({ key: `transition ${n}`, text: `  ${t.host} ${t.instance} ${transitionText(t)}`, tone: 'dim' }));
  }
  return rows;
}

/**
 * The rows that fit `maxLines` of a terminal (a frame taller than the screen would scroll it and
 * the next frame would draw over the wrong lines). What goes first: the recent transitions (the
 * members' rows keep each one's last), then the tracks rows where every track passes; if it still
 * does not fit, the end is cut and the last line says how much is hidden.
 */
export function fitRows(rows: readonly Row[], maxLines: number): Row[] {
  if (rows.length <= maxLines) return [...rows];
  let out = rows.filter((r) => r.key !== 'transitions' && !r.key.startsWith('transition '));
  if (out.length > maxLines) out = out.filter((r) => !(r.key.startsWith('tracks ') && r.tone === 'dim'));
  if (out.length <= maxLines) return out;
  const keep = Math.max(1, maxLines - 1);
  return [...out.slice(0, keep), { key: 'more', text: `… ${out.length - keep} more line(s): a taller terminal shows them (or --json)`, tone: 'dim' }];
}

/** Which rows differ from the frame before (a new key, or the same key with other text). The header never counts. */
export function changedKeys(before: readonly Row[] | undefined, now: readonly Row[]): Set<string> {
  if (!before) return new Set();
  const prev = new Map(before.map((r) => [r.key, r.text]));
  // The header's time and the transitions' positions change every frame: not news.
  return new Set(now.filter((r) => r.key !== 'header' && !r.key.startsWith('transition ') && prev.get(r.key) !== r.text).map((r) => r.key));
}

const SGR: Record<Tone, string> = { plain: '', good: '\u001b[32m', bad: '\u001b[31m', warn: '\u001b[33m', dim: '\u001b[2m', head: '\u001b[1m' };

export interface FrameOptions {
  color: boolean;
  /** Terminal width: longer lines are cut (a wrapped line would push the frame off the screen). */
  columns?: number;
}

/**
 * Rows → text lines with the change marker column (`*` changed since the last frame, else a
 * blank), painted when `color` (changed rows bold too). No escape sequence without colour.
 */
export function frameLines(rows: readonly Row[], changed: ReadonlySet<string>, o: FrameOptions): string[] {
  return rows.map((r) => {
    let text = `${changed.has(r.key) ? '*' : ' '} ${r.text}`;
    if (o.columns && text.length > o.columns) text = text.slice(0, Math.max(1, o.columns - 1)) + '…';
    if (!o.color) return text;
    const on = (changed.has(r.key) ? '\u001b[1m' : '') + SGR[r.tone];
    return on ? `${on}${text}\u001b[0m` : text;
  });
}
