import type { AddressFact } from '../facts/types.js';
import { parseIpJson } from '../host-addresses/index.js';
import { AGENT_PID_FILE, AGENT_STATUS_FILES } from '../host-paths/index.js';
import { keepalivedReport } from './keepalived-report.js';
import { agentReport } from './agent-status.js';
import { authLogLines, speakerLogGrep, transitionLogLines } from './speaker-logs.js';
import { ownProcsShell } from './own-procs.js';
import { q, UMASK } from '../apply/shell.js';
import type { SpeakerReport } from './types.js';

/**
 * One remote command per host that reads what facts do not: addresses and MACs, daemons in this
 * host's own network namespace (lab hosts share one pid space, so a plain pgrep would see the
 * neighbours' keepalived), keepalived's own state dumps, auth-mismatch log lines, ARP sysctls.
 * Files are read through /proc/PID/root so keepalived's /tmp is found even in a private mount
 * namespace. Sections are framed by `@@hafleet:NAME@@` lines.
 */
export const agentStatusPaths = AGENT_STATUS_FILES;
/** Where the director role's handler records the agent's pid (as facts read it). */
export const agentPidFile = AGENT_PID_FILE;

export function hostProbeScript(): string {
  // umask: keepalived's dumps are its own files; anything this script makes stays root's.
  return `umask ${UMASK}
export LC_ALL=C
s() { echo "@@hafleet:$1@@"; }
s addr; ip -j addr 2>/dev/null
${ownProcsShell}
self=$(readlink /proc/self/ns/net)
procs=$(own_procs)
s procs
echo "$procs" | awk '$2=="keepalived" || $2=="nginx" {print $2, $1}'
kpid=$(echo "$procs" | awk '$2=="keepalived" {pp[$1]=$3} END {for (p in pp) if (!(pp[p] in pp)) print p}' | head -n 1)
apid=""
# The agent is node: known by its pid file, not its name (a cmdline grep would match this very script).
ap=$(cat ${q(agentPidFile)} 2>/dev/null)
if [ -n "$ap" ] && [ "$(readlink /proc/$ap/ns/net 2>/dev/null)" = "$self" ]; then echo "hafleet-agent $ap"; apid=$ap; fi
if [ -n "$kpid" ]; then
  r=/proc/$kpid/root/tmp
  rm -f "$r/keepalived.data" "$r/keepalived.json"
  sj=$(keepalived --signum=JSON 2>/dev/null)
  kill -USR1 $kpid 2>/dev/null; [ -n "$sj" ] && kill -$sj $kpid 2>/dev/null
  i=0; while [ $i -lt 40 ] && ! { [ -s "$r/keepalived.data" ] && { [ -z "$sj" ] || [ -s "$r/keepalived.json" ]; }; }; do sleep 0.025; i=$((i+1)); done
  sleep 0.02
  s kdata; cat "$r/keepalived.data" 2>/dev/null
  s kjson; cat "$r/keepalived.json" 2>/dev/null
  # The dumps hold the VRRP password (keepalived writes them 0644 in its /tmp): gone once read.
  rm -f "$r/keepalived.data" "$r/keepalived.json"
  s klog
  out=$(readlink /proc/$kpid/fd/1 2>/dev/null)
  for f in "$out" /proc/$kpid/root/var/log/keepalived.log /proc/$kpid/root/var/log/syslog /proc/$kpid/root/var/log/messages; do
    [ -n "$f" ] && [ -f "$f" ] && tail -n 400 "$f" 2>/dev/null | grep -E ${q(speakerLogGrep)}
  done
  command -v journalctl >/dev/null 2>&1 && journalctl -u keepalived -n 400 --no-pager 2>/dev/null | grep -E ${q(speakerLogGrep)}
fi
if [ -n "$apid" ]; then
  sf=$(tr '\\0' '\\n' < /proc/$apid/cmdline | sed -n '/^--status-file$/{n;p;q}')
  s agent
  for f in "$sf" ${agentStatusPaths.map(q).join(' ')}; do [ -n "$f" ] && [ -f "/proc/$apid/root$f" ] && { cat "/proc/$apid/root$f"; break; }; done
  s alog
  tail -n 400 "/proc/$apid/root/var/log/hafleet-agent.log" 2>/dev/null | grep -E ${q(speakerLogGrep)}
fi
s sysctl
for k in all/arp_ignore all/arp_announce lo/arp_ignore lo/arp_announce; do echo "net.ipv4.conf.\${k%%/*}.\${k##*/} $(cat /proc/sys/net/ipv4/conf/$k 2>/dev/null)"; done
s end
`;
}

export interface HostProbe {
  addresses: AddressFact[];
  macs: Record<string, string>;
  running: Record<string, boolean>;
  speaker: SpeakerReport | null;
  authLogLines: string[];
  /** The speaker's recent log lines about state changes and their causes, oldest first. */
  transitionLogLines: string[];
  sysctls: Record<string, string>;
}

/** The `@@hafleet:NAME@@` sections of the host probe's output (status reads the same output for its tracks). */
export function splitSections(out: string): Map<string, string> {
  const m = new Map<string, string>();
  let name: string | null = null;
  let buf: string[] = [];
  for (const line of out.split('\n')) {
    const h = /^@@hafleet:([a-z]+)@@$/.exec(line);
    if (h) {
      if (name) m.set(name, buf.join('\n'));
      name = h[1]!;
      buf = [];
    } else buf.push(line);
  }
  if (name) m.set(name, buf.join('\n'));
  return m;
}

/**
 * `ip -j addr` → addresses (IPv4 and IPv6, link-local included) and MACs, as facts name them;
 * unreadable output reads as none (the host's findings then say what is missing).
 */
export function parseIpAddr(text: string | undefined): { addresses: AddressFact[]; macs: Record<string, string> } {
  const got = parseIpJson(text) ?? { addresses: [], macs: {} };
  const addresses = got.addresses.map(({ dev, address, prefix, family, label }): AddressFact => ({ dev, address, prefix, family, ...(label ? { label } : {}) }));
  return { addresses, macs: got.macs };
}

export function parseHostProbe(out: string): HostProbe {
  const sec = splitSections(out);
  const { addresses, macs } = parseIpAddr(sec.get('addr'));
  const running: Record<string, boolean> = { keepalived: false, nginx: false, 'hafleet-agent': false };
  for (const line of (sec.get('procs') ?? '').split('\n')) {
    const name = line.split(' ')[0];
    if (name) running[name] = true;
  }
  const speaker = sec.has('kdata') || sec.has('kjson')
    ? keepalivedReport(sec.get('kdata') ?? null, sec.get('kjson') ?? null)
    : sec.has('agent') ? agentReport(sec.get('agent') ?? '') : null;
  const sysctls: Record<string, string> = {};
  for (const line of (sec.get('sysctl') ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined) sysctls[k] = v;
  }
  const logLines = ((sec.get('klog') ?? '') + '\n' + (sec.get('alog') ?? '')).split('\n');
  return { addresses, macs, running, speaker, authLogLines: authLogLines(logLines), transitionLogLines: transitionLogLines(logLines), sysctls };
}
