import { prelude, shq } from './shell.js';
import { DAEMON_UMASK } from '../apply/shell.js';
import type { VrrpEngine } from '../topology/types.js';
import { agentFaultScript, agentRestoreScript, type HandlerCommands, type ServiceManager } from './agent-scripts.js';
import type { FaultKind } from './types.js';

/**
 * Shell the drill runs on hosts. Daemons are found in the host's own network namespace (lab
 * hosts share one pid space, so a bare pkill would hit the neighbours), stopped the way the
 * fault says, and their command line is printed so the restore starts them the same way.
 * Every script prints `at <epoch ns>` right when the fault happens: the fault's time comes from
 * the host, not from the admin box plus SSH latency.
 */

export { prelude, shq };

/** How a daemon is named in messages: keepalived is the director's VRRP speaker. */
const label = (name: 'keepalived' | 'nginx') => (name === 'keepalived' ? 'the VRRP speaker (keepalived)' : name);

/** Stop a daemon gracefully (SIGTERM / systemctl stop), printing how to start it again. */
function stopDaemon(name: 'keepalived' | 'nginx'): string {
  return `if systemd_has ${name}; then echo "manager systemd"; at; systemctl stop ${name}; else
  p=$(top ${name}); [ -n "$p" ] || { echo ${shq(`error ${label(name)} is not running`)}; exit 3; }
  echo "cmd $(tr '\\0' '\\001' < /proc/$p/cmdline)"; echo "out $(readlink /proc/$p/fd/1)"
  at; kill -TERM $p; fi
waitgone ${name}`;
}

const linkDownStamp = '/tmp/hafleet-drill-link-down.at';

export interface FaultScriptOptions {
  /** link-down: the interface, and how long the host keeps it down before bringing it back itself. */
  dev?: string;
  downSec?: number;
  /** stop-/kill-keepalived: the VRRP speaker the target runs (default keepalived). */
  engine?: VrrpEngine;
}

export function faultScript(fault: FaultKind, o: FaultScriptOptions = {}): string {
  switch (fault) {
    case 'stop-keepalived':
      return o.engine === 'agent' ? agentFaultScript('stop') : prelude + stopDaemon('keepalived');
    case 'kill-keepalived':
      if (o.engine === 'agent') return agentFaultScript('kill');
      // Every keepalived process at once, as `pkill -9 keepalived` on a real box: the VRRP child
      // dies without sending priority 0 and without removing its VIPs.
      return prelude + `p=$(top keepalived); [ -n "$p" ] || { echo ${shq(`error ${label('keepalived')} is not running`)}; exit 3; }
if systemd_has keepalived; then echo "manager systemd"; else echo "cmd $(tr '\\0' '\\001' < /proc/$p/cmdline)"; echo "out $(readlink /proc/$p/fd/1)"; fi
ps=$(own keepalived); at; kill -KILL $ps
waitgone keepalived`;
    case 'stop-nginx':
    case 'realserver-down':
      return prelude + stopDaemon('nginx');
    case 'link-down': {
      // The host brings its own link back: SSH to it runs over the same interface.
      const dev = shq(o.dev ?? 'eth0');
      const sec = Math.max(1, Math.round(o.downSec ?? 6));
      // The link goes down a moment later, so this command's answer gets out first; the host
      // stamps the moment itself and the restore reads the stamp back.
      const inner = `sleep 0.3; date +%s%N >${shq(linkDownStamp)}; ip link set ${dev} down; sleep ${sec}; ip link set ${dev} up`;
      return prelude + `setsid sh -c ${shq(inner)} </dev/null >/dev/null 2>&1 &
echo scheduled ${sec}`;
    }
  }
}

export interface RestoreInfo {
  manager: 'systemd' | 'direct';
  /** Command line the daemon ran with (nginx: from its `master process …` title). */
  cmd?: string;
  /** Where its stdout went (a log file), to keep logging there. */
  out?: string;
  /** Host time of the fault, epoch ms. */
  atMs?: number;
  /** link-down: host time the link went down, read back by the restore. */
  downAtMs?: number;
  /** The host's service manager as facts name it (agent faults print it: the handler's command is per manager). */
  serviceManager?: ServiceManager;
  /** Restore: how a stopped VRRP speaker was started again (the agent's restore says). */
  started?: string;
}

/**
 * A restartable command line from /proc/PID/cmdline (arguments joined by \x01 by the script).
 * nginx rewrites its own as one title, `nginx: master process /usr/sbin/nginx -c …`: argument
 * boundaries are lost, so a title with shell metacharacters falls back to plain `nginx`.
 */
export function commandLine(raw: string): string | undefined {
  const args = raw.replace(/\u0001+$/, '').split('\u0001').filter((a) => a.length);
  if (args.length === 1 && args[0]!.startsWith('nginx: master process ')) {
    const title = args[0]!.slice('nginx: master process '.length).trim();
    return /[;&|'"`$<>\\]/.test(title) ? undefined : title;
  }
  return args.length ? args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : shq(a))).join(' ') : undefined;
}

export function parseFaultOutput(stdout: string): RestoreInfo & { error?: string } {
  const info: RestoreInfo & { error?: string } = { manager: 'direct' };
  for (const line of stdout.split('\n')) {
    const [k, ...rest] = line.trim().split(' ');
    const v = rest.join(' ').trim();
    if (k === 'manager' && v === 'systemd') info.manager = 'systemd';
    else if (k === 'cmd' && v) info.cmd = commandLine(v);
    else if (k === 'out' && v.startsWith('/') && !v.startsWith('/dev/')) info.out = v;
    else if (k === 'at' && /^\d+$/.test(v)) info.atMs = Number(BigInt(v) / 1000n) / 1000;
    else if (k === 'down' && /^\d+$/.test(v)) info.downAtMs = Number(BigInt(v) / 1000n) / 1000;
    else if (k === 'started' && v) info.started = v;
    else if (k === 'svc' && (v === 'systemd' || v === 'sysv' || v === 'direct')) info.serviceManager = v;
    else if (k === 'error') info.error = v;
  }
  return info;
}

function startDaemon(name: 'keepalived' | 'nginx', info: RestoreInfo, fallback: string): string {
  if (info.manager === 'systemd') return `systemctl start ${name}`;
  const out = info.out ? `>>${shq(info.out)} 2>&1` : '>/dev/null 2>&1';
  const cmd = info.cmd && /^\S*(keepalived|nginx)\b/.test(info.cmd) ? info.cmd : fallback;
  // The daemon gets the usual umask, not the drill script's 077 (see DAEMON_UMASK).
  return `[ -n "$(own ${name})" ] || (umask ${DAEMON_UMASK}; setsid ${cmd} </dev/null ${out} &)
i=0; while [ -z "$(own ${name})" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
[ -n "$(own ${name})" ] || { echo ${shq(`error ${label(name)} did not start`)}; exit 4; }`;
}

export interface RestoreOptions {
  /** kill-keepalived: VIPs keepalived left behind on this host, `address/prefix dev`. */
  staleVips?: { address: string; prefix: number; dev: string }[];
  dev?: string;
  /** stop-/kill-keepalived: the VRRP speaker the target runs (default keepalived). */
  engine?: VrrpEngine;
  /** agent: the role's start handler for the target, from the desired state (as apply runs it). */
  agentHandler?: HandlerCommands;
  /** The inventory's `service_manager` for the target: wins over what the fault script detected, as in apply. */
  serviceManager?: ServiceManager;
}

function staleVipDeletes(vips: RestoreOptions['staleVips'] = []): string {
  return vips.map((v) => `ip addr del ${shq(`${v.address}/${v.prefix}`)} dev ${shq(v.dev)} 2>/dev/null && echo removed ${shq(v.address)}`).join('\n');
}

/** Undo a fault. Idempotent: running it twice, or after the fault undid itself, is harmless. */
export function restoreScript(fault: FaultKind, info: RestoreInfo, o: RestoreOptions = {}): string {
  switch (fault) {
    case 'stop-keepalived':
    case 'kill-keepalived':
      if (o.engine === 'agent') {
        return agentRestoreScript({
          ...(o.agentHandler ? { handler: o.agentHandler } : {}), ...(o.serviceManager ?? info.serviceManager ? { serviceManager: o.serviceManager ?? info.serviceManager! } : {}),
          ...(info.cmd ? { cmd: info.cmd } : {}), ...(info.out ? { out: info.out } : {}),
          // A graceful stop removed the VIPs itself; only a killed agent leaves them.
          ...(fault === 'kill-keepalived' && o.staleVips ? { staleVips: o.staleVips } : {}),
        });
      }
      if (fault === 'stop-keepalived') return prelude + `at\n` + startDaemon('keepalived', info, 'keepalived');
      return prelude + `at\n[ -n "$(own keepalived)" ] || { true\n${staleVipDeletes(o.staleVips)}\n}\n` + startDaemon('keepalived', info, 'keepalived');
    case 'stop-nginx':
    case 'realserver-down':
      return prelude + `at\n` + startDaemon('nginx', info, 'nginx');
    case 'link-down':
      return prelude + `at\nip link set ${shq(o.dev ?? 'eth0')} up\n[ -s ${shq(linkDownStamp)} ] && echo "down $(cat ${shq(linkDownStamp)})"; rm -f ${shq(linkDownStamp)}; true`;
  }
}
