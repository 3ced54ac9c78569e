import { createHash } from 'node:crypto';
import type { DesiredFile } from '../render/types.js';
import type { FileFact } from '../facts/types.js';
import type { Change } from './types.js';
import { maskPair, maskText, unmaskTokens } from './mask.js';
import { unifiedDiff } from './diff.js';
import { behaviourReport } from './behaviour.js';

export function sha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** `644`, `0644`, `00644` → `0644`: facts and roles may spell modes differently. */
export function normalizeMode(mode: string): string {
  const n = parseInt(mode, 8);
  return Number.isNaN(n) ? mode : n.toString(8).padStart(4, '0');
}

/** What must happen to one desired file, given what the host has (undefined: not gathered); `host` names it in behaviour lines. */
export function fileChange(want: DesiredFile, have: FileFact | undefined, host = 'this host'): Change {
  const digest = sha256(want.content);
  const base = { path: want.path, mode: normalizeMode(want.mode), owner: want.owner, group: want.group, notify: [...want.notify], sha256: digest, ...(want.validate ? { validate: want.validate } : {}) };
  if (!have || (have.content === null && have.sha256 === null)) {
    return { kind: 'create', ...base, diff: unifiedDiff(want.path, null, maskText(want.content, want.secrets)) };
  }
  const haveSha = have.sha256 ?? sha256(have.content!);
  if (haveSha !== digest) {
    // Facts carry a checksum without content for files too big to read: say so instead of diffing.
    if (have.content === null) return { kind: 'update', ...base, diff: `--- ${want.path}\ton host (sha256 ${haveSha}, content not read: too large)\n+++ ${want.path}\tplanned (sha256 ${digest})\n` };
    const masked = maskPair(have.content, want.content, want.secrets);
    // hafleet's own hooks (inert until switchover/maintenance use them) are listed apart from the fleet's behaviour.
    const r = behaviourReport(want.path, have.content, want.content, { host, secrets: want.secrets });
    const behaviour = r ? { behaviour: r.behaviour, ...(r.hafleetHooks.length ? { hafleetHooks: r.hafleetHooks } : {}) } : {};
    return { kind: 'update', ...base, diff: unmaskTokens(unifiedDiff(want.path, masked.current, masked.desired)), ...behaviour };
  }
  const meta = metaDiff(want, have);
  if (meta.length > 0) {
    // A mode change matters to daemons too (keepalived disables a script that is not executable).
    return { kind: 'update', ...base, metaOnly: true, diff: meta.join(', ') + '\n' };
  }
  return { kind: 'unchanged', path: want.path, reason: 'same sha256, mode and owner' };
}

function metaDiff(want: DesiredFile, have: FileFact): string[] {
  const out: string[] = [];
  const wantMode = normalizeMode(want.mode);
  if (have.mode !== null && normalizeMode(have.mode) !== wantMode) out.push(`mode ${normalizeMode(have.mode)} → ${wantMode}`);
  if (have.owner !== null && have.owner !== want.owner) out.push(`owner ${have.owner} → ${want.owner}`);
  if (have.group !== null && have.group !== want.group) out.push(`group ${have.group} → ${want.group}`);
  return out;
}

/** A file an earlier deploy placed that the inventory no longer renders. */
export function deleteChange(path: string, have: FileFact | undefined, notify: string[], secrets: readonly string[] = []): Change | null {
  if (have && have.content === null && have.sha256 === null) return null; // already gone
  const diff = have?.content != null ? unifiedDiff(path, maskText(have.content, secrets), null) : `--- ${path}\n+++ /dev/null\n(content not read)\n`;
  return { kind: 'delete', path, diff, notify };
}
