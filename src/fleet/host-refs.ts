import { connectionOf, type Inventory } from '../inventory/index.js';
import { hostRefFromConnection, loadUserSshConfig, localUserName, type HostRef, type SshConfig } from '../transport/index.js';
import type { Topology } from '../topology/index.js';

/** What fills a HostRef where the inventory is silent: ~/.ssh/config, then the local user. */
export interface RefSource {
  sshConfig: SshConfig;
  localUser: string;
}

let cached: RefSource | undefined;
/** ~/.ssh/config and this process's user, read once per process (the CLI may give its own). */
function defaultSource(): RefSource {
  cached ??= { sshConfig: loadUserSshConfig(), localUser: localUserName() };
  return cached;
}

/** The HostRef of an inventory host (inventory variables, then ~/.ssh/config, then the local user). */
export function hostRefOf(inv: Inventory, host: string, src: RefSource = defaultSource()): HostRef {
  return hostRefFromConnection(host, connectionOf(inv, host), src.sshConfig, src.localUser);
}

/**
 * Connections to every director of every cluster with a director among `hosts`: a cluster lock
 * is taken on all of them, also those --limit leaves out (the fleet's refs cover the limited
 * hosts only).
 */
export function clusterRefsOf(fleet: { inventory: Inventory; topology: Topology; hosts: readonly string[]; refs: ReadonlyMap<string, HostRef> }, src?: RefSource): Map<string, HostRef> {
  const out = new Map(fleet.refs);
  const inDeploy = new Set(fleet.hosts);
  for (const c of fleet.topology.clusters) {
    if (!c.directors.some((d) => inDeploy.has(d))) continue;
    for (const d of c.directors) if (!out.has(d)) out.set(d, hostRefOf(fleet.inventory, d, src));
  }
  return out;
}
