import { systemClock } from '../../../src/async/index.js';

/**
 * Polls `probe` until it returns something other than undefined/false, or fails after
 * `timeoutMs` with `what` in the message. Integration waits poll with a deadline; no bare sleeps.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, o: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = systemClock.now() + (o.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (systemClock.now() > deadline) throw new Error(`timed out after ${o.timeoutMs ?? 10_000} ms waiting for ${what}${last ? `: ${String((last as Error).message ?? last)}` : ''}`);
    await systemClock.sleep(o.intervalMs ?? 100);
  }
}
