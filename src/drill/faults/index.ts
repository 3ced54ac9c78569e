import type { DrillConfig, ProtocolBound } from '../types.js';
import { killKeepalived } from './kill-keepalived.js';
import { linkDown } from './link-down.js';
import { realserverDown } from './realserver-down.js';
import type { FaultSpec } from './spec.js';
import { stopKeepalived } from './stop-keepalived.js';
import { stopNginx } from './stop-nginx.js';
import { switchover } from './switchover.js';

export type { FaultSpec } from './spec.js';

/**
 * The drill's faults, in the order `--fault all` runs them. A new fault is one file in this
 * directory, one line here, and its fixture in test/fixtures/drill/<name>/.
 */
const TABLE = [stopKeepalived, killKeepalived, stopNginx, linkDown, realserverDown, switchover] as const;

/** A fault the drill injects on one host, then always takes back. */
export type FaultKind = (typeof TABLE)[number]['name'];

export const FAULT_KINDS: readonly FaultKind[] = TABLE.map((s) => s.name);

const BY_NAME = new Map<string, FaultSpec>(TABLE.map((s) => [s.name, s]));

/** The spec of a fault. */
export function faultSpec(f: FaultKind): FaultSpec {
  return BY_NAME.get(f)!;
}

/** Whether the VIP must leave the master under this fault. */
export function faultMovesVip(f: FaultKind): boolean {
  return faultSpec(f).expect === 'failover';
}

/** The longest a failover may take by the protocol, per the fault's spec; null when no VIP moves. */
export function protocolBound(f: FaultKind, c: DrillConfig): ProtocolBound | null {
  return faultSpec(f).bound(c);
}
