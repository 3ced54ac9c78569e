import { FAULT_KINDS, faultSpec, type FaultKind } from './faults/index.js';

/**
 * Other names of the faults, from their specs: the engine-neutral names of the VRRP-speaker
 * faults. The keepalived names stay the canonical ones (users and scripts know them); on an
 * agent director they stop or kill the hafleet agent.
 */
export const FAULT_ALIASES: Readonly<Record<string, FaultKind>> = Object.fromEntries(FAULT_KINDS.flatMap((f) => faultSpec(f).aliases.map((a) => [a, f])));

/** A fault name as a user types it (canonical or alias) → the fault; undefined when unknown. */
export function faultKindOf(name: string): FaultKind | undefined {
  const n = name.trim();
  if ((FAULT_KINDS as readonly string[]).includes(n)) return n as FaultKind;
  return Object.hasOwn(FAULT_ALIASES, n) ? FAULT_ALIASES[n] : undefined;
}

/**
 * `--fault` as typed: `all`, or a comma-separated list of names and aliases. Each fault once, in
 * the order given (an alias and its canonical name are the same fault); unknown names collected.
 */
export function parseFaultList(text: string): { faults: FaultKind[]; unknown: string[] } {
  if (text.trim() === 'all') return { faults: [...FAULT_KINDS], unknown: [] };
  const faults: FaultKind[] = [];
  const unknown: string[] = [];
  for (const name of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const f = faultKindOf(name);
    if (!f) unknown.push(name);
    else if (!faults.includes(f)) faults.push(f);
  }
  return { faults, unknown };
}

/** What the user reads for the known names: the faults, then the aliases with what they mean. */
export function faultNamesHelp(): string {
  return `${FAULT_KINDS.join(', ')}, all; aliases ${Object.entries(FAULT_ALIASES).map(([a, f]) => `${a} (= ${f})`).join(', ')}`;
}

/** One line per fault for a help text: its names, then what it does. */
export function faultHelpLine(f: FaultKind): string {
  const s = faultSpec(f);
  return `${[s.name, ...s.aliases].join(', ')}: ${s.description}`;
}
