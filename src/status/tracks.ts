import { hostProbeSections, keepalivedDataBlocks as blocks, keepalivedDataSections as dataSections } from '../verify/index.js';
import type { MemberStatus } from './types.js';

/**
 * What a director's speaker tracks per instance, and each track's state, as the speaker itself
 * reports it: keepalived's data dump (SIGUSR1 → keepalived.data) lists under each instance its
 * "Tracked interfaces", "Tracked scripts" and "Tracked files" with their weights, and in other
 * sections each interface's link state, each script's status and each file's value; the agent's
 * status file has its files' values, its scripts and each instance's faults. verify keeps only the
 * scripts of these, so status reads the same probe output again for the rest. Pure.
 */

export type Track = MemberStatus['tracks'][number];

/** Instance name → its tracks. */
export interface SpeakerTracks {
  byInstance: ReadonlyMap<string, Track[]>;
}

/** keepalived (vrrp_track.c): a file's value × weight (negated with `reverse`); ≤ −254 → FAULT; weight 0 and non-zero → FAULT. */
export function fileInFault(value: number, weight: number, reverse = false): boolean {
  if (weight === 0) return value !== 0;
  return (reverse ? -value : value) * weight <= -254;
}

/** The instance blocks' "Tracked X :" lists: `  Tracked files :` then `    name, weight 1` lines. */
function trackedLists(lines: readonly string[]): Map<string, Map<string, { name: string; weight: number; reverse: boolean }[]>> {
  const out = new Map<string, Map<string, { name: string; weight: number; reverse: boolean }[]>>();
  let inst: Map<string, { name: string; weight: number; reverse: boolean }[]> | null = null;
  let list: { name: string; weight: number; reverse: boolean }[] | null = null;
  let listIndent = 0;
  for (const line of lines) {
    const start = /^\s*VRRP Instance = (\S+)/.exec(line);
    if (start) {
      out.set(start[1]!, (inst = new Map()));
      list = null;
      continue;
    }
    const head = /^(\s*)Tracked (interfaces|scripts|files)\s*:/.exec(line);
    if (head && inst) {
      inst.set(head[2]!, (list = []));
      listIndent = head[1]!.length;
      continue;
    }
    const indent = /^\s*/.exec(line)![0].length;
    if (!list || indent <= listIndent || line.trim() === '') {
      list = null;
      continue;
    }
    const item = /^(\S+?),?\s+weight\s+(-?\d+)(\s+reverse)?/.exec(line.trim());
    if (item) list.push({ name: item[1]!, weight: Number(item[2]), reverse: Boolean(item[3]) });
  }
  return out;
}

/** keepalived.data → each instance's tracked interfaces, scripts and files with their state. */
export function keepalivedTracks(data: string): Map<string, Track[]> {
  const s = dataSections(data);
  const ifUp = new Map(blocks(s.get('Interfaces') ?? [], 'Name').map((b) => [b.name, /^UP\b/.test(b.fields.get('State') ?? '')]));
  // keepalived prints GOOD/BAD (older: FAILED; INIT before the first run counts as passing).
  const scriptOk = new Map(blocks(s.get('VRRP Scripts') ?? [], 'VRRP Script').map((b) => [b.name, /^(GOOD|INIT)/i.test(b.fields.get('Status') ?? 'GOOD')]));
  const files = new Map(blocks(s.get('VRRP Track files') ?? [], 'Track file').map((b) => [b.name, { file: b.fields.get('File'), value: Number(b.fields.get('Status')) }]));
  const out = new Map<string, Track[]>();
  for (const [inst, lists] of trackedLists(s.get('VRRP Topology') ?? [])) {
    const tracks: Track[] = [];
    for (const t of lists.get('interfaces') ?? []) tracks.push({ kind: 'interface', name: t.name, ok: ifUp.get(t.name) ?? true, weight: t.weight });
    for (const t of lists.get('scripts') ?? []) tracks.push({ kind: 'script', name: t.name, ok: scriptOk.get(t.name) ?? true, weight: t.weight });
    for (const t of lists.get('files') ?? []) {
      const f = files.get(t.name);
      const value = f && Number.isFinite(f.value) ? f.value : undefined;
      tracks.push({ kind: 'file', name: t.name, ok: value === undefined || !fileInFault(value, t.weight, t.reverse), weight: t.weight, ...(value !== undefined ? { value } : {}), ...(f?.file ? { path: f.file } : {}) });
    }
    out.set(inst, tracks);
  }
  return out;
}

/**
 * The agent's status file → tracks. Its files are listed once for the agent, not per instance:
 * hafleet's own are attributed by name (`hafleet_move_<instance>` to that instance, the rest to
 * every instance); its failing interfaces are the instances' `interface X` faults.
 */
export function agentTracks(statusJson: string): SpeakerTracks | null {
  let doc: { instances?: unknown; files?: unknown };
  try {
    doc = JSON.parse(statusJson) as typeof doc;
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object') return null;
  const files = Array.isArray(doc.files) ? (doc.files as { name?: unknown; file?: unknown; value?: unknown }[]) : [];
  const instances = Array.isArray(doc.instances) ? (doc.instances as { name?: unknown; faults?: unknown }[]) : [];
  const byInstance = new Map<string, Track[]>();
  const fileTrack = (f: (typeof files)[number]): Track | null => {
    if (typeof f.name !== 'string' || typeof f.value !== 'number') return null;
    const weight = f.name.startsWith('hafleet_move_') ? 1 : f.name === 'hafleet_maintenance' ? 0 : undefined;
    return { kind: 'file', name: f.name, ok: weight === undefined ? true : !fileInFault(f.value, weight), value: f.value, ...(weight !== undefined ? { weight } : {}), ...(typeof f.file === 'string' ? { path: f.file } : {}) };
  };
  for (const i of instances) {
    if (typeof i.name !== 'string') continue;
    const faults = Array.isArray(i.faults) ? i.faults.filter((x): x is string => typeof x === 'string') : [];
    const own = files.filter((f) => typeof f.name === 'string' && (!f.name.startsWith('hafleet_move_') || f.name === `hafleet_move_${i.name}`));
    const tracks = own.map(fileTrack).filter((t): t is Track => t !== null);
    for (const f of faults) {
      const m = /^interface (\S+)$/.exec(f);
      if (m) tracks.push({ kind: 'interface', name: m[1]!, ok: false, weight: 0 });
    }
    byInstance.set(i.name, tracks);
  }
  return { byInstance };
}

/** verify's host probe output → the speaker's tracks (keepalived's dump, else the agent's status). */
export function speakerTracks(probeOutput: string): SpeakerTracks | null {
  const sec = hostProbeSections(probeOutput);
  const kdata = sec.get('kdata');
  if (kdata && kdata.trim()) return { byInstance: keepalivedTracks(kdata) };
  const agent = sec.get('agent');
  return agent && agent.trim() ? agentTracks(agent) : null;
}

/**
 * A member's tracks: the speaker's list when it reports one for the instance (its own words for
 * state and value), else the inventory's track scripts and hafleet's two track files (what the
 * rendered keepalived.conf tracks) with what is known of them.
 */
export function memberTracks(fromSpeaker: readonly Track[] | undefined, expected: readonly Track[]): Track[] {
  if (!fromSpeaker || fromSpeaker.length === 0) return [...expected];
  const seen = new Set(fromSpeaker.map((t) => `${t.kind} ${t.name}`));
  // A script the inventory names but the speaker does not list: shown, with what verify knew.
  return [...fromSpeaker, ...expected.filter((t) => t.kind === 'script' && !seen.has(`${t.kind} ${t.name}`))];
}
