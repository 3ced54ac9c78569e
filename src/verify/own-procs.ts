/**
 * Shell functions listing the processes of the host's own network namespace. Lab hosts share
 * one pid space, so a bare pgrep sees the neighbours' daemons. One stat, one cat and two awks
 * for all processes: a per-process readlink loop forks thousands of times on a busy machine
 * and took over 15 s under load.
 *   own_procs   → "pid comm ppid" lines
 *   own NAME    → pids named NAME
 *   top NAME    → the NAME processes whose parent is not NAME (a daemon's master/parent)
 */
export const ownProcsShell = `own_procs() {
  me=$(stat -L -c %i /proc/self/ns/net)
  set --
  for f in $(stat -L -c '%i %n' /proc/[0-9]*/ns/net 2>/dev/null | awk -v me="$me" '$1==me {print $2}'); do set -- "$@" "\${f%/ns/net}/stat"; done
  [ $# -gt 0 ] && cat "$@" 2>/dev/null | awk '{c=$2; gsub(/[()]/,"",c); print $1, c, $4}'
}
own() { own_procs | awk -v n="$1" '$2==n {print $1}'; }
top() { own_procs | awk -v n="$1" '$2==n {pp[$1]=$3} END {for (p in pp) if (!(pp[p] in pp)) print p}'; }
`;
