import { createTwoFilesPatch } from 'diff';

/**
 * Unified diff of two already-masked texts, `---`/`+++` headers naming the path on the host.
 * jsdiff's `Index:`/`===` lines are dropped: one path, one diff.
 */
export function unifiedDiff(path: string, current: string | null, desired: string | null): string {
  const from = current === null ? '/dev/null' : path;
  const to = desired === null ? '/dev/null' : path;
  const patch = createTwoFilesPatch(from, to, current ?? '', desired ?? '', current === null ? 'absent' : 'on host', desired === null ? 'removed' : 'planned', { context: 3 });
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('Index:') && !/^=+$/.test(l))
    .join('\n')
    .replace(/\n+$/, '\n');
}
