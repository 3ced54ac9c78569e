import { hasErrors, type Diagnostic, type Result } from '../diagnostics/index.js';
import { loadInventory, selectHosts, type ConnectionDefaults, type Inventory, type LoadOptions } from '../inventory/index.js';
import { gateInventory } from '../lint/index.js';
import { secretsOf, type Topology } from '../topology/index.js';
import { renderFleet, type DesiredState } from '../render/index.js';
import type { HostRef } from '../transport/index.js';
import { hostRefOf, type RefSource } from './host-refs.js';

/** Everything a fleet command needs before it touches a host. */
export interface Fleet {
  inventory: Inventory;
  topology: Topology;
  desired: DesiredState;
  /** Hosts with a role, limited by `limit`, in inventory order. */
  hosts: string[];
  refs: Map<string, HostRef>;
  /** Literal secrets (auth_pass…): masked in everything printed. */
  secrets: string[];
}

export interface LoadFleetOptions {
  /** The environment inventory scripts and lookups see (the CLI passes its own). */
  env: NodeJS.ProcessEnv;
  /** An Ansible host pattern (--limit). */
  limit?: string;
  load?: LoadOptions;
  /** ansible.cfg's remote_user, key, become…: below every host variable (connectionOf). */
  connectionDefaults?: ConnectionDefaults;
  /** Where User/Port left open come from: ~/.ssh/config and the local user (read once when not given). */
  refs?: RefSource;
}

/**
 * inventory → gate (lint's checks) → topology → desired state → host refs. Every diagnostic is
 * collected; the result fails when any is an error, and nothing here touches a host.
 */
export function loadFleet(sources: string | readonly string[], o: LoadFleetOptions): Result<Fleet> {
  const ds: Diagnostic[] = [];
  const inv = loadInventory(sources, o.env, o.load);
  ds.push(...inv.diagnostics);
  if (!inv.ok) return { ok: false, diagnostics: ds };
  if (o.connectionDefaults) inv.value.connectionDefaults = o.connectionDefaults;
  let limited: string[] | undefined;
  if (o.limit !== undefined) {
    const sel = selectHosts(inv.value, o.limit);
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
  const refs = new Map(hosts.map((h) => [h, hostRefOf(inv.value, h, o.refs)]));
  return { ok: true, value: { inventory: inv.value, topology: topo.value, desired: rendered.value, hosts, refs, secrets }, diagnostics: ds };
}
