import { hostname, userInfo } from 'node:os';
import { mapLimit } from '../async/index.js';
import { hasErrors, type Diagnostic, type Result } from '../diagnostics/index.js';
import { loadInventory, selectHosts, type ConnectionDefaults, type Inventory, type LoadOptions } from '../inventory/index.js';
import { gateInventory } from '../lint/index.js';
import { secretsOf, type Topology } from '../topology/index.js';
import { renderFleet, type DesiredState } from '../render/index.js';
import { hostRefOf, type HostRef, type Outcome, type Transport } from '../transport/index.js';
import { gatherFacts, type HostFacts, type ServiceManager } from '../facts/index.js';
import { isManagedPath, type FactsByHost } from '../plan/index.js';

/** Everything a fleet command needs before it touches a host. */
export interface Fleet {
  inventory: Inventory;
  topology: Topology;
  desired: DesiredState;
  /** Hosts with a role, limited by --limit, in inventory order. */
  hosts: string[];
  refs: Map<string, HostRef>;
  /** Literal secrets (auth_pass…): masked in everything printed. */
  secrets: string[];
}

/**
 * inventory → gate (lint's checks) → topology → desired state → host refs, for an optional
 * --limit pattern. Every diagnostic is collected; the result fails when any is an error (the CLI
 * exits 65), and nothing here touches a host.
 */
export function loadFleet(inventoryPath: string | readonly string[], limit?: string, o: { load?: LoadOptions; connectionDefaults?: ConnectionDefaults } = {}): Result<Fleet> {
  const ds: Diagnostic[] = [];
  const inv = loadInventory(inventoryPath, process.env, o.load);
  ds.push(...inv.diagnostics);
  if (!inv.ok) return { ok: false, diagnostics: ds };
  // ansible.cfg's remote_user, key, become…: below every host variable (connectionOf).
  if (o.connectionDefaults) inv.value.connectionDefaults = o.connectionDefaults;
  let limited: string[] | undefined;
  if (limit !== undefined) {
    const sel = selectHosts(inv.value, limit);
    ds.push(...sel.diagnostics);
    if (!sel.ok) return { ok: false, diagnostics: ds };
    limited = sel.value;
  }
  // The same checks as `hafleet lint`: an error stops here, before any host is contacted.
  const topo = gateInventory(inv.value);
  ds.push(...topo.diagnostics);
  if (!topo.ok) return { ok: false, diagnostics: ds };
  const secrets = secretsOf(topo.value);
  const rendered = renderFleet(inv.value, topo.value, { ...(limited ? { limit: limited } : {}), secrets });
  ds.push(...rendered.diagnostics);
  if (!rendered.ok || hasErrors(ds)) return { ok: false, diagnostics: ds };
  const hosts = [...rendered.value.keys()];
  const refs = new Map(hosts.map((h) => [h, hostRefOf(inv.value, h)]));
  return { ok: true, value: { inventory: inv.value, topology: topo.value, desired: rendered.value, hosts, refs, secrets }, diagnostics: ds };
}

/** Paths an earlier deploy placed (its record) that are no longer rendered: removal candidates. */
function placedNotRendered(facts: HostFacts, renderedPaths: ReadonlySet<string>, managedPaths: readonly string[]): string[] {
  // The record is data from the host: a path outside the managed dirs is never read (its content
  // would land in the plan's diff) nor removed.
  return (facts.lastDeploy?.files ?? []).map((f) => f.path).filter((p) => !renderedPaths.has(p) && isManagedPath(p, managedPaths));
}

/**
 * Facts for every host of the fleet, `forks` at once: one remote command per host for the
 * rendered files. Listing whole managed dirs costs every host a fork per file there (system
 * files in /etc/sysctl.d, /usr/local/sbin…); only the deploy record's files can be removed, so
 * those are read in a second command, and only on hosts that have any.
 */
export async function gatherFleetFacts(transport: Transport, fleet: Fleet, o: { forks: number; signal?: AbortSignal; onHost?: (host: string, facts: Outcome<HostFacts>) => void }): Promise<FactsByHost> {
  const out: FactsByHost = new Map();
  await mapLimit(fleet.hosts, o.forks, async (host) => {
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
  });
  return out;
}

/** The inventory's `service_manager` for a host, when it forces one (lint checks the value). */
export function serviceManagerOf(inv: Inventory, host: string): ServiceManager | undefined {
  const v = inv.hosts.get(host)?.vars['service_manager'];
  return v === 'systemd' || v === 'sysv' || v === 'direct' ? v : undefined;
}

/** `user@admin-host`, for locks and deploy records. */
export function whoAmI(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry: keep "unknown" */
  }
  return `${user}@${hostname()}`;
}
