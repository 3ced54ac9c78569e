import type { SpeakerInstance, VrrpState } from '../verify/index.js';
import type { Transition } from './types.js';

/**
 * Where a director's last state change is read, best first: the agent's status file (time, from,
 * to and the machine's reason); the bundled notify script's log (`ISO host INSTANCE name STATE
 * priority=N`, one line per change keepalived announces); keepalived's own log lines for the
 * cause ("Receive advertisement timeout", "… with higher priority …") before "Entering X STATE".
 * Pure: the lines come from the host's one script per round.
 */

const STATES = new Set<VrrpState>(['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP']);

/** The notify script's lines for this host → transitions, oldest first; a line not of that shape is skipped. */
export function parseNotifyLines(lines: readonly string[], host: string): Transition[] {
  const out: Transition[] = [];
  let prev = new Map<string, VrrpState>();
  for (const raw of lines) {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s+\S+\s+INSTANCE\s+(\S+)\s+(MASTER|BACKUP|FAULT|STOP)\b/.exec(raw.trim());
    if (!m) continue;
    const [, at, instance, to] = m as unknown as [string, string, string, VrrpState];
    const from = prev.get(instance);
    out.push({ at, host, instance, to, ...(from ? { from } : {}) });
    prev = new Map(prev).set(instance, to);
  }
  return out;
}

/**
 * keepalived's cause of the last "(instance) Entering `to` STATE" in its log lines, in its words;
 * undefined when the log does not say (no log reachable, or the change carried no cause line).
 */
export function logReason(lines: readonly string[], instance: string, to: VrrpState): string | undefined {
  const tag = `(${instance})`;
  const enter = `entering ${to.toLowerCase()} state`;
  const entering = lines.map((l, i) => (l.toLowerCase().includes(enter) && l.includes(instance) ? i : -1)).filter((i) => i >= 0).pop();
  if (entering === undefined) return undefined;
  // keepalived 2.2 says the FAULT's cause on the line itself: `(VI_1): entering FAULT state (interface
  // eth0 down)`, `… (tracked file X has status -254)`, then `(VI_1) Entering FAULT STATE` or lower case.
  for (let i = entering; i >= Math.max(0, entering - 4); i--) {
    const l = lines[i]!;
    const mark = `${tag.toLowerCase()}: ${enter} (`;
    const from = l.toLowerCase().indexOf(mark);
    if (from >= 0) return l.slice(from + mark.length).replace(/\)\s*$/, '');
  }
  for (let i = entering - 1; i >= Math.max(0, entering - 3); i--) {
    const l = lines[i]!;
    const link = /Netlink reports (\S+) down/.exec(l);
    if (link) return `interface ${link[1]} down`;
    if (/entering \S+ state/i.test(l)) break;
    const at = l.indexOf(tag);
    if (at >= 0) return l.slice(at + tag.length).trim().replace(/\s+(instance|transition)=.*$/, '');
    const script = /VRRP_Script\((\S+)\) (succeeded|failed)/.exec(l);
    if (script) return `track script ${script[1]} ${script[2]}`;
  }
  return undefined;
}

/**
 * One member's last transition: the agent's own record when it keeps one, else the newest notify
 * line for the instance, with keepalived's cause from its log when that log names the same state.
 */
export function lastTransitionOf(host: string, instance: string, speaker: SpeakerInstance | undefined, notify: readonly Transition[], logLines: readonly string[]): Transition | undefined {
  const agent = speaker?.lastTransition;
  if (agent && STATES.has(agent.to)) {
    return { at: agent.at, host, instance, to: agent.to, ...(agent.from ? { from: agent.from } : {}), ...(agent.reason ? { reason: agent.reason, reasonFrom: 'speaker' as const } : {}) };
  }
  const last = notify.filter((t) => t.instance === instance).pop();
  if (!last) return undefined;
  const reason = logReason(logLines, instance, last.to);
  return { ...last, ...(reason ? { reason, reasonFrom: 'log' as const } : {}) };
}

/** Identity of a transition, so one seen again next round is not listed twice. */
export function transitionKey(t: Transition): string {
  return `${t.at}|${t.host}|${t.instance}|${t.to}`;
}

/** Known and new transitions, once each, newest first, at most `limit`. */
export function mergeTransitions(known: readonly Transition[], seen: readonly Transition[], limit = 100): Transition[] {
  const byKey = new Map<string, Transition>();
  for (const t of [...known, ...seen]) {
    const k = transitionKey(t);
    const had = byKey.get(k);
    // A later round may know the cause an earlier one did not.
    byKey.set(k, had && had.reason && !t.reason ? had : t);
  }
  return [...byKey.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}
