import type { HostRef, Transport } from '../transport/types.js';
import { parseState, readStateScript, writeMovesScript } from './state-script.js';
import type { MoveWrite, OpsState } from './types.js';

/** Each director's day-2 state, read at once; null for a host that did not answer. */
export async function readStates(transport: Transport, refs: readonly HostRef[], instances: readonly string[], signal?: AbortSignal): Promise<Map<string, OpsState | null>> {
  const script = readStateScript(instances);
  return new Map(await Promise.all(refs.map(async (ref) => {
    const r = await transport.exec(ref, script, { privileged: true, timeoutMs: 10_000, ...(signal ? { signal } : {}) });
    return [ref.name, r.ok && r.value.code === 0 ? parseState(ref.name, r.value.stdout) : null] as const;
  })));
}

/** Write move values, one exec per host, all hosts at once; the hosts whose write failed, with why. */
export async function writeMoves(transport: Transport, refs: ReadonlyMap<string, HostRef>, writes: readonly MoveWrite[], signal?: AbortSignal): Promise<string[]> {
  const byHost = new Map<string, MoveWrite[]>();
  for (const w of writes) byHost.set(w.host, [...(byHost.get(w.host) ?? []), w]);
  const failed: string[] = [];
  await Promise.all([...byHost].map(async ([host, ws]) => {
    const r = await transport.exec(refs.get(host)!, writeMovesScript(ws), { privileged: true, timeoutMs: 10_000, ...(signal ? { signal } : {}) });
    if (!r.ok || r.value.code !== 0) failed.push(`${host}: ${r.ok ? `exit ${r.value.code}` : r.failure.message}`);
  }));
  return failed;
}
