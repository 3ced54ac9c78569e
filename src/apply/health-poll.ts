/**
 * The health check after a handler, polled until it passes. Reloads are asynchronous, so a check
 * right after one may fail; most pass on the first or second try. The waits between tries grow
 * (20, 50, 100 ms, then 250 ms) instead of a flat 250 ms: a check that fails once right after
 * nginx's reload passes ~20 ms later, where the flat wait cost a quarter of a second of every
 * such director's turn. The total wait is what the flat polling allowed (`tries` × 0.25 s), and
 * no sleep follows the last try.
 */
export const HEALTH_POLL_S = 0.25;
const FIRST_WAITS_S = [0.02, 0.05, 0.1];

/** The waits between tries, in seconds: short first, then HEALTH_POLL_S, up to `tries` × HEALTH_POLL_S in all. */
export function healthWaits(tries: number): number[] {
  const budget = Math.max(1, tries) * HEALTH_POLL_S;
  const out: number[] = [];
  let sum = 0;
  for (let n = 0; sum < budget - 1e-9; n++) {
    const w = Math.min(FIRST_WAITS_S[n] ?? HEALTH_POLL_S, budget - sum);
    out.push(Number(w.toFixed(3)));
    sum += w;
  }
  return out;
}

/** One bash line: `hafleet_ok=1` once `check` passes (its output discarded), else `hafleet_ok=0` after the last try. */
export function healthPollLine(check: string, tries: number): string {
  return `hafleet_ok=0; for hafleet_w in ${healthWaits(tries).join(' ')} end; do if ( ${check} ) >/dev/null 2>&1; then hafleet_ok=1; break; fi; [ $hafleet_w = end ] || sleep $hafleet_w; done`;
}
