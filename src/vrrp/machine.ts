/**
 * The VRRP state machine of one virtual router (RFC 3768 §6.4, RFC 5798 §6.4), pure:
 * `step(state, event) → { state, actions }`. It never sends, sleeps or touches an address; it
 * returns what to do (`send-advert`, `arm` a timer for `ms`, `add-vips`, …) and `vrrp/io` does it.
 * Adverts reaching it were already validated by the codec; here we decide whether they are *for
 * us* (VRID, version, address list, v2 interval) and what they mean.
 */
import type { Advert, DropReason, VrrpVersion } from './packet.js';
import { rfcMasterDownIntervalMs, rfcSkewTimeMs } from './timing.js';
import { compareIp, familyOf } from './packet.js';

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';
export type TimerName = 'masterDown' | 'advert' | 'preemptDelay';
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

export interface InstanceParams {
  name: string;
  version: VrrpVersion;
  vrid: number;
  /** Configured priority, 1–255 (255 = address owner). */
  priority: number;
  advertIntervalCs: number;
  /** Our address on the interface: adverts' source and the equal-priority tie-break. */
  primaryIp: string;
  /** Addresses carried in adverts (keepalived's virtual_ipaddress, not _excluded). */
  vips: string[];
  preempt: boolean;
  preemptDelayMs: number;
  /** keepalived `state`; informational: both start as Backup unless priority is 255 (see README). */
  initialState: 'MASTER' | 'BACKUP';
}

/** Why the machine did not act on an advert: the codec's reasons plus the machine's own. */
export type MachineDropReason =
  | DropReason
  | 'wrong-vrid'
  | 'version-mismatch'
  | 'family-mismatch'
  | 'advert-interval-mismatch'
  | 'addr-list-mismatch'
  | 'own-advert'
  | 'not-running';

export interface Counters {
  advertsReceived: number;
  advertsSent: number;
  becameMaster: number;
  releasedMaster: number;
  priorityZeroReceived: number;
  priorityZeroSent: number;
  /** Lower-priority adverts a preempting backup ignored (RFC 5798 §6.4.2 "discard"). */
  lowerPriorityIgnored: number;
  drops: Partial<Record<MachineDropReason, number>>;
}

export interface Transition {
  from: VrrpState;
  to: VrrpState;
  reason: string;
}

export interface MachineState {
  params: InstanceParams;
  state: VrrpState;
  /** Effective priority: configured plus tracking weights (keepalived's effective_priority). */
  priority: number;
  /** v3 learns it from the master's adverts; v2 uses its own (mismatches are dropped). */
  masterAdverIntervalCs: number;
  masterIp?: string;
  masterPriority?: number;
  faults: string[];
  preemptPending: boolean;
  /** The master said priority 0: masterDown is armed for Skew_Time only. */
  masterLeaving: boolean;
  /** Our Master_Down timer ran out but the sync group held us back. */
  wantsMaster: boolean;
  counters: Counters;
  lastTransition?: Transition;
}

export type MachineEvent =
  | { kind: 'startup' }
  | { kind: 'shutdown' }
  | { kind: 'advert'; advert: Advert; src: string }
  | { kind: 'drop'; reason: DropReason }
  /**
   * `groupReady: false` (vrrp_sync_group): another member does not want to be master yet, so this
   * one only records that it does and waits (keepalived prefers backup to thrashing).
   */
  | { kind: 'timer'; timer: TimerName; groupReady?: boolean }
  /** vrrp_sync_group: another member moved; follow it. */
  | { kind: 'sync'; to: 'MASTER' | 'BACKUP'; reason: string }
  /** Sum of the tracking weights now in force (track_script / track_interface weights). */
  | { kind: 'priority'; weight: number }
  | { kind: 'fault'; cause: string; active: boolean };

export type Action =
  | { kind: 'send-advert'; priority: number }
  | { kind: 'arm'; timer: TimerName; ms: number }
  | { kind: 'cancel'; timer: TimerName }
  | { kind: 'add-vips' }
  | { kind: 'del-vips' }
  | { kind: 'send-garp' }
  | { kind: 'notify'; state: NotifyState; reason: string };

export interface StepResult {
  state: MachineState;
  actions: Action[];
}

export function initialMachine(params: InstanceParams): MachineState {
  return {
    params,
    state: 'INIT',
    priority: params.priority,
    masterAdverIntervalCs: params.advertIntervalCs,
    faults: [],
    preemptPending: false,
    masterLeaving: false,
    wantsMaster: false,
    counters: {
      advertsReceived: 0,
      advertsSent: 0,
      becameMaster: 0,
      releasedMaster: 0,
      priorityZeroReceived: 0,
      priorityZeroSent: 0,
      lowerPriorityIgnored: 0,
      drops: {},
    },
  };
}

/** This machine's Skew_Time (`timing.ts`), at its priority and the interval it learned (v3). */
export function skewTimeMs(s: MachineState): number {
  return rfcSkewTimeMs(s.params.version, s.priority, s.masterAdverIntervalCs * 10);
}

/** This machine's Master_Down_Interval (`timing.ts`). */
export function masterDownIntervalMs(s: MachineState): number {
  return rfcMasterDownIntervalMs(s.params.version, s.priority, s.masterAdverIntervalCs * 10);
}

/** The owner keeps 255; others stay within 1–254 whatever the tracking weights say (as keepalived). */
export function effectivePriority(base: number, weightSum: number): number {
  if (base === 255) return 255;
  return Math.max(1, Math.min(254, base + weightSum));
}

export function step(s: MachineState, e: MachineEvent): StepResult {
  switch (e.kind) {
    case 'drop':
      return { state: countDrop(s, e.reason), actions: [] };
    case 'priority':
      return { state: { ...s, priority: effectivePriority(s.params.priority, e.weight) }, actions: [] };
    case 'fault':
      return onFault(s, e.cause, e.active);
    case 'startup':
      return s.state === 'INIT' ? start(s, 'startup') : { state: s, actions: [] };
    case 'shutdown':
      return shutdown(s);
    case 'timer':
      return onTimer(s, e.timer, e.groupReady ?? true);
    case 'sync':
      return onSync(s, e.to, e.reason);
    case 'advert':
      return onAdvert(s, e.advert, e.src);
  }
}

function countDrop(s: MachineState, reason: MachineDropReason): MachineState {
  const drops = { ...s.counters.drops, [reason]: (s.counters.drops[reason] ?? 0) + 1 };
  return { ...s, counters: { ...s.counters, drops } };
}

function bump(s: MachineState, k: Exclude<keyof Counters, 'drops'>, n = 1): MachineState {
  return { ...s, counters: { ...s.counters, [k]: s.counters[k] + n } };
}

function moveTo(s: MachineState, to: VrrpState, reason: string): MachineState {
  return { ...s, state: to, lastTransition: { from: s.state, to, reason } };
}

function sendAdvert(s: MachineState, priority: number): [MachineState, Action] {
  const n = bump(s, 'advertsSent');
  return [priority === 0 ? bump(n, 'priorityZeroSent') : n, { kind: 'send-advert', priority }];
}

/** Initialize → Master (owner) or Backup; also the way out of Fault. */
function start(s: MachineState, why: string): StepResult {
  if (s.faults.length > 0) {
    return { state: moveTo(s, 'FAULT', `${why}: fault ${s.faults.join(', ')}`), actions: [{ kind: 'notify', state: 'FAULT', reason: s.faults.join(', ') }] };
  }
  if (s.priority === 255) return becomeMaster(s, `${why}: priority 255 (address owner)`);
  const b = { ...moveTo(s, 'BACKUP', why), masterAdverIntervalCs: s.params.advertIntervalCs, masterIp: undefined, masterPriority: undefined };
  return { state: b, actions: [{ kind: 'arm', timer: 'masterDown', ms: masterDownIntervalMs(b) }, { kind: 'notify', state: 'BACKUP', reason: why }] };
}

function becomeMaster(s: MachineState, reason: string): StepResult {
  let m = bump(moveTo(s, 'MASTER', reason), 'becameMaster');
  m = { ...m, masterIp: s.params.primaryIp, masterPriority: s.priority, preemptPending: false, wantsMaster: false };
  const [m2, send] = sendAdvert(m, m.priority);
  // VIPs first, then the advert and gratuitous ARP announce them (keepalived's order).
  return {
    state: m2,
    actions: [
      { kind: 'cancel', timer: 'masterDown' },
      { kind: 'cancel', timer: 'preemptDelay' },
      { kind: 'add-vips' },
      send,
      { kind: 'send-garp' },
      { kind: 'arm', timer: 'advert', ms: s.params.advertIntervalCs * 10 },
      { kind: 'notify', state: 'MASTER', reason },
    ],
  };
}

/** Master → Backup or Fault: RFC 5798 §6.4.3, plus priority 0 when we leave on our own. */
function leaveMaster(s: MachineState, to: VrrpState, reason: string, sendZero: boolean): StepResult {
  let n = bump(moveTo(s, to, reason), 'releasedMaster');
  const actions: Action[] = [{ kind: 'cancel', timer: 'advert' }];
  if (sendZero) {
    const [n2, send] = sendAdvert(n, 0);
    n = n2;
    actions.push(send);
  }
  actions.push({ kind: 'del-vips' });
  return { state: n, actions };
}

function shutdown(s: MachineState): StepResult {
  const reason = 'shutdown';
  switch (s.state) {
    case 'INIT':
      return { state: s, actions: [] };
    case 'MASTER': {
      // RFC 5798 §6.4.3: priority 0 so the backup waits only Skew_Time.
      const r = leaveMaster(s, 'INIT', reason, true);
      return { state: r.state, actions: [...r.actions, { kind: 'notify', state: 'STOP', reason }] };
    }
    case 'BACKUP':
    case 'FAULT':
      return {
        state: { ...moveTo(s, 'INIT', reason), preemptPending: false },
        actions: [{ kind: 'cancel', timer: 'masterDown' }, { kind: 'cancel', timer: 'preemptDelay' }, { kind: 'notify', state: 'STOP', reason }],
      };
  }
}

function onFault(s: MachineState, cause: string, active: boolean): StepResult {
  const faults = active ? [...new Set([...s.faults, cause])] : s.faults.filter((f) => f !== cause);
  const n = { ...s, faults };
  if (active && (s.state === 'MASTER' || s.state === 'BACKUP')) {
    const reason = `fault: ${cause}`;
    const notify: Action = { kind: 'notify', state: 'FAULT', reason };
    if (s.state === 'MASTER') {
      const r = leaveMaster(n, 'FAULT', reason, true);
      return { state: r.state, actions: [...r.actions, notify] };
    }
    return { state: { ...moveTo(n, 'FAULT', reason), preemptPending: false }, actions: [{ kind: 'cancel', timer: 'masterDown' }, { kind: 'cancel', timer: 'preemptDelay' }, notify] };
  }
  if (!active && s.state === 'FAULT' && faults.length === 0) return start(n, `fault cleared: ${cause}`);
  return { state: n, actions: [] };
}

function onSync(s: MachineState, to: 'MASTER' | 'BACKUP', reason: string): StepResult {
  if (to === 'MASTER' && s.state === 'BACKUP') return becomeMaster(s, reason);
  if (to === 'BACKUP' && s.state === 'MASTER') {
    // As keepalived's vrrp_sync_backup: leave without a priority-0 advert.
    const r = leaveMaster({ ...s, wantsMaster: false }, 'BACKUP', reason, false);
    return { state: r.state, actions: [...r.actions, { kind: 'arm', timer: 'masterDown', ms: masterDownIntervalMs(r.state) }, { kind: 'notify', state: 'BACKUP', reason }] };
  }
  return { state: s, actions: [] };
}

function onTimer(s: MachineState, timer: TimerName, groupReady: boolean): StepResult {
  if (timer === 'masterDown' && s.state === 'BACKUP' && !groupReady) {
    return { state: { ...s, wantsMaster: true }, actions: [{ kind: 'arm', timer: 'masterDown', ms: masterDownIntervalMs(s) }] };
  }
  // A timer of another state is stale (cancelled late): ignore it.
  if (timer === 'masterDown' && s.state === 'BACKUP') {
    if (s.masterLeaving) return becomeMaster({ ...s, masterLeaving: false }, `master ${s.masterIp ?? ''} left (priority 0), after Skew_Time ${round(skewTimeMs(s))} ms`);
    return becomeMaster(s, `no advert for ${round(masterDownIntervalMs(s))} ms (Master_Down_Interval)`);
  }
  if (timer === 'preemptDelay' && s.state === 'BACKUP' && s.preemptPending) {
    return becomeMaster(s, `preempt_delay over, master ${s.masterIp} has priority ${s.masterPriority} < ${s.priority}`);
  }
  if (timer === 'advert' && s.state === 'MASTER') {
    const [n, send] = sendAdvert(s, s.priority);
    return { state: n, actions: [send, { kind: 'arm', timer: 'advert', ms: s.params.advertIntervalCs * 10 }] };
  }
  return { state: s, actions: [] };
}

function sameAddresses(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  // Every advert comes here: a short list (the usual one to three VIPs) needs no Set built per packet.
  if (a.length <= 16) return b.every((x) => a.includes(x));
  const set = new Set(a);
  return b.every((x) => set.has(x));
}

function notForUs(s: MachineState, a: Advert, src: string): MachineDropReason | undefined {
  if (s.state === 'INIT' || s.state === 'FAULT') return 'not-running';
  if (a.vrid !== s.params.vrid) return 'wrong-vrid';
  if (a.version !== s.params.version) return 'version-mismatch';
  if (familyOf(src) !== familyOf(s.params.primaryIp)) return 'family-mismatch';
  if (src === s.params.primaryIp) return 'own-advert';
  // RFC 3768 §7.1: a v2 router MUST drop adverts whose interval differs from its own.
  if (a.version === 2 && a.advertIntervalCs !== s.params.advertIntervalCs) return 'advert-interval-mismatch';
  if (!sameAddresses(a.addresses, s.params.vips)) return 'addr-list-mismatch';
  return undefined;
}

function onAdvert(s0: MachineState, a: Advert, src: string): StepResult {
  const drop = notForUs(s0, a, src);
  if (drop) return { state: countDrop(s0, drop), actions: [] };
  // One copy of the state per advert (this runs 10 times a second per peer instance).
  const c = s0.counters;
  const s: MachineState = { ...s0, counters: { ...c, advertsReceived: c.advertsReceived + 1, priorityZeroReceived: c.priorityZeroReceived + (a.priority === 0 ? 1 : 0) } };
  if (s.state === 'BACKUP') return backupAdvert(s, a, src);
  return masterAdvert(s, a, src);
}

function backupAdvert(s: MachineState, a: Advert, src: string): StepResult {
  if (a.priority === 0) {
    // RFC 5798 §6.4.2: the master is leaving; take over after Skew_Time only.
    return { state: { ...s, masterLeaving: true, masterIp: src }, actions: [{ kind: 'arm', timer: 'masterDown', ms: skewTimeMs(s) }] };
  }
  const preempt = s.params.preempt || s.priority === 255;
  const heard = { masterIp: src, masterPriority: a.priority, masterLeaving: false, masterAdverIntervalCs: s.params.version === 3 ? a.advertIntervalCs : s.masterAdverIntervalCs };
  if (!preempt || a.priority >= s.priority) {
    const state: MachineState = { ...s, ...heard, preemptPending: false, wantsMaster: false };
    const actions: Action[] = [{ kind: 'arm', timer: 'masterDown', ms: masterDownIntervalMs(state) }];
    if (s.preemptPending) actions.push({ kind: 'cancel', timer: 'preemptDelay' });
    return { state, actions };
  }
  const learned: MachineState = { ...s, ...heard };
  if (s.params.preemptDelayMs > 0 && s.priority !== 255) {
    // keepalived preempt_delay: keep honouring the lower master until the delay has run out.
    const actions: Action[] = [{ kind: 'arm', timer: 'masterDown', ms: masterDownIntervalMs(learned) }];
    if (!s.preemptPending) actions.push({ kind: 'arm', timer: 'preemptDelay', ms: s.params.preemptDelayMs });
    return { state: { ...learned, preemptPending: true }, actions };
  }
  // Discard: Master_Down_Interval runs out and we preempt.
  return { state: bump(s, 'lowerPriorityIgnored'), actions: [] };
}

function masterAdvert(s: MachineState, a: Advert, src: string): StepResult {
  if (a.priority === 0) {
    // RFC 5798 §6.4.3: answer at once so the leaving router's backups see us.
    const [n, send] = sendAdvert(s, s.priority);
    return { state: n, actions: [send, { kind: 'arm', timer: 'advert', ms: s.params.advertIntervalCs * 10 }] };
  }
  const higher = a.priority > s.priority || (a.priority === s.priority && compareIp(src, s.params.primaryIp) > 0);
  if (higher) {
    const why = a.priority > s.priority ? `higher priority ${a.priority} > ${s.priority} from ${src}` : `equal priority ${a.priority}, higher address ${src}`;
    const learned: MachineState = {
      ...s,
      masterIp: src,
      masterPriority: a.priority,
      masterAdverIntervalCs: s.params.version === 3 ? a.advertIntervalCs : s.masterAdverIntervalCs,
    };
    const r = leaveMaster(learned, 'BACKUP', why, false);
    return {
      state: r.state,
      actions: [...r.actions, { kind: 'arm', timer: 'masterDown', ms: masterDownIntervalMs(r.state) }, { kind: 'notify', state: 'BACKUP', reason: why }],
    };
  }
  // A lower master (split brain healing, or its priority fell): assert ourselves now, as keepalived does.
  const [n, send] = sendAdvert(s, s.priority);
  return { state: n, actions: [send, { kind: 'arm', timer: 'advert', ms: s.params.advertIntervalCs * 10 }] };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
