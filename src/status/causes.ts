import { transitionKey } from './transitions.js';
import type { MemberStatus, Transition } from './types.js';

/**
 * The cause of a transition no speaker put into words, from what the round sees of the member and
 * its peers. keepalived says why only in its log (syslog or the journal; a host without either,
 * like the lab's, keeps nothing) and its notify script gets no reason at all; the agent always
 * says. What the speakers report each round is enough for the usual causes: a track that puts the
 * instance in FAULT (hafleet's switchover and maintenance files, an interface, a script), a peer
 * advertising a higher priority, a master that left, a speaker stopped. Only a transition seen
 * within FRESH_MS of the round is explained so: an old one happened in a state nobody saw. Pure.
 */

/** How recent a transition must be for the round's view to explain it (a few rounds, clock skew). */
export const FRESH_MS = 30_000;

type Track = MemberStatus['tracks'][number];

function faultCause(m: MemberStatus): string | undefined {
  const failing = m.tracks.filter((t) => !t.ok);
  const move = failing.find((t) => t.kind === 'file' && t.name.startsWith('hafleet_move_'));
  if (move) return `hafleet switchover: ${move.name}=${move.value ?? '?'}`;
  const maint = failing.find((t) => t.kind === 'file' && t.name === 'hafleet_maintenance');
  if (maint || m.maintenance) {
    const who = m.maintenance?.by ? ` by ${m.maintenance.by}` : '';
    return `hafleet maintenance${who}${m.maintenance?.reason ? `: ${m.maintenance.reason}` : ''}`;
  }
  const first = failing.find((t) => t.kind === 'interface') ?? failing.find((t) => t.weight === 0) ?? failing[0];
  return first ? trackCause(first) : undefined;
}

function trackCause(t: Track): string {
  switch (t.kind) {
    case 'interface': return `interface ${t.name} down`;
    case 'script': return `track script ${t.name} failed`;
    case 'file': return `track file ${t.name}=${t.value ?? '?'}`;
  }
}

/** Tracks that pull the member's priority down now (failing ones with a negative weight). */
function lowering(m: MemberStatus): string {
  const down = m.tracks.filter((t) => !t.ok || (t.kind === 'file' && (t.value ?? 0) * (t.weight ?? 0) < 0));
  return down.length ? ` (${down.map(trackCause).join(', ')})` : '';
}

function prio(m: MemberStatus): number | undefined {
  return m.effectivePriority ?? m.basePriority;
}

function nearTransition(t: Transition, p: MemberStatus): Transition | undefined {
  return p.lastTransition && Math.abs(Date.parse(p.lastTransition.at) - Date.parse(t.at)) <= 10_000 ? p.lastTransition : undefined;
}

/** A peer that left MASTER within seconds of `t` (stopped, FAULT, outranked): the cause of a takeover. */
function peerLeft(t: Transition, peers: readonly MemberStatus[]): string | undefined {
  const left = peers.find((p) => nearTransition(t, p)?.from === 'MASTER');
  return left ? `${left.host} left MASTER (${left.lastTransition!.to})` : undefined;
}

/** The cause of `t`, `m`'s last transition, from the round's view of `m` and its peers; undefined when it does not tell. */
export function observedCause(t: Transition, m: MemberStatus, peers: readonly MemberStatus[]): string | undefined {
  const near = (p: MemberStatus) => nearTransition(t, p);
  switch (t.to) {
    case 'STOP':
      return 'speaker stopped (shutdown)';
    case 'FAULT':
      return faultCause(m);
    case 'MASTER': {
      // A peer that left MASTER just now (stopped, FAULT, lower priority) is the cause an operator wants.
      // A master that stepped down to BACKUP for our higher priority: a preempt.
      const mine = prio(m);
      const outranked = peers.find((p) => near(p)?.from === 'MASTER' && near(p)?.to === 'BACKUP' && mine !== undefined && (prio(p) ?? Infinity) < mine);
      if (outranked) return `preempted ${outranked.host} (priority ${mine} > ${prio(outranked)})`;
      const left = peerLeft(t, peers);
      if (left) return left;
      // Nobody was MASTER (both just started, or the master vanished without a word).
      if (peers.length && peers.every((p) => !p.reachable || p.state !== 'MASTER')) return 'no advert from a master (master down timer)';
      return undefined;
    }
    case 'BACKUP': {
      if (t.from === 'FAULT') return `fault cleared${m.tracks.length ? ` (${m.tracks.filter((x) => x.kind !== 'script' || x.weight === 0).map((x) => `${x.name} ok`).join(', ')})` : ''}`;
      if (!t.from || t.from === 'STOP' || t.from === 'INIT') return 'speaker started';
      const master = peers.find((p) => p.reachable && p.state === 'MASTER');
      const mine = prio(m);
      if (master && prio(master) !== undefined && mine !== undefined && prio(master)! > mine) {
        return `advert with higher priority ${prio(master)} from ${master.host} (ours ${mine}${lowering(m)})`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Every member's last transition with a cause where the speaker gave none: the cause already known
 * for it (an earlier round's), else the round's view when the transition is fresh.
 */
export function withCauses(members: readonly MemberStatus[], known: ReadonlyMap<string, Transition>, at: string): MemberStatus[] {
  return members.map((m) => {
    const t = m.lastTransition;
    if (!t || t.reason) return m;
    const had = known.get(transitionKey(t));
    if (had?.reason) return { ...m, lastTransition: { ...t, reason: had.reason, ...(had.reasonFrom ? { reasonFrom: had.reasonFrom } : {}) } };
    const peers = members.filter((p) => p.host !== m.host);
    const age = Date.parse(at) - Date.parse(t.at);
    // An old takeover is still explained by a peer's logged departure; the rest needs a fresh view.
    const reason = age <= FRESH_MS ? observedCause(t, m, peers) : t.to === 'MASTER' ? peerLeft(t, peers) : undefined;
    return reason ? { ...m, lastTransition: { ...t, reason, reasonFrom: 'observed' as const } } : m;
  });
}
