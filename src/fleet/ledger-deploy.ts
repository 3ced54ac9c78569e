import type { DeployResult } from '../apply/index.js';
import type { FactsByHost } from '../plan/index.js';
import type { HostRef, Transport } from '../transport/index.js';
import { fleetDirectors, fleetRealservers, ledgerText, ledgerView, newGeneration } from './ledger.js';
import { tombstoneLedgers, writeLedgers, type LedgerExpect, type LedgerWrite } from './ledger-write.js';
import type { Fleet } from './load.js';

/** Realservers of this run that will carry a file of hafleet's after the deploy. */
function carriers(fleet: Fleet): string[] {
  const inRun = new Set(fleet.hosts);
  return fleetRealservers(fleet.topology).filter((r) => inRun.has(r) && (fleet.desired.get(r)?.files.length ?? 0) > 0);
}

export interface LedgerBefore {
  /** Directors whose ledger this run replaced with its tombstone (the end write expects it there). */
  tombstoned: string[];
  /** The sha256 of that tombstone. */
  tombstoneSha256?: string;
  writes: LedgerWrite[];
  /** Set when no director took the tombstone: the deploy must not place realserver files. */
  refused?: string;
}

/**
 * Before a deploy: when a realserver is about to carry a file the directors' agreeing ledger
 * does not list (or the ledger cannot be seen whole from this run), every director of the
 * inventory gets an incomplete ledger first — also those outside --limit, reached through
 * `refOf`. Nothing to do in nginx mode without hafleet_files on realservers.
 */
export async function ledgerBeforeDeploy(fleet: Fleet, facts: FactsByHost, transport: Transport, refOf: (host: string) => HostRef, o: { signal?: AbortSignal } = {}): Promise<LedgerBefore> {
  const directors = fleetDirectors(fleet.topology);
  const files = carriers(fleet);
  if (directors.length === 0 || files.length === 0) return { tombstoned: [], writes: [] };
  const view = ledgerView(fleet.topology, facts);
  if (view.usable && view.kind === 'complete' && files.every((r) => view.marked.has(r))) return { tombstoned: [], writes: [] };
  const t = await tombstoneLedgers(transport, directors.map(refOf), o);
  const tombstoned = t.writes.filter((w) => w.outcome === 'written').map((w) => w.host);
  if (t.ok) return { tombstoned, tombstoneSha256: t.sha256, writes: t.writes };
  return {
    tombstoned,
    tombstoneSha256: t.sha256,
    writes: t.writes,
    refused: `no director (${directors.join(', ')}) could be told that ${files.join(', ')} will carry hafleet's files (realserver ledger: ${t.writes.map((w) => `${w.host}: ${w.message ?? w.outcome}`).join('; ')})`,
  };
}

export interface LedgerAfter {
  /** What happened: written (with the marked realservers), current (nothing to write), or why not. */
  outcome: 'written' | 'current' | 'not-written';
  why?: string;
  marked?: string[];
  writes?: LedgerWrite[];
  /**
   * This run tombstoned the ledger and its complete one did not land on every director: a
   * second tombstone went everywhere, so no run that read the realservers before this one's
   * files landed has the last word.
   */
  sealed?: LedgerWrite[];
}

/**
 * After a deploy that knew every realserver of the inventory (read, or vouched for by the
 * agreeing ledgers) and left none failed: a complete ledger on every director, listing the
 * realservers that carry hafleet's files or a maintenance flag — written only over the file
 * this run read (or its own tombstone), so a run that marked a realserver meanwhile wins.
 */
export async function ledgerAfterDeploy(fleet: Fleet, facts: FactsByHost, result: DeployResult, before: LedgerBefore, transport: Transport, refOf: (host: string) => HostRef, o: { signal?: AbortSignal } = {}): Promise<LedgerAfter> {
  const a = await completeAfterDeploy(fleet, facts, result, before, transport, o);
  if (before.tombstoned.length === 0) return a;
  const landed = a.outcome === 'written' && a.writes!.every((w) => w.outcome === 'written');
  if (landed) return a;
  return { ...a, sealed: await sealLedgers(fleet, transport, refOf) };
}

/**
 * The second tombstone of a run that tombstoned before placing realserver files: also when the
 * deploy itself threw. Not under the run's signal: after a Ctrl-C (or a deploy cut short by one)
 * the seal is what keeps a concurrent run that read the realservers before this one's files from
 * having the last word. Each write still ends within its own timeout.
 */
export async function sealLedgers(fleet: Fleet, transport: Transport, refOf: (host: string) => HostRef): Promise<LedgerWrite[]> {
  return (await tombstoneLedgers(transport, fleetDirectors(fleet.topology).map(refOf))).writes;
}

async function completeAfterDeploy(fleet: Fleet, facts: FactsByHost, result: DeployResult, before: LedgerBefore, transport: Transport, o: { signal?: AbortSignal }): Promise<LedgerAfter> {
  const directors = fleetDirectors(fleet.topology);
  if (directors.length === 0) return { outcome: 'not-written', why: 'the inventory has no director' };
  const inRun = new Set(fleet.hosts);
  const outside = [...directors, ...fleetRealservers(fleet.topology)].filter((h) => !inRun.has(h));
  if (outside.length) return { outcome: 'not-written', why: `${outside.length} director(s)/realserver(s) outside this run` };
  const unread = directors.filter((d) => { const f = facts.get(d); return !f?.ok || f.value.readScope; });
  if (unread.length) return { outcome: 'not-written', why: `${unread.join(', ')} not read` };
  const byHost = new Map(result.hosts.map((h) => [h.host, h]));
  const realservers = fleetRealservers(fleet.topology);
  const notDone = realservers.filter((r) => { const h = byHost.get(r); return !facts.get(r)?.ok || !h || (h.status !== 'ok' && h.status !== 'changed'); });
  if (notDone.length) return { outcome: 'not-written', why: `${notDone.length} realserver(s) not deployed (${notDone.slice(0, 5).join(', ')}${notDone.length > 5 ? ', …' : ''})` };
  const marked = realservers.filter((r) => {
    const f = facts.get(r)!;
    return (fleet.desired.get(r)?.files.length ?? 0) > 0 || (f.ok && f.value.maintenance === true);
  }).sort();
  const view = ledgerView(fleet.topology, facts);
  const same = (a: Iterable<string>, b: readonly string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');
  if (before.tombstoned.length === 0 && view.usable && view.kind === 'complete' && same(view.marked, marked) && same(view.known, realservers)) return { outcome: 'current', marked };
  const targets = directors.map((d) => {
    const f = facts.get(d)!;
    const expect: LedgerExpect = before.tombstoned.includes(d) && before.tombstoneSha256 ? before.tombstoneSha256 : f.ok && f.value.realserverLedger ? f.value.realserverLedger.sha256 : 'absent';
    return { ref: fleet.refs.get(d)!, expect };
  });
  const text = ledgerText({ complete: true, gen: newGeneration(), marked, known: realservers, at: new Date().toISOString() });
  const writes = await writeLedgers(transport, targets, text, o);
  return { outcome: 'written', marked, writes };
}

/** The human line for the deploy's output (null when there is nothing worth saying). */
export function ledgerAfterText(a: LedgerAfter): string | null {
  if (a.outcome === 'current') return null;
  if (a.outcome === 'not-written') return null;
  const bad = (a.writes ?? []).filter((w) => w.outcome !== 'written');
  const head = `realserver ledger written on ${(a.writes ?? []).filter((w) => w.outcome === 'written').map((w) => w.host).join(', ') || 'no director'}: ${a.marked!.length ? `${a.marked!.length} realserver(s) carry hafleet's files or a maintenance flag (${a.marked!.slice(0, 5).join(', ')}${a.marked!.length > 5 ? ', …' : ''})` : "no realserver carries anything of hafleet's"}; plan and deploy contact the others no more`;
  return bad.length ? `${head}; not on ${bad.map((w) => `${w.host} (${w.outcome === 'changed' ? 'changed by another run meanwhile' : w.message})`).join(', ')}: the next runs ask every realserver` : head;
}
