/**
 * Diagnostics: what a user can cause, as values. Every module that reads user input returns
 * these instead of throwing; the CLI prints them all, not just the first.
 */

/** Where a problem is: any subset of file position, key path and host. */
export interface Where {
  file?: string;
  line?: number;
  col?: number;
  /** Dotted key path as the user wrote it, e.g. `hafleet_clusters[0].vrrp.auth_pass`. */
  key?: string;
  host?: string;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable machine code, kebab-case: `vrid-unique`, `yaml-syntax`, `unknown-host`. */
  code: string;
  message: string;
  where: Where;
  hint?: string;
}

/** A value or the reasons there is none. Warnings may accompany a value. */
export type Result<T> =
  | { ok: true; value: T; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

export function error(code: string, message: string, where: Where = {}, hint?: string): Diagnostic {
  return { severity: 'error', code, message, where, ...(hint ? { hint } : {}) };
}

export function warning(code: string, message: string, where: Where = {}, hint?: string): Diagnostic {
  return { severity: 'warning', code, message, where, ...(hint ? { hint } : {}) };
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** `file:line:col` (or `host`) prefix, as compilers print it, so editors can jump to it. */
export function formatWhere(w: Where): string {
  const parts: string[] = [];
  if (w.file) parts.push([w.file, w.line, w.line !== undefined ? w.col : undefined].filter((p) => p !== undefined).join(':'));
  if (w.host) parts.push(`host ${w.host}`);
  if (w.key) parts.push(w.key);
  return parts.join(' ');
}

/** One line per diagnostic: `hosts.yml:14:5 vrrp.priority: 300 is outside 1–254 (hint: …)`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = formatWhere(d.where);
  const head = d.severity === 'warning' ? 'warning' : 'error';
  return `${head}[${d.code}]: ${where ? where + ': ' : ''}${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`;
}

/** Exhaustive switch guard: a bug if reached. */
export function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
