import type { Clock } from '../async/index.js';
import type { HostRef, Transport } from '../transport/types.js';

/** `ip -o addr` lines → addresses (without prefix). */
export function parseIpAddr(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /\binet6?\s+([0-9a-fA-F.:]+)\//.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** VIP → the directors holding it; "settled" when every VIP has exactly one. */
export function vipHolders(vips: readonly string[], byHost: ReadonlyMap<string, string[]>): { settled: boolean; holders: Record<string, string[]> } {
  const holders: Record<string, string[]> = {};
  for (const v of vips) holders[v] = [...byHost].filter(([, addrs]) => addrs.includes(v)).map(([h]) => h);
  return { settled: vips.every((v) => holders[v]!.length === 1), holders };
}

export interface VipWaitOptions {
  clock: Clock;
  deadlineMs: number;
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * Poll the directors until each VIP is held by exactly one of them, twice in a row (a reload can
 * flip a VIP a moment after a first good look). Unreachable directors count as holding nothing.
 */
export async function waitForVips(transport: Transport, directors: readonly HostRef[], vips: readonly string[], o: VipWaitOptions): Promise<{ settled: boolean; holders: Record<string, string[]> }> {
  const start = o.clock.now();
  let streak = 0;
  let last = vipHolders(vips, new Map());
  for (;;) {
    const byHost = new Map<string, string[]>();
    await Promise.all(
      directors.map(async (d) => {
        const r = await transport.exec(d, 'ip -o addr show', { privileged: false, timeoutMs: 5000, ...(o.signal ? { signal: o.signal } : {}) });
        byHost.set(d.name, r.ok && r.value.code === 0 ? parseIpAddr(r.value.stdout) : []);
      }),
    );
    last = vipHolders(vips, byHost);
    streak = last.settled ? streak + 1 : 0;
    if (streak >= 2) return last;
    if (o.clock.now() - start >= o.deadlineMs || o.signal?.aborted) return last;
    await o.clock.sleep(o.pollMs ?? 300, o.signal).catch(() => undefined);
  }
}
