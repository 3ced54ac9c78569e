/**
 * Conditions a role.yaml file entry can put under `when:`; all must hold. Evaluated per cluster
 * for `each: cluster` entries, otherwise over all the host's clusters in the role (any).
 * `systemd` is the host's: it holds unless the inventory forces `service_manager` to sysv or direct.
 */
export const CONDITION_FLAGS = ['nginx', 'lvs', 'lvs_dr', 'lvs_nat', 'keepalived', 'agent', 'systemd'] as const;
export type ConditionFlag = (typeof CONDITION_FLAGS)[number];
export type Flags = Record<ConditionFlag, boolean>;

export interface Condition {
  flag: ConditionFlag;
  negate: boolean;
}

export function holds(when: readonly Condition[], flags: Flags): boolean {
  return when.every((c) => flags[c.flag] !== c.negate);
}

export function noFlags(): Flags {
  return { nginx: false, lvs: false, lvs_dr: false, lvs_nat: false, keepalived: false, agent: false, systemd: false };
}

/** Host-level flags: a flag holds when it holds for any of the host's clusters. */
export function anyFlags(all: readonly Flags[]): Flags {
  const out = noFlags();
  for (const f of all) for (const k of CONDITION_FLAGS) out[k] ||= f[k];
  return out;
}
