import { randomBytes } from 'node:crypto';
import type { HostFacts } from '../facts/index.js';
import type { FactsByHost } from '../plan/index.js';
import type { Topology } from '../topology/index.js';
import type { DesiredState } from '../render/index.js';

/**
 * The realserver ledger: on every director, the realservers that may carry something of
 * hafleet's — files a deploy placed (LVS-DR's lo VIP and ARP sysctls, an operator's
 * hafleet_files) or a maintenance flag. In nginx mode a realserver renders nothing, so without
 * the ledger every plan and deploy had to open a session to each of them only to learn that
 * nothing is there (≈ 10–60 ms a host: most of a 50-host plan, nearly all of a 500-host one).
 *
 * Trust rests on three rules (see README "Hosts a command contacts"):
 * - A ledger is read only when every director of the inventory was read in this run and all
 *   hold the same complete ledger (same generation); anything else — a director outside
 *   --limit or unreachable, one ledger missing or different — and every realserver is asked.
 * - Before hafleet places a file or a maintenance flag on a realserver the ledger does not
 *   list, it overwrites the ledger on every director it reaches with an incomplete one (a
 *   tombstone, each with its own generation): from then on the ledgers disagree or are
 *   incomplete until a deploy that read every realserver writes a complete one again. The run
 *   that placed it ends with its own complete ledger on every director or a second tombstone:
 *   a run that read the realservers before the file or flag landed cannot have the last word.
 * - A complete ledger is written only by a deploy that knew every realserver of the inventory
 *   (read after the directors' ledgers, or vouched for by them) and deployed all of them
 *   without a failure, and only over the file it read (compare-and-swap on its sha256): a
 *   concurrent run that tombstoned it in between wins.
 * - A ledger vouches only for the realservers it names as `known` (those the complete write
 *   was made from): a realserver added or renamed since — a name the ledger never saw, maybe a
 *   machine with a flag or files under its old name — is asked until the next complete write.
 * A fleet hafleet never deployed (no director has a deploy record or a ledger) carries nothing
 * of hafleet's on its realservers either: they are not asked on the first plan.
 */
export interface RealserverLedger {
  complete: boolean;
  gen: string;
  /** Realservers that may carry hafleet's files or a maintenance flag: always asked. */
  marked: string[];
  /** Every realserver the complete ledger was written from: the only ones it can vouch for. */
  known: string[];
}

const KIND = 'hafleet-realserver-ledger';

/** What a director's ledger file says, or null when it is not one of ours. Pure. */
export function parseLedger(text: string): RealserverLedger | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const o = v as { kind?: unknown; v?: unknown; complete?: unknown; gen?: unknown; marked?: unknown; known?: unknown };
  if (!o || typeof o !== 'object' || o.kind !== KIND || o.v !== 1 || typeof o.complete !== 'boolean' || typeof o.gen !== 'string') return null;
  const names = (a: unknown): a is string[] => Array.isArray(a) && a.every((m) => typeof m === 'string');
  if (!names(o.marked) || (o.known !== undefined && !names(o.known))) return null;
  // A ledger without `known` (the first ones written) vouches for no realserver.
  return { complete: o.complete, gen: o.gen, marked: [...o.marked].sort(), known: names(o.known) ? [...o.known].sort() : [] };
}

/** The file's text: one JSON document; names are JSON strings, whatever the inventory calls hosts. */
export function ledgerText(l: RealserverLedger & { at?: string; by?: string }): string {
  return JSON.stringify({ kind: KIND, v: 1, complete: l.complete, gen: l.gen, marked: [...l.marked].sort(), known: [...l.known].sort(), ...(l.at ? { at: l.at } : {}), ...(l.by ? { by: l.by } : {}) }) + '\n';
}

export function newGeneration(): string {
  return randomBytes(8).toString('hex');
}

/**
 * An incomplete ledger: every later run asks every realserver until a complete one is written.
 * Each has its own generation, so a compare-and-swap over one tombstone fails over a later one.
 */
export function tombstoneText(): string {
  return ledgerText({ complete: false, gen: `tombstone-${newGeneration()}`, marked: [], known: [] });
}

/** Every director of the inventory (all clusters: the ledger is one for the whole fleet). */
export function fleetDirectors(topology: Topology): string[] {
  return [...new Set(topology.clusters.flatMap((c) => c.directors))];
}

/** Every realserver of the inventory that is no director. */
export function fleetRealservers(topology: Topology): string[] {
  const directors = new Set(fleetDirectors(topology));
  return [...new Set(topology.clusters.flatMap((c) => c.realservers))].filter((r) => !directors.has(r));
}

/**
 * Hosts of this run the ledger may vouch for: realservers (no director) whose roles render no
 * file here. Everything else is read as before.
 */
export function ledgerCandidates(topology: Topology, hosts: readonly string[], desired: DesiredState): Set<string> {
  const realservers = new Set(fleetRealservers(topology));
  return new Set(hosts.filter((h) => realservers.has(h) && (desired.get(h)?.files.length ?? 1) === 0));
}

export type LedgerView =
  | { usable: true; kind: 'complete'; gen: string; marked: ReadonlySet<string>; known: ReadonlySet<string>; directors: string[] }
  | { usable: true; kind: 'fresh'; marked: ReadonlySet<string>; directors: string[] }
  | { usable: false; why: string };

/**
 * What the directors' ledgers, as this run read them, allow: skip the unmarked realservers
 * (complete and agreeing, or a fleet never deployed), or nothing. Pure.
 */
export function ledgerView(topology: Topology, facts: FactsByHost): LedgerView {
  const directors = fleetDirectors(topology);
  if (directors.length === 0) return { usable: false, why: 'the inventory has no director' };
  const read: HostFacts[] = [];
  for (const d of directors) {
    const f = facts.get(d);
    if (!f) return { usable: false, why: `director ${d} is not in this run` };
    if (!f.ok) return { usable: false, why: `director ${d} could not be read` };
    if (f.value.readScope) return { usable: false, why: `director ${d} was not read in full` };
    read.push(f.value);
  }
  if (read.every((f) => !f.realserverLedger)) {
    const deployed = read.filter((f) => f.lastDeploy).map((f) => f.host);
    if (deployed.length) return { usable: false, why: `no director keeps a realserver ledger yet, but ${deployed.join(', ')} ${deployed.length === 1 ? 'was' : 'were'} deployed before` };
    return { usable: true, kind: 'fresh', marked: new Set(), directors };
  }
  const ledgers = read.map((f) => (f.realserverLedger ? parseLedger(f.realserverLedger.text) : null));
  const missing = directors.filter((_, n) => !read[n]!.realserverLedger);
  if (missing.length) return { usable: false, why: `${missing.join(', ')} ${missing.length === 1 ? 'keeps' : 'keep'} no realserver ledger` };
  const bad = directors.filter((_, n) => !ledgers[n]);
  if (bad.length) return { usable: false, why: `the realserver ledger on ${bad.join(', ')} is not hafleet's` };
  const first = ledgers[0]!;
  if (!ledgers.every((l) => l!.complete)) return { usable: false, why: 'the realserver ledger is incomplete (a realserver got a file or a maintenance flag since the last full deploy)' };
  if (!ledgers.every((l) => l!.gen === first.gen && l!.marked.join('\n') === first.marked.join('\n') && l!.known.join('\n') === first.known.join('\n'))) return { usable: false, why: 'the directors\' realserver ledgers differ' };
  return { usable: true, kind: 'complete', gen: first.gen, marked: new Set(first.marked), known: new Set(first.known), directors };
}

/**
 * Whether the view lets this run leave `host` alone: a usable view, the host not marked, and
 * named by the ledger (a fresh fleet's view vouches for every realserver). Pure.
 */
export function vouches(v: LedgerView | null, host: string): boolean {
  if (!v?.usable || v.marked.has(host)) return false;
  return v.kind === 'fresh' || v.known.has(host);
}

/** Why a realserver was not contacted, as plan says it. */
export function notContactedWhy(v: Extract<LedgerView, { usable: true }>): string {
  return v.kind === 'fresh'
    ? `no director (${v.directors.join(', ')}) was deployed by hafleet yet: nothing of hafleet's can be on a realserver`
    : `the realserver ledger on ${v.directors.join(', ')} lists no file and no maintenance flag of hafleet's here`;
}

/** The facts a host not contacted stands for: empty, and saying so (readScope `ledger`). */
export function notContactedFacts(host: string, why: string): HostFacts {
  return { host, serviceManager: 'direct', processes: {}, files: {}, addresses: [], sysctls: {}, tools: {}, lastDeploy: null, managedFiles: {}, readScope: 'ledger', notContacted: why };
}
