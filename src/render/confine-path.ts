import { pathProblem } from './escape.js';

export type Confined = { ok: true; path: string } | { ok: false; reason: string };

/**
 * The one check every destination passes: absolute, normalised (no '.', '..', '//' segments, no
 * trailing '/'), free of control and shell/config metacharacters (letters, digits and `_ . / + -`),
 * and strictly below one of `managedPaths`. Pure, so render (where a dest is rendered) and
 * apply/plan (before anything touches a host) apply the very same rule. No symlink resolution:
 * that needs the host, and is apply's to do on the host.
 */
export function confinePath(path: string, managedPaths: readonly string[]): Confined {
  const why = pathProblem(path);
  if (why) return { ok: false, reason: why };
  const roots = managedPaths.filter((m) => pathProblem(m) === null);
  if (roots.some((m) => path.startsWith(m + '/'))) return { ok: true, path };
  return {
    ok: false,
    reason: roots.length ? `outside the role's managed paths (${roots.join(', ')})` : 'the role has no managed paths',
  };
}

/** Why a `managed_paths` entry of role.yaml is unusable, or null: '/' or a non-normalised path would confine nothing. */
export function managedPathProblem(p: string): string | null {
  if (p === '/') return 'the root directory would confine nothing';
  return pathProblem(p);
}
