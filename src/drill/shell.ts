import { ownProcsShell } from '../verify/index.js';

/** Shell functions every drill script on a host starts with (POSIX sh: the host's may be dash). */
export const prelude = `export LC_ALL=C
${ownProcsShell}
systemd_has() { command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ] && systemctl is-active --quiet "$1" 2>/dev/null; }
at() { echo "at $(date +%s%N)"; }
waitgone() { i=0; while [ -n "$(own $1)" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; }
`;

export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
