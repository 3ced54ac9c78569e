import type { DeployResult, HostResult, Serial } from './types.js';

/** `--serial 3` or `--serial 30%`; null when neither. */
export function parseSerial(text: string): Serial | null {
  const m = /^(\d+)(%?)$/.exec(text.trim());
  if (!m || Number(m[1]) < 1) return null;
  return m[2] ? { percent: Math.min(100, Number(m[1])) } : { count: Number(m[1]) };
}

export interface RecapCounts {
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
}

function counts(r: HostResult): RecapCounts {
  return {
    ok: r.status === 'ok' || r.status === 'changed' ? 1 : 0,
    changed: r.status === 'changed' ? r.changed.length : 0,
    failed: r.status === 'failed' ? 1 : 0,
    unreachable: r.status === 'unreachable' ? 1 : 0,
    skipped: r.status === 'skipped' ? 1 : 0,
  };
}

/** Ansible's play recap, one line per host: `lb1  : ok=1 changed=3 unreachable=0 failed=0 skipped=0`. */
export function recapLines(result: DeployResult): string[] {
  const width = Math.max(4, ...result.hosts.map((h) => h.host.length));
  return result.hosts.map((h) => {
    const c = counts(h);
    return `${h.host.padEnd(width)} : ok=${c.ok} changed=${c.changed} unreachable=${c.unreachable} failed=${c.failed} skipped=${c.skipped}`;
  });
}

/** 0 all good, 1 any failure (a skipped host counts: it was not deployed), 4 only unreachable. */
export function exitCodeFor(result: DeployResult): 0 | 1 | 4 {
  const s = new Set(result.hosts.map((h) => h.status));
  if (s.has('failed') || s.has('skipped')) return 1;
  if (s.has('unreachable')) return 4;
  return 0;
}
