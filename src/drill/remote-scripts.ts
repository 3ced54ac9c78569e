import { prelude, shq } from './shell.js';
import type { VrrpEngine } from '../topology/types.js';
import type { HandlerCommands, ServiceManager } from './agent-scripts.js';
import { faultSpec, type FaultKind } from './faults/index.js';

/**
 * Shell the drill runs on hosts. Daemons are found in the host's own network namespace (lab
 * hosts share one pid space, so a bare pkill would hit the neighbours), stopped the way the
 * fault says, and their command line is printed so the restore starts them the same way.
 * Every script prints `at <epoch ns>` right when the fault happens: the fault's time comes from
 * the host, not from the admin box plus SSH latency.
 */

export { prelude, shq };

export interface FaultScriptOptions {
  /** link-down: the interface, and how long the host keeps it down before bringing it back itself. */
  dev?: string;
  downSec?: number;
  /** stop-/kill-keepalived: the VRRP speaker the target runs (default keepalived). */
  engine?: VrrpEngine;
  /** switchover: the vrrp_instance whose move file the fault writes. */
  instance?: string;
}

/** The shell that injects a fault on its target (see the fault's spec in faults/). */
export function faultScript(fault: FaultKind, o: FaultScriptOptions = {}): string {
  return faultSpec(fault).inject(o);
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
  /** switchover: the move file's value before the fault, written back by the restore. */
  moveValue?: number;
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
    else if (k === 'prev' && /^-?\d{1,4}$/.test(v)) info.moveValue = Number(v);
    else if (k === 'svc' && (v === 'systemd' || v === 'sysv' || v === 'direct')) info.serviceManager = v;
    else if (k === 'error') info.error = v;
  }
  return info;
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
  /** switchover: the vrrp_instance whose move file the restore writes. */
  instance?: string;
}

/** Undo a fault. Idempotent: running it twice, or after the fault undid itself, is harmless. */
export function restoreScript(fault: FaultKind, info: RestoreInfo, o: RestoreOptions = {}): string {
  return faultSpec(fault).restore(info, o);
}
