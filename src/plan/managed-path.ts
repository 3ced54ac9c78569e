/**
 * Whether a path on a host is one hafleet may read back, replace or remove: an absolute,
 * normalised path (no empty, `.` or `..` segment, no control character) strictly below one of
 * the role's managed directories. The deploy record on a host is data a past run (or someone
 * with root there) wrote; a path in it such as `/usr/share/hafleet/../../etc/shadow` starts with a
 * managed prefix but is not under it, and must never be read into a diff or deleted.
 */
export function isManagedPath(path: string, managedPaths: readonly string[]): boolean {
  if (!isNormalAbsolute(path)) return false;
  return managedPaths.some((dir) => {
    const d = dir.replace(/\/+$/, '');
    return isNormalAbsolute(d) && path.startsWith(d + '/') && path.length > d.length + 1;
  });
}

function isNormalAbsolute(p: string): boolean {
  if (!p.startsWith('/') || /[\u0000-\u001f\u007f]/.test(p)) return false;
  return p.slice(1).split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
