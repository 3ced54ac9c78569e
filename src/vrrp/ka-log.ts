/**
 * The agent's log lines in keepalived 2.2.7's words (vrrp/vrrp.c vrrp_check_packet, vrrp_state_*,
 * vrrp_scheduler.c), so an operator's grep for "received an invalid passwd" or "Entering MASTER
 * STATE" finds the agent as it finds keepalived. keepalived logs all of them at LOG_INFO; so does
 * the agent. Pure: the agent-instance passes what it knows and writes what comes back, through a
 * LogLimiter so a packet flood cannot flood the log.
 */
import type { DropReason } from './packet.js';
import type { MachineDropReason, Transition } from './machine.js';

/** What a dropped advert's line may say beyond the reason. */
export interface DropContext {
  name: string;
  src?: string;
  /** The codec's detail (`TTL 64`, `auth type 0, expected PASS`, `version 1`, …). */
  detail?: string;
  /** For machine drops: the advert's values and ours. */
  advert?: { advertIntervalCs: number; addresses: readonly string[]; vrid: number };
  ours?: { advertIntervalCs: number; vips: readonly string[]; version: 2 | 3; vrid: number };
}

const num = (detail: string | undefined): string => /(-?\d+)/.exec(detail ?? '')?.[1] ?? '?';

/** keepalived's line for an advert it drops; undefined where keepalived logs nothing (another VRID, our own). */
export function dropLine(reason: DropReason | MachineDropReason, c: DropContext): string | undefined {
  const n = `(${c.name})`;
  switch (reason) {
    case 'truncated': return `${n} vrrp packet too short, length ${num(c.detail)} and expect more`;
    case 'bad-ttl': return `${n} invalid TTL/HL. Received ${num(c.detail)} and expect 255`;
    case 'bad-version': return `${n} wrong version. Received ${num(c.detail)} and expect ${c.ours?.version ?? '?'}`;
    case 'bad-type': return `${n} Invalid packet type. ${num(c.detail)} and expect 1`;
    case 'bad-checksum': return `${n} Invalid VRRPv${c.ours?.version ?? 2} checksum`;
    case 'bad-addr-count': return `${n} received an unexpected ip number count 0, expected ${c.ours?.vips.length ?? '?'}!`;
    case 'bad-interval': return `${n} advertisement interval mismatch mine=${(c.ours?.advertIntervalCs ?? 0) / 100} sec rcv'd=0 sec`;
    case 'auth-mismatch': {
      // keepalived: a different auth type, or the same type with another password.
      const m = /auth type (\d+), expected (none|PASS)/.exec(c.detail ?? '');
      return m ? `${n} received a ${m[1]} auth, expecting ${m[2] === 'PASS' ? 1 : 0}!` : `${n} received an invalid passwd!`;
    }
    case 'unknown-unicast-src': return `${n} unicast source address ${c.src ?? '?'} not a unicast peer`;
    case 'advert-interval-mismatch':
      return `${n} advertisement interval mismatch mine=${(c.ours?.advertIntervalCs ?? 0) / 100} sec rcv'd=${(c.advert?.advertIntervalCs ?? 0) / 100} sec`;
    case 'addr-list-mismatch': {
      const ours = c.ours?.vips ?? [];
      const theirs = c.advert?.addresses ?? [];
      if (ours.length !== theirs.length) return `${n} received an unexpected ip number count ${theirs.length}, expected ${ours.length}!`;
      const missing = ours.find((v) => !theirs.includes(v));
      return `${n} ip address associated with VRID ${c.ours?.vrid ?? '?'} not present in MASTER advert: ${missing ?? '?'}`;
    }
    case 'version-mismatch': return `${n} wrong version. Received ${c.ours?.version === 2 ? 3 : 2} and expect ${c.ours?.version ?? '?'}`;
    case 'bad-ip-header':
    case 'bad-protocol':
    case 'family-mismatch':
    case 'wrong-vrid':
    case 'own-advert':
    case 'not-running':
      return undefined;
  }
}

/**
 * keepalived's lines for an advert it acts on without a transition: a priority-0 one (the master
 * leaving), a lower priority one a preempting backup discards. Undefined when it says nothing.
 */
export function advertLine(name: string, state: string, a: { priority: number }, src: string, discarded: boolean): string | undefined {
  if (a.priority === 0) return state === 'MASTER' ? `(${name}) Master received priority 0 message` : `(${name}) Backup received priority 0 advertisement`;
  if (discarded) return `(${name}) received lower priority (${a.priority}) advert from ${src} - discarding`;
  return undefined;
}

/** keepalived's line when tracking changes the priority an instance advertises. */
export function priorityLine(name: string, from: number, to: number): string {
  return `(${name}) Changing effective priority from ${from} to ${to}`;
}

/**
 * keepalived's lines for a transition: the cause as keepalived words it, then "Entering X STATE".
 * The machine's reason (machine.ts) names the cause; its words are kept as the line's `reason` field.
 */
export function transitionLines(name: string, t: Transition, ours: { priority: number }): string[] {
  const n = `(${name})`;
  const cause: string[] = [];
  let m: RegExpExecArray | null;
  if (/^no advert for/.test(t.reason)) cause.push(`${n} Receive advertisement timeout`);
  // The priority-0 advert itself was logged when it came (advertLine); the takeover is the timer's.
  else if (/^master (\S*) left \(priority 0\)/.test(t.reason)) cause.push(`${n} Receive advertisement timeout`);
  else if ((m = /^higher priority (\d+) > (\d+) from (\S+)/.exec(t.reason))) cause.push(`${n} Master received advert from ${m[3]} with higher priority ${m[1]}, ours ${m[2]}`);
  else if ((m = /^equal priority (\d+), higher address (\S+)/.exec(t.reason))) cause.push(`${n} Master received advert from ${m[2]} with same priority ${m[1]} but higher IP address than ours`);
  else if (/^preempt_delay over/.test(t.reason)) cause.push(`${n} preempt delay over`);
  else if ((m = /^fault: (.*)$/.exec(t.reason))) cause.push(`${n} fault: ${m[1]}`);
  void ours;
  if (t.to === 'MASTER') return [...cause, `${n} Entering MASTER STATE`];
  if (t.to === 'BACKUP') return [...cause, `${n} Entering BACKUP STATE`];
  if (t.to === 'FAULT') return [...cause, `${n} Entering FAULT STATE`];
  // Shutdown: keepalived sends its priority-0 advert and says so.
  if (t.from === 'MASTER') return [`${n} sent 0 priority`];
  return [];
}

/** keepalived's lines when a track script's result changes (vrrp_scheduler.c vrrp_script_child_thread). */
export function scriptLines(script: string, passing: boolean, exitCode?: number): string[] {
  return [
    ...(exitCode === undefined ? [] : [`Script \`${script}\` now returning ${exitCode}`]),
    `VRRP_Script(${script}) ${passing ? 'succeeded' : 'failed'}`,
  ];
}

/**
 * At most `burst` lines per key, refilled at one per `refillMs`; the first line let through after
 * some were held back says how many. A flood of bad adverts costs a few lines a minute.
 */
export class LogLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; held: number }>();

  constructor(private readonly now: () => number, private readonly burst = 5, private readonly refillMs = 10_000) {}

  /** The line to write (with the count held back since the last), or undefined to hold it back. */
  pass(key: string, line: string): string | undefined {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t, held: 0 };
    b.tokens = Math.min(this.burst, b.tokens + (t - b.at) / this.refillMs);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) {
      b.held++;
      return undefined;
    }
    b.tokens -= 1;
    const held = b.held;
    b.held = 0;
    return held > 0 ? `${line} (${held} similar messages suppressed)` : line;
  }
}
