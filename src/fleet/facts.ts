import { mapLimit } from '../async/index.js';
import type { Inventory } from '../inventory/index.js';
import type { Outcome, Transport } from '../transport/index.js';
import { gatherFacts, type HostFacts, type ServiceManager } from '../facts/index.js';
import { isManagedPath, type FactsByHost } from '../plan/index.js';
import type { Fleet } from './load.js';
import { fleetDirectors, ledgerCandidates, ledgerView, notContactedFacts, notContactedWhy, vouches } from './ledger.js';

/** Paths an earlier deploy placed (its record) that are no longer rendered: removal candidates. */
function placedNotRendered(facts: HostFacts, renderedPaths: ReadonlySet<string>, managedPaths: readonly string[]): string[] {
  // The record is data from the host: a path outside the managed dirs is never read (its content
  // would land in the plan's diff) nor removed.
  return (facts.lastDeploy?.files ?? []).map((f) => f.path).filter((p) => !renderedPaths.has(p) && isManagedPath(p, managedPaths));
}

export interface GatherOptions {
  forks: number;
  signal?: AbortSignal;
  /** Each host's facts as soon as they are in (plan validates that host meanwhile). */
  onHost?: (host: string, facts: Outcome<HostFacts>) => void;
  /** Ask every host, also realservers the directors' ledger vouches for (--contact-all). */
  contactAll?: boolean;
}

/**
 * Facts for every host of the fleet, `forks` at once: one remote command per host for the
 * rendered files. Listing whole managed dirs costs every host a fork per file there (system
 * files in /etc/sysctl.d, /usr/local/sbin…); only the deploy record's files can be removed, so
 * those are read in a second command, and only on hosts that have any.
 *
 * Realservers whose roles render nothing (nginx mode) are read after the directors, and only
 * those the directors' realserver ledger does not vouch for (ledger.ts): the others stand in
 * the facts as not contacted (readScope `ledger`, saying why).
 */
export async function gatherFleetFacts(fleet: Fleet, transport: Transport, o: GatherOptions): Promise<FactsByHost> {
  const out: FactsByHost = new Map();
  const readHost = async (host: string) => {
    const want = fleet.desired.get(host)!;
    const ref = fleet.refs.get(host)!;
    const paths = want.files.map((f) => f.path);
    const forced = serviceManagerOf(fleet.inventory, host);
    // Roles that render nothing here (a realserver in nginx mode): whether an earlier mode placed
    // files cannot be known without asking, so the host is checked with the cheapest read, its
    // deploy record; a full read follows only when that record lists files to remove.
    const recordOnly = paths.length === 0;
    let r = await gatherFacts(transport, ref, { paths, managedDirs: [], sysctls: [], ...(recordOnly ? { recordOnly } : {}), ...(forced ? { serviceManager: forced } : {}) }, o.signal, { timeoutMs: 30_000 });
    const stale = r.ok ? placedNotRendered(r.value, new Set(paths), want.managedPaths) : [];
    if (r.ok && stale.length > 0) {
      const more = await gatherFacts(transport, ref, { paths: stale, managedDirs: [], sysctls: [], ...(forced ? { serviceManager: forced } : {}) }, o.signal, { timeoutMs: 30_000 });
      r = more.ok ? (recordOnly ? more : { ok: true, value: { ...r.value, files: { ...r.value.files, ...more.value.files } } }) : more;
    }
    out.set(host, r);
    o.onHost?.(host, r);
  };
  // The ledger can vouch only when every director is in this run: otherwise one pass, as before.
  // The candidates are read after the directors even with --contact-all: a deploy writes a
  // complete ledger only from realservers read after the ledger it replaces (ledger.ts).
  const inRun = new Set(fleet.hosts);
  const candidates = !fleetDirectors(fleet.topology).every((d) => inRun.has(d)) ? new Set<string>() : ledgerCandidates(fleet.topology, fleet.hosts, fleet.desired);
  await mapLimit(fleet.hosts.filter((h) => !candidates.has(h)), o.forks, readHost);
  if (candidates.size === 0) return ordered(fleet.hosts, out);
  const view = ledgerView(fleet.topology, out);
  const vouched = (h: string) => !o.contactAll && vouches(view, h);
  const ask = [...candidates].filter((h) => !vouched(h));
  if (view.usable) for (const h of candidates) if (vouched(h)) out.set(h, { ok: true, value: notContactedFacts(h, notContactedWhy(view)) });
  await mapLimit(ask, o.forks, readHost);
  return ordered(fleet.hosts, out);
}

/** The map in the fleet's host order (callers print facts in it). */
function ordered(hosts: readonly string[], m: FactsByHost): FactsByHost {
  return new Map(hosts.filter((h) => m.has(h)).map((h) => [h, m.get(h)!]));
}

/** The inventory's `service_manager` for a host, when it forces one (lint checks the value). */
export function serviceManagerOf(inv: Inventory, host: string): ServiceManager | undefined {
  const v = inv.hosts.get(host)?.vars['service_manager'];
  return v === 'systemd' || v === 'sysv' || v === 'direct' ? v : undefined;
}
