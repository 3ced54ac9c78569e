import { mapLimit } from '../async/index.js';
import { gatherFacts } from '../facts/index.js';
import { renderFleet, withMaintenance } from '../render/index.js';
import type { FactsByHost } from '../plan/index.js';
import type { Transport } from '../transport/index.js';
import { hostRefOf } from './host-refs.js';
import type { Fleet } from './load.js';
import { ledgerView, vouches } from './ledger.js';

/**
 * The realservers in maintenance (`hafleet maintenance RS on`) among those the fleet's directors
 * send to. The flag is state on the realserver, not inventory: the facts of a realserver in the
 * fleet carry it; one outside --limit (a deploy of the directors alone) is asked with the
 * cheapest read there is, its deploy record, so a `deploy --limit lb*` keeps it drained too.
 * A realserver that cannot be read counts as in service (nginx's max_fails still guards it).
 */
export async function drainedRealservers(fleet: Fleet, transport: Transport, facts: FactsByHost, o: { forks: number; signal?: AbortSignal; contactAll?: boolean }): Promise<string[]> {
  const inFleet = new Set(fleet.hosts);
  const wanted = new Set<string>();
  for (const c of fleet.topology.clusters) {
    if (!c.directors.some((d) => inFleet.has(d))) continue;
    for (const r of c.realservers) wanted.add(r);
  }
  const drained = new Set<string>();
  const outside: string[] = [];
  for (const r of wanted) {
    const f = facts.get(r);
    if (f) {
      if (f.ok && f.value.maintenance) drained.add(r);
    } else outside.push(r);
  }
  // The directors' realserver ledger lists every realserver with a maintenance flag: when it can
  // be trusted (ledger.ts), the others need no session.
  const view = o.contactAll || outside.length === 0 ? null : ledgerView(fleet.topology, facts);
  const ask = outside.filter((r) => !vouches(view, r));
  await mapLimit(ask, o.forks, async (r) => {
    const got = await gatherFacts(transport, hostRefOf(fleet.inventory, r), { paths: [], managedDirs: [], sysctls: [], recordOnly: true }, o.signal, { timeoutMs: 30_000 });
    if (got.ok && got.value.maintenance) drained.add(r);
  });
  return [...wanted].filter((r) => drained.has(r));
}

/**
 * Render the fleet's hosts again with `drained` realservers marked (nginx `down`, LVS weight 0)
 * and put the result in `fleet.desired`, in place: the plan, its validation and deploy all read
 * that one map, so they cannot disagree about what is drained.
 */
export function settleDrained(fleet: Fleet, drained: readonly string[]): void {
  if (!drained.length) return;
  const r = renderFleet(fleet.inventory, withMaintenance(fleet.topology, drained), { limit: fleet.hosts, secrets: fleet.secrets });
  // loadFleet rendered this same inventory without the flags: a failure here is a bug, not input.
  if (!r.ok) throw new Error(`rendering with realservers in maintenance (${drained.join(', ')}) failed: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  for (const [host, want] of r.value) fleet.desired.set(host, want);
}

/** A host in maintenance as plan shows it: what the flag does there. */
export interface HostInMaintenance {
  host: string;
  role: 'director' | 'realserver';
}

/**
 * Every host of the plan whose maintenance flag is set: directors (their day-2 track file keeps
 * them out of every election) from their facts, realservers from `drained` (which also reads
 * those outside --limit). Plan shows them, because deploy keeps them so: the flag is state on
 * the host, never overwritten by a deploy.
 */
export function hostsInMaintenance(fleet: Fleet, facts: FactsByHost, drained: readonly string[]): HostInMaintenance[] {
  const directors = new Set(fleet.topology.clusters.flatMap((c) => c.directors));
  const out: HostInMaintenance[] = [];
  for (const h of fleet.hosts) {
    const f = facts.get(h);
    if (directors.has(h) && f?.ok && f.value.maintenance) out.push({ host: h, role: 'director' });
  }
  for (const r of drained) if (!directors.has(r)) out.push({ host: r, role: 'realserver' });
  return out;
}

/** Plan's text lines for them (empty when none). */
export function maintenanceText(hosts: readonly HostInMaintenance[]): string {
  if (!hosts.length) return '';
  const lines = hosts.map((m) => `  ${m.host}: ${m.role === 'director' ? 'director, holds no VIP (its maintenance track file)' : "realserver, drained (nginx 'down' / LVS weight 0 on the directors)"}`);
  return `\nIn maintenance (state on the hosts; deploy keeps it — \`hafleet maintenance HOST off\` ends it):\n${lines.join('\n')}\n`;
}
