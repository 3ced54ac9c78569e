/**
 * A plan's `behaviour` lines: what a change to a keepalived.conf or an nginx file does, computed
 * by parsing the file on the host and the planned one — not from the text diff, so a change of
 * formatting, comments or order says `[]`. Files of other kinds get no `behaviour` (undefined).
 * Secrets never reach a line: the readers say "auth_pass changed", and every line is masked with
 * the file's secrets as the diff is.
 */
import { keepalivedReport } from './behaviour-keepalived.js';
import { nginxBehaviour } from './behaviour-nginx.js';
import { maskText } from './mask.js';

export type ConfKind = 'keepalived' | 'nginx';

/** Which reader understands a file hafleet places, by its path. */
export function confKindOf(path: string): ConfKind | undefined {
  if (/^\/etc\/keepalived\/.*\.conf$/.test(path) || /\/keepalived\.conf$/.test(path)) return 'keepalived';
  if (/^\/etc\/nginx\/.*\.conf$/.test(path)) return 'nginx';
  return undefined;
}

export function behaviourOf(path: string, old: string, now: string, o: { host: string; secrets?: readonly string[] }): string[] | undefined {
  return behaviourReport(path, old, now, o)?.behaviour;
}

/** `behaviour`, and apart from it the hooks hafleet adds that do nothing until used (keepalived.conf only). */
export function behaviourReport(path: string, old: string, now: string, o: { host: string; secrets?: readonly string[] }): { behaviour: string[]; hafleetHooks: string[] } | undefined {
  const kind = confKindOf(path);
  if (!kind) return undefined;
  const r = kind === 'keepalived' ? keepalivedReport(path, old, now, o.host) : { behaviour: nginxBehaviour(path, old, now), hafleetHooks: [] };
  const mask = (l: string) => maskText(l, o.secrets ?? []);
  return { behaviour: r.behaviour.map(mask), hafleetHooks: r.hafleetHooks.map(mask) };
}
