/**
 * The one remote command `hafleet import` runs per host: a POSIX sh script on stdin that only
 * reads and prints framed sections (like facts/script.ts). It writes nothing anywhere — no temp
 * file, no cache, no log — so adopting a production pair cannot change it. It follows
 * keepalived.conf's `include`s the way keepalived does (glob(3) relative to the including file's
 * directory, sorted, a pattern matching nothing skipped), reads every script the configuration
 * names, `nginx -T` (or nginx's files when the binary is absent), the ARP sysctls (live and in
 * sysctl.conf / sysctl.d) and the scripts that put a VIP on lo.
 *
 * Frames: `@@HI@@ <kind> <base64 path> [words]` then base64 lines of the content, then
 * `@@HI@@ end`. Paths travel as base64 so that no file name can forge a frame.
 */
import { AGENT_PID_FILE } from '../host-paths/index.js';

export const IMPORT_MARK = '@@HI@@';
/** A file bigger than this is refused by path: configs and scripts are never this big. */
export const IMPORT_MAX_BYTES = 1024 * 1024;
/** keepalived's own nesting limit is far above any sane config; this bounds a loop in the shell. */
export const IMPORT_MAX_INCLUDE_ROUNDS = 8;

/** Keywords whose first argument is a program keepalived runs (kept beside the inventory). */
export const SCRIPT_KEYWORDS = [
  'script', 'notify', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify_deleted',
  'notify_master_rx_lower_pri', 'notify_up', 'notify_down', 'misc_path',
] as const;

/** Where hand-written realserver scripts live; recognised by content, not by name. */
export const LO_SCRIPT_PLACES = ['/etc/init.d/*', '/usr/local/bin/*', '/usr/local/sbin/*', '/etc/rc.local', '/etc/network/if-up.d/*'] as const;

export function buildImportScript(): string {
  const m = IMPORT_MARK;
  return `umask 077
M='${m}'
MAX=${IMPORT_MAX_BYTES}
b64() { printf '%s' "$1" | base64 -w0; }
# emit KIND PATH: the file framed, or why not (missing, not a file, too big). One stat gives size,
# mode and owner; a binary or non-UTF-8 file is refused by the importer, which sees the bytes.
emit() {
  k=$1; p=$2; e=$(b64 "$p")
  if [ ! -e "$p" ]; then echo "$M missing $k $e"; return; fi
  if [ ! -f "$p" ]; then echo "$M refused $k $e not-a-regular-file"; return; fi
  if [ ! -r "$p" ]; then echo "$M refused $k $e unreadable"; return; fi
  set -- $(stat -L -c '%s %a %u' "$p" 2>/dev/null)
  if [ "\${1:-0}" -gt "$MAX" ]; then echo "$M refused $k $e too-big $1"; return; fi
  # Mode and owner: a kept script is deployed with its mode, so the first plan shows no change.
  echo "$M file $k $e $2 $3"; base64 < "$p"; echo "$M end"
}
echo "$M hafleet-import 1"
# The VRRP speaker: keepalived (its -f names the config), the hafleet agent, or none.
conf=/etc/keepalived/keepalived.conf
for d in /proc/[0-9]*; do
  c=''; { IFS= read -r c < "$d/comm"; } 2>/dev/null
  [ "$c" = keepalived ] || continue
  [ "$d/ns/net" -ef /proc/self/ns/net ] || continue
  echo "$M speaker keepalived"
  f=$(tr '\\000' '\\n' < "$d/cmdline" 2>/dev/null | awk 'x{print;exit} $0=="-f"||$0=="--use-file"{x=1} /^--use-file=/{sub(/^--use-file=/,"");print;exit} /^-f./{sub(/^-f/,"");print;exit}')
  [ -n "$f" ] && conf=$f
  break
done
if [ -r ${AGENT_PID_FILE} ]; then
  p=''; { IFS= read -r p < ${AGENT_PID_FILE}; } 2>/dev/null
  case "$p" in ''|*[!0-9]*) ;; *) [ -d "/proc/$p" ] && [ "/proc/$p/ns/net" -ef /proc/self/ns/net ] && echo "$M speaker agent";; esac
fi
echo "$M conf $(b64 "$conf")"
# keepalived.conf and its includes, breadth first; a file is read once (a loop ends here and is
# reported by the importer, which sees the include lines).
seen=' '
todo=$conf
round=0
while [ -n "$todo" ] && [ $round -le ${IMPORT_MAX_INCLUDE_ROUNDS} ]; do
  next=''
  for f in $todo; do
    case "$seen" in *" $f "*) continue;; esac
    seen="$seen$f "
    emit keepalived "$f"
    [ -f "$f" ] && [ -r "$f" ] || continue
    dir=\${f%/*}; [ -n "$dir" ] || dir=/
    for pat in $(sed -e 's/[#!].*//' "$f" | awk '$1=="include" && NF==2 {print $2}' | tr -d '"'); do
      case "$pat" in /*) ;; *) pat="$dir/$pat";; esac
      echo "$M include $(b64 "$f") $(b64 "$pat")"
      for g in $pat; do [ -f "$g" ] && next="$next $g"; done
    done
  done
  todo=$next
  round=$((round+1))
done
# Every program the configuration runs.
for f in $seen; do
  [ -f "$f" ] || continue
  sed -e 's/[#!].*//' "$f" | awk '$1 ~ /^(${SCRIPT_KEYWORDS.join('|')})$/ { s=$0; sub(/^[ \\t]*[a-z_]+[ \\t]+/, "", s); gsub(/"/, "", s); split(s, w, /[ \\t]+/); if (w[1] ~ /^\\//) print w[1] }'
done | sort -u | while IFS= read -r s; do emit script "$s"; done
# nginx as nginx sees it, else its files.
if command -v nginx >/dev/null 2>&1; then
  out=$(nginx -T 2>/dev/null); rc=$?
  echo "$M nginx-T $(b64 nginx) $rc"; printf '%s\\n' "$out" | base64; echo "$M end"
else
  for f in /etc/nginx/nginx.conf /etc/nginx/conf.d/*.conf /etc/nginx/sites-enabled/*; do [ -e "$f" ] && emit nginx "$f"; done
fi
# ARP sysctls in effect, and where they are set.
# One grep for them all: PATH:VALUE lines (an interface name has no '/', ':' or space).
echo "$M sysctls"; grep -Hs . /proc/sys/net/ipv4/conf/*/arp_ignore /proc/sys/net/ipv4/conf/*/arp_announce | base64; echo "$M end"
for f in /etc/sysctl.conf /etc/sysctl.d/*.conf; do
  [ -f "$f" ] && grep -qs 'arp_\\(ignore\\|announce\\)' "$f" && emit sysctl-file "$f"
done
# Scripts that put a VIP on lo (with the ARP sysctls): by what they do, not by their name.
units=$(sed -n 's/^ExecStart[a-zA-Z]*=[-@+!:]*\\([^ ]*\\).*/\\1/p' /etc/systemd/system/*.service /etc/systemd/system/*/*.service 2>/dev/null | sort -u)
# One grep over every candidate (a process per file would cost a busy host hundreds of forks).
for f in $(grep -lIEs '(ip[ \t]+(-[46][ \t]+)?a(d|dd|ddr|ddress)?[ \t]+add[ \t].*dev[ \t]+lo([ \t:]|$)|ifconfig[ \t]+lo:)' ${LO_SCRIPT_PLACES.join(' ')} $units 2>/dev/null | sort -u); do
  [ -f "$f" ] && emit lo-script "$f"
done
echo "$M done"
`;
}
