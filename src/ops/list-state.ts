import { printable } from '../terminal/index.js';
import type { Topology } from '../topology/types.js';
import type { HostRef, Transport } from '../transport/types.js';
import { readStates } from './host-state.js';
import type { OpsState } from './types.js';

/** One director's day-2 state as its files say, or that it could not be read. */
export type DirectorState = { host: string; cluster: string; read: true; state: OpsState } | { host: string; cluster: string; read: false };

/** Every director's maintenance flag and move values (read-only, one exec per host). */
export async function listStates(transport: Transport, topology: Topology, refs: ReadonlyMap<string, HostRef>, signal?: AbortSignal): Promise<DirectorState[]> {
  const out: DirectorState[] = [];
  for (const c of topology.clusters) {
    const hosts = [...new Set(c.instances.flatMap((i) => i.members.map((m) => m.host)))].filter((h) => refs.has(h));
    const states = await readStates(transport, hosts.map((h) => refs.get(h)!), c.instances.map((i) => i.name), signal);
    for (const h of hosts) {
      const s = states.get(h);
      out.push(s ? { host: h, cluster: c.name, read: true, state: s } : { host: h, cluster: c.name, read: false });
    }
  }
  return out;
}

/** A host's text on one line: its controls (colours too) and newlines shown escaped, so it cannot forge a line of ours. */
const field = (t: string) => printable(t, { keepOwnColour: false }).replace(/\n/g, '\\n').replace(/\t/g, '\\t');

/** `in maintenance since … by … (why)` or `in service`; since/by/why are the host's text, kept on one line. */
export function maintenanceText(s: OpsState): string {
  const i = s.info;
  return s.maintenance ? `in maintenance${i ? ` since ${field(i.at)} by ${field(i.by)}${i.reason ? ` (${field(i.reason)})` : ''}` : ''}` : 'in service';
}

/** The list as lines: `lb1  web  in maintenance since … by … (why)`, move values that are not 0. */
export function formatStates(list: readonly DirectorState[]): string {
  const w = Math.max(4, ...list.map((d) => d.host.length));
  return list.map((d) => {
    if (!d.read) return `${d.host.padEnd(w)}  ${d.cluster}  could not be read`;
    const s = d.state;
    const m = maintenanceText(s);
    const moves = Object.entries(s.moves).filter(([, v]) => v !== 0).map(([i, v]) => `${i} ${v > 0 ? '+' : ''}${v}`);
    return `${d.host.padEnd(w)}  ${d.cluster}  ${m}${moves.length ? `; priority moved: ${moves.join(', ')}` : ''}`;
  }).join('\n') + '\n';
}
