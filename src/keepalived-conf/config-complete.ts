/**
 * keepalived 2.2.7's vrrp_complete_instance (vrrp/vrrp.c) for what reaches the wire: the values
 * one keyword takes from another (priority from state, state from priority, authentication from
 * the version), the roundings of advert_int and the preempt rules — in keepalived's order, with
 * its words. Where keepalived reports a config error and runs on, so does the agent (kaError:
 * `agent -t` fails as `keepalived -t` exits 5); the hint says what the trap does.
 */
import type { Where } from '../diagnostics/index.js';
import type { Stmt } from './conf-tree.js';
import type { Reader } from './conf-values.js';
import type { InstanceConf } from './config-types.js';

/** The instance keywords as written, before keepalived's derivations. */
export interface AsWritten {
  state?: 'MASTER' | 'BACKUP';
  priority?: number;
  /** advert_int in µs (keepalived's TIMER_HZ). */
  advertUs?: number;
  advertWhere?: Where;
  version?: 2 | 3;
  /** AH is refused by the agent when read (an error of its own). */
  authType?: 'PASS' | 'AH';
  authWhere?: Where;
  authPass?: string;
  authPassWhere?: Where;
  nopreemptWhere?: Where;
  preemptDelayWhere?: Where;
}

const PRIO_OWNER = 255;
const PRIO_DEFAULT = 100;
const SEC = 1_000_000;
const CENTI = 10_000;

export function completeInstance(inst: Partial<InstanceConf>, w: AsWritten, stmt: Stmt, r: Reader): void {
  const name = inst.name!;
  const at = (where: Where | undefined) => ({ where: where ?? stmt.where });
  if (inst.vips!.length === 0) {
    // v3: "at least one is required" and keepalived's VRRP stops; v2 runs without VIPs.
    if (inst.version === 3) r.fail(stmt, 'conf-missing', `(${name}) No VIP specified; at least one is required`, 'list the VIPs in `virtual_ipaddress { … }`');
    else r.kaError(stmt, 'conf-no-vip', `(${name}) No VIP specified; at least one is sensible`, 'list the VIPs in `virtual_ipaddress { … }`');
  }
  // Unset priority follows the state, unset state the priority: `state MASTER` alone is the
  // address owner (255), which preempts at once and answers for the VIPs as their owner.
  inst.priority = w.priority ?? (w.state === 'MASTER' ? PRIO_OWNER : PRIO_DEFAULT);
  inst.initialState = w.state ?? (inst.priority === PRIO_OWNER ? 'MASTER' : 'BACKUP');
  if (w.priority === undefined && w.state === 'MASTER') {
    r.warn(stmt, 'conf-master-owner', `vrrp_instance ${name}: state MASTER without priority is priority 255 (the address owner), as keepalived derives it`, 'give a priority (e.g. 150) unless this router owns the VIPs');
  }
  readAuthentication(inst, w, name, stmt, r);
  if (inst.priority === PRIO_OWNER && inst.preempt === false) {
    r.kaError(at(w.nopreemptWhere), 'conf-nopreempt', `(${name}) nopreempt is incompatible with priority ${PRIO_OWNER}. resetting nopreempt`, 'nopreempt needs state BACKUP and a priority below 255 on every router');
    inst.preempt = true;
  }
  if (inst.initialState === 'MASTER') {
    if (inst.preempt === false) {
      r.kaError(at(w.nopreemptWhere), 'conf-nopreempt', `(${name}) Warning - nopreempt will not work with initial state MASTER - clearing`, 'set `state BACKUP` on every router when using nopreempt');
      inst.preempt = true;
    }
    if (inst.preemptDelaySec) {
      r.kaError(at(w.preemptDelayWhere), 'conf-preempt-delay', `(${name}) Warning - preempt delay will not work with initial state MASTER - clearing`, 'set `state BACKUP` to use preempt_delay');
      inst.preemptDelaySec = 0;
    }
  }
  if (inst.preemptDelaySec && inst.preempt === false) {
    r.kaError(at(w.preemptDelayWhere), 'conf-preempt-delay', `(${name}) preempt_delay is incompatible with nopreempt mode - resetting`);
    inst.preemptDelaySec = 0;
  }
  inst.advertIntervalCs = advertIntervalCs(w.advertUs ?? SEC, inst.version!, name, at(w.advertWhere), r);
}

/**
 * Authentication as keepalived decides it: VRRPv3 has none; a type without a password is none;
 * a password without `auth_type PASS` is none too — silently in keepalived, which is the trap
 * the warning names.
 */
function readAuthentication(inst: Partial<InstanceConf>, w: AsWritten, name: string, stmt: Stmt, r: Reader): void {
  inst.authPass = undefined;
  if (w.authType === 'PASS') {
    if (inst.version === 3) r.kaError({ where: w.authWhere ?? stmt.where }, 'conf-v3-auth', `(${name}) VRRP version 3 does not support authentication. Ignoring.`, 'VRRPv3 adverts carry no password; drop the authentication block');
    else if (!w.authPass) r.kaError({ where: w.authWhere ?? stmt.where }, 'conf-auth', `(${name}) Authentication specified but no password given. Ignoring`, 'add `auth_pass` (up to 8 characters)');
    else inst.authPass = w.authPass;
  } else if (w.authPass !== undefined && w.authType === undefined) {
    r.warn({ where: w.authPassWhere ?? stmt.where }, 'conf-auth-no-type', `vrrp_instance ${name}: auth_pass without auth_type PASS sends no authentication (keepalived does the same, silently)`, 'add `auth_type PASS` next to auth_pass on every router');
  }
}

/** advert_int after keepalived's checks: whole seconds for v2, 10 ms units up to 40.95 s for v3. */
function advertIntervalCs(us: number, version: 2 | 3, name: string, at: Pick<Stmt, 'where'>, r: Reader): number {
  if (version === 2) {
    if (us >= 256 * SEC) {
      r.kaError(at, 'conf-advert-int', `(${name}) VRRPv2 advertisement interval ${(us / SEC).toFixed(2)}s is out of range. Must be less than 256s. Setting to 255s`);
      return 25500;
    }
    if (us % SEC) {
      r.kaError(at, 'conf-advert-int', `(${name}) VRRPv2 advertisement interval ${(us / SEC).toFixed(6)}s must be an integer. rounding`, 'VRRPv2 carries whole seconds: use `version 3` for sub-second adverts');
      const rounded = us + SEC / 2 - ((us + SEC / 2) % SEC);
      return (rounded || SEC) / CENTI;
    }
    return us / CENTI;
  }
  if (us >= 4096 * CENTI) {
    r.kaError(at, 'conf-advert-int', `(${name}) VRRPv3 advertisement interval ${(us / SEC).toFixed(2)}s is out of range. Must be less than 40.96s. Setting to 40.95s`);
    return 4095;
  }
  if (us % CENTI) {
    r.kaError(at, 'conf-advert-int', `(${name}) VRRPv3 advertisement interval ${(us / SEC).toFixed(6)}s must be in units of 10ms - rounding`);
    const rounded = us + CENTI / 2 - ((us + CENTI / 2) % CENTI);
    return (rounded || CENTI) / CENTI;
  }
  return us / CENTI;
}
