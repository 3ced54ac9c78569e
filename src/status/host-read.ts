import type { FactsRequest, HostFacts } from '../facts/index.js';
import { shellQuote, type HostRef, type Outcome, type Transport, type TransportFailure } from '../transport/index.js';
import { hostProbeScript, parseHostProbe, type HostProbe } from '../verify/index.js';

/** facts' gatherFacts (verify's `GatherFacts`), passed in: status reads hosts the way verify does. */
export type GatherFacts = (transport: Transport, host: HostRef, request: FactsRequest, signal?: AbortSignal, o?: { timeoutMs?: number }) => Promise<Outcome<HostFacts>>;

/** Why a host gave no answer, as the view shows it: a changed host key is refused, never accepted. */
export type HostFailure = 'unreachable' | 'refused' | 'auth' | 'failed';

/** One host's answer to one round. */
export type HostRead =
  | { host: string; ok: true; probe: HostProbe; facts: HostFacts; notifyLines: string[] }
  | { host: string; ok: false; failure: HostFailure; error: string };

/** What to read on a host: the files whose drift is watched and the notify logs of its clusters. */
export interface HostReadRequest {
  paths: string[];
  notifyLogs: string[];
}

export function failureOf(f: TransportFailure): { failure: HostFailure; error: string } {
  switch (f.kind) {
    case 'host-key-changed':
    case 'host-key-unknown':
      return { failure: 'refused', error: `refused: ${f.message}` };
    case 'auth':
      return { failure: 'auth', error: f.message };
    case 'unreachable':
    case 'timeout':
    case 'aborted':
      return { failure: 'unreachable', error: f.message };
    case 'remote-error':
      return { failure: 'failed', error: f.message };
  }
}

/** The notify logs' last lines: the notify script appends one per state change, with its time. */
export function notifyScript(paths: readonly string[]): string {
  return paths.length ? `for f in ${paths.map(shellQuote).join(' ')}; do tail -n 20 "$f" 2>/dev/null; done` : 'true';
}

/** Status's sections of the facts script: verify's speaker probe, then the notify logs. */
export const STATUS_PROBES = { host: 'host', notify: 'notify' } as const;

/**
 * One remote command for everything a round wants of a host (issue 15: one script per host per
 * round): the facts script (checksums only, for drift) with verify's probe and the notify tail
 * as its sections. On the transport's pooled connection: a watch does not reconnect per round.
 */
export async function readHost(transport: Transport, gather: GatherFacts, ref: HostRef, req: HostReadRequest, o: { signal?: AbortSignal; timeoutMs: number }): Promise<HostRead> {
  const r = await gather(transport, ref, {
    paths: req.paths, managedDirs: [], sysctls: [], contents: false,
    probes: [{ name: STATUS_PROBES.host, script: hostProbeScript() }, { name: STATUS_PROBES.notify, script: notifyScript(req.notifyLogs) }],
  }, o.signal, { timeoutMs: o.timeoutMs });
  if (!r.ok) return { host: ref.name, ok: false, ...failureOf(r.failure) };
  const probes = r.value.probes ?? {};
  return {
    host: ref.name, ok: true, probe: parseHostProbe(probes[STATUS_PROBES.host] ?? ''), facts: r.value,
    notifyLines: (probes[STATUS_PROBES.notify] ?? '').split('\n').filter((l) => l.trim() !== ''),
  };
}
