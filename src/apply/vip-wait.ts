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
  /**
   * When the protocol says the VIPs are due (clock time; a hastened first election: the holder's
   * Skew_Time after the priority-0 advert, plus a margin). No look before then (nobody can hold
   * them yet), then looks `every` ms apart until `until` (clock time), then every `pollMs`. A
   * settled look is confirmed `pollMs` later, as in any wait: the window only finds the election.
   */
  due?: { at: number; every: number; until: number };
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
  if (o.due && o.due.at > start) await o.clock.sleep(Math.min(o.due.at - start, o.deadlineMs), o.signal).catch(() => undefined);
  for (;;) {
    const byHost = new Map<string, HostAddress[] | null>();
    // Filled in the directors' order, so holders are named in that order whoever answers first.
    for (const d of directors) byHost.set(d.name, null);
    await Promise.all(directors.map(async (d) => { byHost.set(d.name, await addressesOf(transport, d, 5000, o.signal)); }));
    last = vipPlacement(vips, byHost);
    streak = last.settled ? streak + 1 : 0;
    if (streak >= (o.looks ?? 2)) return last;
    if (o.clock.now() - start >= o.deadlineMs || o.signal?.aborted) return last;
    await o.clock.sleep(nextLookMs(o, streak), o.signal).catch(() => undefined);
  }
}

/** How long until the next look: the due window's short steps while the election is not seen yet. */
export function nextLookMs(o: Pick<VipWaitOptions, 'clock' | 'pollMs' | 'due'>, streak: number): number {
  const poll = o.pollMs ?? 300;
  if (!o.due || streak > 0) return poll;
  const left = o.due.until - o.clock.now();
  return left > 0 ? Math.min(poll, o.due.every) : poll;
}
