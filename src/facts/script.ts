import type { FactsRequest } from './types.js';
import { q as shellWord, UMASK } from '../apply/shell.js';
import { AGENT_PID_FILE, DEPLOY_RECORD_PATH, MAINTENANCE_FILE, REALSERVER_LEDGER_PATH } from '../host-paths/index.js';

/** Report lines starting with this begin a section; base64 and numbers can never start so. */
export const MARK = '@@HF@@';
/**
 * A director's realserver ledger is read up to this size (names of a few thousand realservers);
 * a bigger one is not hafleet's: its checksum alone, so a complete ledger may replace it.
 */
export const LEDGER_CAP_BYTES = 256 * 1024;
/** Content is read only for regular files up to this size; bigger ones get a sha256 alone. */
export const CONTENT_CAP_BYTES = 1024 * 1024;
// Where the deploy record and the agent's pid are (the agent is also found by its process title).
export { AGENT_PID_FILE, DEPLOY_RECORD_PATH };
export const PROCESS_NAMES = ['keepalived', 'nginx', 'hafleet-agent'];
export const TOOLS = ['keepalived', 'nginx', 'systemctl', 'service', 'sudo', 'ip', 'sha256sum', 'base64', 'install', 'arping', 'curl'];

/**
 * The one shell quoting (apply's `q`: shell.ts is a leaf file, so importing it makes no cycle),
 * plus this report's own limit: it is line-based, so a path with a newline cannot be reported.
 * The inventory's path type refuses such paths first; reaching this is a bug.
 */
function q(s: string): string {
  if (/[\n\0]/.test(s)) throw new Error(`facts: a path or key with a newline or NUL cannot be reported: ${JSON.stringify(s)}`);
  return shellWord(s);
}

/**
 * One POSIX sh script that prints every fact the request asks for as `@@HF@@ <section>` lines,
 * so a host costs one remote command. It starts few processes, since on a busy fleet each one
 * costs the host more than the bytes: one stat and one sha256sum for all files, one base64 per
 * file's content, one ip. Processes are found by scanning /proc with shell builtins
 * (no fork per process) and kept only when they share our network namespace: lab hosts share
 * one pid namespace, and on a real host the filter changes nothing.
 */
export function buildFactsScript(req: FactsRequest): string {
  if (req.recordOnly) return recordOnlyScript();
  const paths = req.paths.map(q).join(' ');
  const dirs = req.managedDirs.map(q).join(' ');
  // /proc/sys paths are computed here so the host reads them with a builtin (no process).
  const sysctls = req.sysctls.map((k) => `sysctl_fact ${q(k)} ${q('/proc/sys/' + k.replace(/\./g, '/'))}`).join('\n');
  // umask: this script creates nothing, and whatever a later edit makes it create stays root's.
  return `# shellcheck disable=SC3013 # test -ef: dash and busybox sh, the hosts' sh, have it
umask ${UMASK}
M=${q(MARK)}
echo "$M hafleet-facts 1"
${req.filesOnly ? `echo "$M scope files"
` : `echo "$M service-manager"
if [ -d /run/systemd/system ]; then echo systemd
elif command -v service >/dev/null 2>&1 && [ -d /etc/init.d ]; then echo sysv
else echo direct; fi
for t in ${TOOLS.map(q).join(' ')}; do
  if command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || [ -x "/sbin/$t" ]; then echo "$M tool $t 1"; else echo "$M tool $t 0"; fi
done
echo "$M processes"
for d in /proc/[0-9]*; do
  { IFS= read -r c < "$d/comm"; } 2>/dev/null || continue
  case "$c" in ${PROCESS_NAMES.map(q).join('|')}) [ "$d/ns/net" -ef /proc/self/ns/net ] && echo "$c \${d#/proc/}";; esac
done
if [ -r ${q(AGENT_PID_FILE)} ]; then
  { IFS= read -r p < ${q(AGENT_PID_FILE)}; } 2>/dev/null
  case "$p" in ''|*[!0-9]*) ;; *) [ -d "/proc/$p" ] && [ "/proc/$p/ns/net" -ef /proc/self/ns/net ] && echo "hafleet-agent $p";; esac
fi
`}set -- ${paths}
all='
'
for f do all="$all$f
"; done
for d in ${dirs}; do
  if [ -d "$d" ]; then
    echo "$M dir present $d"
    for f in "$d"/* "$d"/.[!.]*; do
      [ -f "$f" ] || continue
      echo "$f"
      case "$all" in *"
$f
"*) ;; *) all="$all$f
"; set -- "$@" "$f";; esac
    done
  else echo "$M dir absent $d"; fi
done
echo "$M files"
for f do
  if [ -L "$f" ] && [ ! -e "$f" ]; then echo "dangling $f"
  elif [ -f "$f" ]; then echo "file $f"
  elif [ -d "$f" ]; then echo "dir $f"
  elif [ -e "$f" ]; then echo "other $f"
  else echo "absent $f"; fi
done
if [ $# -gt 0 ]; then
  st=$(stat -L -c '%a %U %G %s %n' -- "$@" 2>/dev/null)
  echo "$M stat"
  [ -n "$st" ] && printf '%s\n' "$st"
  n=$#
  for f do [ -f "$f" ] && [ -r "$f" ] && set -- "$@" "$f"; done
  shift $n
  if [ $# -gt 0 ]; then echo "$M sha256"; sha256sum -- "$@" 2>/dev/null; fi
${req.contents === false ? '' : `  [ -n "$st" ] && while read -r _ _ _ s f; do
    [ -f "$f" ] && [ -r "$f" ] && [ "$s" -le ${CONTENT_CAP_BYTES} ] && { echo "$M content $f"; base64 < "$f"; }
  done <<HF_STAT_EOF
$st
HF_STAT_EOF
`}fi
${req.filesOnly ? '' : `if a=$(ip -j addr show 2>/dev/null); then echo "$M addr-json"; printf '%s\n' "$a"
else echo "$M addr-oneline"; ip -o addr show 2>/dev/null; fi
`}sysctl_fact() {
  if { IFS= read -r v < "$2"; } 2>/dev/null; then echo "$M sysctl $1"; printf '%s\n' "$v"
  elif command -v sysctl >/dev/null 2>&1 && v=$(sysctl -n -e "$1" 2>/dev/null) && [ -n "$v" ]; then echo "$M sysctl $1"; printf '%s\n' "$v"
  else echo "$M sysctl-absent $1"; fi
}
${sysctls}
if [ -f ${q(DEPLOY_RECORD_PATH)} ]; then echo "$M last-deploy"; base64 < ${q(DEPLOY_RECORD_PATH)}; fi
if [ -f ${q(REALSERVER_LEDGER_PATH)} ]; then
  if [ "$(stat -c %s ${q(REALSERVER_LEDGER_PATH)} 2>/dev/null || echo 0)" -le ${LEDGER_CAP_BYTES} ]; then echo "$M realserver-ledger"; base64 < ${q(REALSERVER_LEDGER_PATH)}
  else echo "$M realserver-ledger-big $(sha256sum < ${q(REALSERVER_LEDGER_PATH)} | cut -c1-64)"; fi
fi
${maintenanceSection()}${probeSections(req.probes ?? [])}echo "$M end"
`;
}

/**
 * The caller's probes, each in a subshell (its functions, umask and variables stay its own) with
 * stdin closed (the script itself arrives on stdin: a probe reading it would eat the rest).
 */
function probeSections(probes: readonly { name: string; script: string }[]): string {
  return probes.map((p) => {
    if (!/^[a-z][a-z0-9-]*$/.test(p.name)) throw new Error(`facts: probe name ${JSON.stringify(p.name)} is not [a-z][a-z0-9-]*`);
    return `echo "$M probe ${p.name}"
(
${p.script}
) </dev/null 2>/dev/null
`;
  }).join('');
}

/** The deploy record alone, in the same report format (the parser and its checks are shared). */
function recordOnlyScript(): string {
  return `umask ${UMASK}
M=${q(MARK)}
echo "$M hafleet-facts 1"
echo "$M scope record"
if [ -f ${q(DEPLOY_RECORD_PATH)} ]; then echo "$M last-deploy"; base64 < ${q(DEPLOY_RECORD_PATH)}; fi
${maintenanceSection()}echo "$M end"
`;
}

/**
 * The host's day-2 maintenance flag (hafleet maintenance): state on the host, not config, so
 * plan and deploy render a drained realserver `down` from what the host says. A builtin read.
 */
function maintenanceSection(): string {
  return `if [ -f ${q(MAINTENANCE_FILE)} ]; then { IFS= read -r v < ${q(MAINTENANCE_FILE)}; } 2>/dev/null; echo "$M maintenance"; printf '%s\\n' "$v"; fi
`;
}
