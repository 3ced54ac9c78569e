import { ownProcsShell } from '../verify/index.js';
import { q, UMASK } from '../apply/shell.js';

/**
 * Shell functions every drill script on a host starts with (POSIX sh: the host's may be dash).
 * umask: the link-down stamp and anything else a drill leaves in /tmp is root's alone.
 */
export const prelude = `umask ${UMASK}
export LC_ALL=C
${ownProcsShell}
systemd_has() { command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ] && systemctl is-active --quiet "$1" 2>/dev/null; }
at() { echo "at $(date +%s%N)"; }
waitgone() { i=0; while [ -n "$(own $1)" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; }
`;

/** The one shell quoting helper (apply's `q`), under the name drill code has always used. */
export const shq = q;
