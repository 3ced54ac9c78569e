import type { Clock } from '../async/index.js';
import { parseIpJson, vipHolders, type HostAddress } from '../host-addresses/index.js';
import type { HostRef, Transport } from '../transport/types.js';

/** What a director is asked for its addresses (the one model: `host-addresses`). */
export const ADDRESSES_COMMAND = 'ip -j addr show';

/** VIP → the directors holding it; "settled" when every VIP has exactly one. */
export function vipPlacement(vips: readonly string[], byHost: ReadonlyMap<string, readonly HostAddress[] | null>): { settled: boolean; holders: Record<string, string[]> } {
  const holders = vipHolders(byHost, vips);
  return { settled: vips.every((v) => holders[v]!.length === 1), holders };
}

/**
 * A director's addresses now; null when it cannot be asked or its answer is not `ip -j addr`
 * (then nobody can say what it holds).
 */
export async function addressesOf(transport: Transport, ref: HostRef, timeoutMs: number, signal?: AbortSignal): Promise<HostAddress[] | null> {
  const r = await transport.exec(ref, ADDRESSES_COMMAND, { privileged: false, timeoutMs, ...(signal ? { signal } : {}) });
  return r.ok && r.value.code === 0 ? parseIpJson(r.value.stdout)?.addresses ?? null : null;
}

export interface VipWaitOptions {
  clock: Clock;
  deadlineMs: number;
  pollMs?: number;
  signal?: AbortSignal;
  /**
   * Settled looks in a row that end the wait (default 2: a speaker's reload can flip a VIP a
   * moment after a first good look). 1 only where nothing that could move a VIP was touched.
   */
  looks?: 1 | 2;
}

/**
 * Poll the directors until each VIP is held by exactly one of them, twice in a row (a reload can
 * flip a VIP a moment after a first good look; `looks: 1` where none was reloaded).
 * Unreachable directors count as holding nothing.
 */
export async function waitForVips(transport: Transport, directors: readonly HostRef[], vips: readonly string[], o: VipWaitOptions): Promise<{ settled: boolean; holders: Record<string, string[]> }> {
  const start = o.clock.now();
  let streak = 0;
  let last = vipPlacement(vips, new Map());
  for (;;) {
    const byHost = new Map<string, HostAddress[] | null>();
    // Filled in the directors' order, so holders are named in that order whoever answers first.
    for (const d of directors) byHost.set(d.name, null);
    await Promise.all(directors.map(async (d) => { byHost.set(d.name, await addressesOf(transport, d, 5000, o.signal)); }));
    last = vipPlacement(vips, byHost);
    streak = last.settled ? streak + 1 : 0;
    if (streak >= (o.looks ?? 2)) return last;
    if (o.clock.now() - start >= o.deadlineMs || o.signal?.aborted) return last;
    await o.clock.sleep(o.pollMs ?? 300, o.signal).catch(() => undefined);
  }
}
