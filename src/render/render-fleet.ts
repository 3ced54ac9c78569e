import { formatDiagnostic, hasErrors, type Diagnostic, type Result } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';
import type { Topology } from '../topology/types.js';
import type { DesiredState, HostDesired } from './types.js';
import { RenderSession, renderHostIn, type RenderOptions } from './render-host.js';

/**
 * Render every host that plays a role (inventory order), or those in `opts.limit`. All problems of
 * all hosts are collected; any error means no DesiredState at all, so nothing half-rendered is written.
 */
export function renderFleet(inv: Inventory, topo: Topology, opts: RenderOptions = {}): Result<DesiredState> {
  const session = new RenderSession(inv, topo, opts);
  const wanted = opts.limit ? new Set(opts.limit) : null;
  const names = [...inv.hosts.keys()].filter((h) => topo.roles.has(h) && (!wanted || wanted.has(h)));
  // Hosts the topology knows but the inventory map does not (tests build topologies by hand).
  for (const h of topo.roles.keys()) if (!inv.hosts.has(h) && (!wanted || wanted.has(h))) names.push(h);
  const out: DesiredState = new Map<string, HostDesired>();
  const ds: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const h of names) {
    const r = renderHostIn(session, h);
    for (const d of r.diagnostics) {
      // A broken role.yaml or template fails every host the same way: say it once.
      const key = formatDiagnostic({ ...d, where: { ...d.where, host: undefined } });
      if (!seen.has(key)) {
        seen.add(key);
        ds.push(d);
      }
    }
    if (r.ok) out.set(h, r.value);
  }
  return hasErrors(ds) ? { ok: false, diagnostics: ds } : { ok: true, value: out, diagnostics: ds };
}

/** One host's desired state. */
export function renderHost(inv: Inventory, topo: Topology, host: string, opts: RenderOptions = {}): Result<HostDesired> {
  return renderHostIn(new RenderSession(inv, topo, opts), host);
}
