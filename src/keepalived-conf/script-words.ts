/** A script line split into words as keepalived splits it (lib/notify.c), pure: the security check and the runner share it. */

/** Split like keepalived: whitespace separates, '…' and "…" group. */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let cur = '';
  let last = -1;
  for (let m = re.exec(cmd); m; m = re.exec(cmd)) {
    const piece = m[1] ?? m[2] ?? m[3] ?? '';
    if (m.index === last) cur += piece;
    else {
      if (last >= 0) out.push(cur);
      cur = piece;
    }
    last = m.index + m[0].length;
  }
  if (last >= 0) out.push(cur);
  return out;
}
