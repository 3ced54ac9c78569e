import type { SpeakerInstance, SpeakerReport, VrrpState } from './types.js';

/**
 * The TypeScript VRRP agent's status file (src/vrrp writes it). Read tolerantly: an array or a
 * map of instances, each with a name, a state and optional vrid/priority/auth counters, so a
 * field the agent adds later does not break verify.
 */
function state(v: unknown): VrrpState {
  const s = String(v ?? '').toUpperCase();
  if (s === 'INITIALIZE' || s === 'INIT') return 'INIT';
  return s === 'BACKUP' || s === 'MASTER' || s === 'FAULT' || s === 'STOP' ? s : 'UNKNOWN';
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The agent counts dropped adverts by reason (`counters.drops['auth-mismatch']`). */
function authDrops(counters: unknown): number {
  const drops = (counters as { drops?: Record<string, unknown> } | undefined)?.drops ?? {};
  return Object.entries(drops).filter(([k]) => k.includes('auth')).reduce((n, [, v]) => n + (num(v) ?? 0), 0);
}

/** The agent's `lastTransition` ({ from, to, reason, at }); null when absent or not that shape. */
function lastTransition(v: unknown): SpeakerInstance['lastTransition'] | null {
  const t = v as { at?: unknown; from?: unknown; to?: unknown; reason?: unknown } | null | undefined;
  if (!t || typeof t !== 'object' || typeof t.at !== 'string' || t.to === undefined) return null;
  return {
    at: t.at, to: state(t.to),
    ...(t.from !== undefined && t.from !== null ? { from: state(t.from) } : {}),
    ...(typeof t.reason === 'string' ? { reason: t.reason } : {}),
  };
}

export function agentReport(text: string): SpeakerReport | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object') return null;
  const raw = (doc as { instances?: unknown }).instances ?? doc;
  const entries: [string, Record<string, unknown>][] = Array.isArray(raw)
    ? raw.map((e: Record<string, unknown>) => [String(e.name ?? e.iname ?? '?'), e])
    : Object.entries(raw as Record<string, Record<string, unknown>>).filter(([, e]) => e && typeof e === 'object');
  const instances: SpeakerInstance[] = entries.map(([name, e]) => {
    const vrid = num(e.vrid);
    const prio = num(e.effectivePriority ?? e.priority);
    const base = num(e.basePriority);
    const last = lastTransition(e.lastTransition);
    return {
      name,
      ...(vrid !== undefined ? { vrid } : {}),
      state: state(e.state),
      ...(prio !== undefined ? { effectivePriority: prio } : {}),
      ...(base !== undefined ? { basePriority: base } : {}),
      ...(last ? { lastTransition: last } : {}),
      authFailures: num(e.authFailures) ?? authDrops(e.counters),
    };
  });
  const scriptsRaw = (doc as { scripts?: unknown }).scripts;
  const scripts = Array.isArray(scriptsRaw)
    ? scriptsRaw.map((s: Record<string, unknown>) => ({ name: String(s.name ?? '?'), ok: s.ok !== false && s.status !== 'failing' }))
    : [];
  return instances.length ? { source: 'agent', instances, scripts } : null;
}
