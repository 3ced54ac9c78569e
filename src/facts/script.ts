import type { FactsRequest } from './types.js';

/** Report lines starting with this begin a section; base64 and numbers can never start so. */
export const MARK = '@@HF@@';
/** Content is read only for regular files up to this size; bigger ones get a sha256 alone. */
export const CONTENT_CAP_BYTES = 1024 * 1024;
export const DEPLOY_RECORD_PATH = '/var/lib/hafleet/last-deploy.json';
/** Where the TypeScript VRRP agent writes its pid (also found by its process title). */
export const AGENT_PID_FILE = '/run/hafleet/agent.pid';
export const PROCESS_NAMES = ['keepalived', 'nginx', 'hafleet-agent'];
export const TOOLS = ['keepalived', 'nginx', 'systemctl', 'service', 'sudo', 'ip', 'sha256sum', 'base64', 'install', 'arping', 'curl'];

function q(s: string): string {
  if (/[\n\0]/.test(s)) throw new Error(`facts: a path or key with a newline or NUL cannot be reported: ${JSON.stringify(s)}`);
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * One POSIX sh script that prints every fact the request asks for as `@@HF@@ <section>` lines,
 * so a host costs one remote command. Processes are found by scanning /proc with shell builtins
 * (no fork per process) and kept only when they share our network namespace: lab hosts share
 * one pid namespace, and on a real host the filter changes nothing.
 */
export function buildFactsScript(req: FactsRequest): string {
  const paths = req.paths.map(q).join(' ');
  const dirs = req.managedDirs.map(q).join(' ');
  const sysctls = req.sysctls.map(q).join(' ');
  return `M='${MARK}'
echo "$M hafleet-facts 1"
echo "$M service-manager"
if [ -d /run/systemd/system ]; then echo systemd
elif command -v service >/dev/null 2>&1 && [ -d /etc/init.d ]; then echo sysv
else echo direct; fi
for t in ${TOOLS.join(' ')}; do
  if command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || [ -x "/sbin/$t" ]; then echo "$M tool $t 1"; else echo "$M tool $t 0"; fi
done
echo "$M processes"
for d in /proc/[0-9]*; do
  { IFS= read -r c < "$d/comm"; } 2>/dev/null || continue
  case " ${PROCESS_NAMES.join(' ')} " in *" $c "*) [ "$d/ns/net" -ef /proc/self/ns/net ] && echo "$c \${d#/proc/}";; esac
done
if [ -r ${AGENT_PID_FILE} ]; then
  { IFS= read -r p < ${AGENT_PID_FILE}; } 2>/dev/null
  case "$p" in ''|*[!0-9]*) ;; *) [ -d "/proc/$p" ] && [ "/proc/$p/ns/net" -ef /proc/self/ns/net ] && echo "hafleet-agent $p";; esac
fi
fact_file() {
  f=$1
  if [ ! -e "$f" ] && [ ! -L "$f" ]; then echo "$M file absent $f"; return; fi
  echo "$M file present $f"
  if [ -L "$f" ]; then t=link; elif [ -f "$f" ]; then t=file; elif [ -d "$f" ]; then t=dir; else t=other; fi
  st=$(stat -L -c '%a %U %G %s' -- "$f" 2>/dev/null)
  echo "$st $t"
  if [ -f "$f" ] && [ -r "$f" ]; then
    echo "$M sha256 $f"
    sha256sum < "$f"
    s=\${st##* }
    if [ "\${s:-0}" -le ${CONTENT_CAP_BYTES} ]; then echo "$M content $f"; base64 < "$f"; fi
  fi
}
for f in ${paths}; do fact_file "$f"; done
for d in ${dirs}; do
  if [ -d "$d" ]; then
    echo "$M dir present $d"
    for f in "$d"/* "$d"/.[!.]*; do [ -f "$f" ] && echo "$f"; done
  else echo "$M dir absent $d"; fi
done
for d in ${dirs}; do
  [ -d "$d" ] || continue
  for f in "$d"/* "$d"/.[!.]*; do
    [ -f "$f" ] || continue
    case " ${req.paths.map((p) => p.replace(/[^A-Za-z0-9_./-]/g, '?')).join(' ')} " in *" $f "*) continue;; esac
    fact_file "$f"
  done
done
if a=$(ip -j addr show 2>/dev/null); then echo "$M addr-json"; printf '%s\n' "$a"
else echo "$M addr-oneline"; ip -o addr show 2>/dev/null; fi
for k in ${sysctls}; do
  p=/proc/sys/$(echo "$k" | tr . /)
  if command -v sysctl >/dev/null 2>&1 && v=$(sysctl -n -e "$k" 2>/dev/null) && [ -n "$v" ]; then echo "$M sysctl $k"; echo "$v"
  elif [ -r "$p" ]; then echo "$M sysctl $k"; cat "$p"
  else echo "$M sysctl-absent $k"; fi
done
if [ -f ${DEPLOY_RECORD_PATH} ]; then echo "$M last-deploy"; base64 < ${DEPLOY_RECORD_PATH}; fi
echo "$M end"
`;
}
