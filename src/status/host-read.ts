import type { FactsRequest, HostFacts } from '../facts/index.js';
import { MAINTENANCE_FILE, MAINTENANCE_INFO_FILE } from '../host-paths/index.js';
import { shellQuote, type HostRef, type Outcome, type Transport, type TransportFailure } from '../transport/index.js';
import { hostProbeScript, parseHostProbe, type HostProbe } from '../verify/index.js';
import { speakerTracks, type SpeakerTracks } from './tracks.js';

/** facts' gatherFacts (verify's `GatherFacts`), passed in: status reads hosts the way verify does. */
export type GatherFacts = (transport: Transport, host: HostRef, request: FactsRequest, signal?: AbortSignal, o?: { timeoutMs?: number }) => Promise<Outcome<HostFacts>>;

/** Why a host gave no answer, as the view shows it: a changed host key is refused, never accepted. */
export type HostFailure = 'unreachable' | 'refused' | 'auth' | 'failed';

/** One host's answer to one round. */
export type HostRead =
  | { host: string; ok: true; probe: HostProbe; facts: HostFacts; notifyLines: string[]; maintenance: Maintenance | null; tracks?: SpeakerTracks | null }
  | { host: string; ok: false; failure: HostFailure; error: string };

/** The host's maintenance flag (switchover/maintenance's file) with who/when/why when recorded. */
export interface Maintenance { since?: string; by?: string; reason?: string }

/** The flag is a number keepalived reads as a track_file; its JSON beside it says who and why. */
export function maintenanceScript(): string {
  return `v=$(head -c 32 ${shellQuote(MAINTENANCE_FILE)} 2>/dev/null | tr -dc '0-9-'); echo "flag \${v:-0}"
if [ -s ${shellQuote(MAINTENANCE_INFO_FILE)} ]; then printf 'info '; head -c 2000 ${shellQuote(MAINTENANCE_INFO_FILE)} | tr -d '\\n\\r'; echo; fi`;
}

/** The maintenance section's output → the flag (null: not in maintenance). Host text: read, never trusted. */
export function parseMaintenance(text: string): Maintenance | null {
  const flag = /^flag (-?\d+)/m.exec(text);
  if (!flag || Number(flag[1]) === 0) return null;
  const info = /^info (.*)$/m.exec(text)?.[1];
  let j: Record<string, unknown> = {};
  try {
    j = info ? (JSON.parse(info) as Record<string, unknown>) ?? {} : {};
  } catch {
    /* not JSON: the flag alone */
  }
  const str = (k: string) => (typeof j[k] === 'string' ? { [k === 'at' ? 'since' : k]: j[k] as string } : {});
  return { ...str('at'), ...str('by'), ...str('reason') };
}

/** What to read on a host: the files whose drift is watched and the notify logs of its clusters. */
export interface HostReadRequest {
  paths: string[];
  notifyLogs: string[];
  /**
   * A host that directs no cluster (a realserver): the view shows only its drift and whether it
   * answers, so it is read for its files' checksums and deploy record alone — no speaker probe,
   * notify log, maintenance flag, tools, processes or addresses (a fifth of the bytes).
   */
  filesOnly?: boolean;
}

/** What a realserver's read stands in for the speaker probe: nothing runs, nothing is seen. */
const NO_PROBE: HostProbe = Object.freeze({ addresses: [], macs: {}, running: { keepalived: false, nginx: false, 'hafleet-agent': false }, speaker: null, authLogLines: [], transitionLogLines: [], sysctls: {} });

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
export const STATUS_PROBES = { host: 'host', notify: 'notify', maintenance: 'maintenance' } as const;

/**
 * One remote command for everything a round wants of a host (issue 15: one script per host per
 * round): the facts script (checksums only, for drift) with verify's probe and the notify tail
 * as its sections. On the transport's pooled connection: a watch does not reconnect per round.
 */
export async function readHost(transport: Transport, gather: GatherFacts, ref: HostRef, req: HostReadRequest, o: { signal?: AbortSignal; timeoutMs: number }): Promise<HostRead> {
  if (req.filesOnly) {
    const r = await gather(transport, ref, { paths: req.paths, managedDirs: [], sysctls: [], contents: false, filesOnly: true }, o.signal, { timeoutMs: o.timeoutMs });
    if (!r.ok) return { host: ref.name, ok: false, ...failureOf(r.failure) };
    return { host: ref.name, ok: true, probe: NO_PROBE, facts: r.value, notifyLines: [], maintenance: null };
  }
  const r = await gather(transport, ref, {
    paths: req.paths, managedDirs: [], sysctls: [], contents: false,
    probes: [{ name: STATUS_PROBES.host, script: hostProbeScript() }, { name: STATUS_PROBES.notify, script: notifyScript(req.notifyLogs) }, { name: STATUS_PROBES.maintenance, script: maintenanceScript() }],
  }, o.signal, { timeoutMs: o.timeoutMs });
  if (!r.ok) return { host: ref.name, ok: false, ...failureOf(r.failure) };
  const probes = r.value.probes ?? {};
  return {
    host: ref.name, ok: true, probe: parseHostProbe(probes[STATUS_PROBES.host] ?? ''), facts: r.value,
    tracks: speakerTracks(probes[STATUS_PROBES.host] ?? ''),
    notifyLines: (probes[STATUS_PROBES.notify] ?? '').split('\n').filter((l) => l.trim() !== ''),
    maintenance: parseMaintenance(probes[STATUS_PROBES.maintenance] ?? ''),
  };
}
