import type { HostRef, Transport } from '../transport/types.js';
import { parseIpJson, vipHolders, type HostAddress } from '../host-addresses/index.js';
import type { Cluster, VrrpInstance } from '../topology/types.js';
import type { DrillConfig } from './types.js';

/** A host's addresses now; null when it cannot be asked or its answer is not `ip -j addr`. */
async function addressesOf(transport: Transport, ref: HostRef, signal?: AbortSignal): Promise<HostAddress[] | null> {
  const r = await transport.exec(ref, 'ip -j addr show', { privileged: false, timeoutMs: 3000, ...(signal ? { signal } : {}) });
  if (!r.ok || r.value.code !== 0) return null;
  return parseIpJson(r.value.stdout)?.addresses ?? null;
}

/** Who of `refs` holds the VIP now (any interface but lo), and who could not be asked. */
export async function holders(transport: Transport, refs: HostRef[], vip: string, signal?: AbortSignal): Promise<{ holders: string[]; unknown: string[] }> {
  const byHost = new Map(await Promise.all(refs.map(async (r) => [r.name, await addressesOf(transport, r, signal)] as const)));
  return { holders: vipHolders(byHost, [vip])[vip]!, unknown: [...byHost].filter(([, a]) => a === null).map(([n]) => n) };
}

/**
 * Poll until `done` says so or the deadline passes; true when it did. Polls are sequential
 * (one round of SSH execs at a time), `everyMs` apart.
 */
export async function pollUntil(done: () => Promise<boolean>, deadlineMs: number, everyMs: number, signal?: AbortSignal): Promise<boolean> {
  while (performance.timeOrigin + performance.now() < deadlineMs) {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    if (await done()) return true;
    await new Promise((res) => setTimeout(res, everyMs));
  }
  return false;
}

/** The VRRP settings of an instance as the drill's bound needs them. */
export function drillConfig(cluster: Cluster, inst: VrrpInstance, master: string, backup: string | undefined): DrillConfig {
  const prio = (h: string | undefined) => inst.members.find((m) => m.host === h)?.priority ?? 100;
  const track = cluster.trackScripts.find((t) => inst.trackScripts.includes(t.name));
  return {
    version: inst.version,
    advertIntSec: inst.advertInt,
    preempt: inst.preempt,
    preemptDelaySec: inst.preemptDelaySec,
    masterPriority: prio(master),
    backupPriority: prio(backup),
    ...(track ? { track: { intervalSec: track.intervalSec, timeoutSec: track.timeoutSec, fall: track.fall, weight: track.weight } } : {}),
  };
}
