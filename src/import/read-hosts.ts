/**
 * Read every host over SSH: one connection, one command (read-script.ts on stdin to `sh -s`,
 * privileged so root-only configs can be read), bounded fan-out. An unreachable host is a value
 * naming it; the others are read.
 */
import { mapLimit } from '../async/index.js';
import type { HostRef, Transport } from '../transport/index.js';
import { parseImportReport } from './parse-read.js';
import { buildImportScript } from './read-script.js';
import type { HostSnapshot } from './snapshot.js';

export type HostRead = { host: string; ok: true; snapshot: HostSnapshot } | { host: string; ok: false; unreachable: boolean; message: string; hint?: string };

export async function readHosts(transport: Transport, refs: HostRef[], o: { forks: number; signal?: AbortSignal; timeoutMs?: number }): Promise<HostRead[]> {
  const script = buildImportScript();
  return mapLimit(refs, o.forks, async (ref): Promise<HostRead> => {
    const r = await transport.exec(ref, 'sh -s', { stdin: script, privileged: true, ...(o.signal ? { signal: o.signal } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
    if (!r.ok) return { host: ref.name, ok: false, unreachable: r.failure.kind === 'unreachable' || r.failure.kind === 'timeout', message: r.failure.message, ...('hint' in r.failure && r.failure.hint ? { hint: r.failure.hint } : {}) };
    const parsed = parseImportReport(ref.name, r.value.stdout);
    if (parsed.problem) return { host: ref.name, ok: false, unreachable: false, message: `${ref.name}: ${parsed.problem} (exit ${r.value.code})` };
    return { host: ref.name, ok: true, snapshot: parsed.snapshot };
  });
}
