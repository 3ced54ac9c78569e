import type { SpeakerInstance, SpeakerReport, VrrpState } from './types.js';

/**
 * keepalived's own account of itself, from the two dumps it writes on a signal:
 * SIGUSR1 → /tmp/keepalived.data (text: instance state, track script status),
 * SIGJSON → /tmp/keepalived.json (instance state and counters, among them auth failures).
 * Both also carry auth_pass in clear; nothing here keeps it.
 */

const jsonStates: Record<number, VrrpState> = { 0: 'INIT', 1: 'BACKUP', 2: 'MASTER', 3: 'FAULT', 97: 'STOP' };

function textState(s: string): VrrpState {
  const up = s.trim().toUpperCase();
  return up === 'INIT' || up === 'BACKUP' || up === 'MASTER' || up === 'FAULT' || up === 'STOP' ? up : 'UNKNOWN';
}

/** Split the data dump into its `------< Title >------` sections. */
export function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    const m = /^-+<\s*(.+?)\s*>-+$/.exec(line.trim());
    if (m) {
      current = [];
      out.set(m[1]!, current);
    } else if (current) current.push(line);
  }
  return out;
}

/** `Key = value` lines grouped into blocks that start with `startKey = name`. */
export function blocks(lines: readonly string[], startKey: string): { name: string; fields: Map<string, string> }[] {
  const out: { name: string; fields: Map<string, string> }[] = [];
  for (const line of lines) {
    const m = /^\s*([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === startKey) out.push({ name: value.trim(), fields: new Map() });
    // First occurrence wins: a script block's later `State = idle` is its runner state, not VRRP's.
    else if (out.length && !out[out.length - 1]!.fields.has(key)) out[out.length - 1]!.fields.set(key, value.trim());
  }
  return out;
}

export function parseKeepalivedData(text: string): { instances: SpeakerInstance[]; scripts: { name: string; ok: boolean }[] } {
  const s = sections(text);
  const instances = blocks(s.get('VRRP Topology') ?? [], 'VRRP Instance').map((b): SpeakerInstance => {
    const vrid = Number(b.fields.get('Virtual Router ID'));
    const prio = Number(b.fields.get('Effective priority'));
    const base = Number(b.fields.get('Priority'));
    return {
      name: b.name,
      ...(Number.isFinite(vrid) ? { vrid } : {}),
      state: textState(b.fields.get('State') ?? ''),
      ...(Number.isFinite(prio) ? { effectivePriority: prio } : {}),
      ...(b.fields.has('Priority') && Number.isFinite(base) ? { basePriority: base } : {}),
      authFailures: 0,
    };
  });
  // keepalived prints GOOD/BAD (older: GOOD/FAILED, INIT before the first run).
  const scripts = blocks(s.get('VRRP Scripts') ?? [], 'VRRP Script').map((b) => ({
    name: b.name,
    ok: /^(GOOD|INIT)/i.test(b.fields.get('Status') ?? 'GOOD'),
  }));
  return { instances, scripts };
}

interface JsonInstance {
  data?: { iname?: string; vrid?: number; state?: number; effective_priority?: number };
  stats?: { auth_failure?: number; authtype_mismatch?: number; invalid_authtype?: number };
}

export function parseKeepalivedJson(text: string): SpeakerInstance[] | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(doc)) return null;
  return (doc as JsonInstance[]).map((e) => ({
    name: e.data?.iname ?? '?',
    ...(typeof e.data?.vrid === 'number' ? { vrid: e.data.vrid } : {}),
    state: jsonStates[e.data?.state ?? -1] ?? 'UNKNOWN',
    ...(typeof e.data?.effective_priority === 'number' ? { effectivePriority: e.data.effective_priority } : {}),
    authFailures: (e.stats?.auth_failure ?? 0) + (e.stats?.authtype_mismatch ?? 0) + (e.stats?.invalid_authtype ?? 0),
  }));
}

/** Merge both dumps; either may be missing (the other dump is then the only source). */
export function keepalivedReport(dataText: string | null, jsonText: string | null): SpeakerReport | null {
  const data = dataText ? parseKeepalivedData(dataText) : null;
  const json = jsonText ? parseKeepalivedJson(jsonText) : null;
  if (!data?.instances.length && !json?.length) return null;
  const byName = new Map<string, SpeakerInstance>();
  for (const i of json ?? []) byName.set(i.name, i);
  for (const i of data?.instances ?? []) {
    const j = byName.get(i.name);
    byName.set(i.name, { ...i, authFailures: j?.authFailures ?? 0 });
  }
  return { source: 'keepalived', instances: [...byName.values()], scripts: data?.scripts ?? [] };
}
