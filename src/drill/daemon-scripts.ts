import { shq } from './shell.js';
import { DAEMON_UMASK } from '../apply/shell.js';
import type { RestoreInfo } from './remote-scripts.js';

/**
 * Stopping and starting a daemon by name in the host's own network namespace, shared by the
 * faults that act on keepalived or nginx (the `top`/`own`/`waitgone` helpers come from `prelude`).
 */

/** How a daemon is named in messages: keepalived is the director's VRRP speaker. */
export const daemonLabel = (name: 'keepalived' | 'nginx') => (name === 'keepalived' ? 'the VRRP speaker (keepalived)' : name);

/** Stop a daemon gracefully (SIGTERM / systemctl stop), printing how to start it again. */
export function stopDaemon(name: 'keepalived' | 'nginx'): string {
  return `if systemd_has ${name}; then echo "manager systemd"; at; systemctl stop ${name}; else
  p=$(top ${name}); [ -n "$p" ] || { echo ${shq(`error ${daemonLabel(name)} is not running`)}; exit 3; }
  echo "cmd $(tr '\\0' '\\001' < /proc/$p/cmdline)"; echo "out $(readlink /proc/$p/fd/1)"
  at; kill -TERM $p; fi
waitgone ${name}`;
}

/** Start a daemon again the way it ran (systemd unit, or its command line and log), unless it runs. */
export function startDaemon(name: 'keepalived' | 'nginx', info: RestoreInfo, fallback: string): string {
  if (info.manager === 'systemd') return `systemctl start ${name}`;
  const out = info.out ? `>>${shq(info.out)} 2>&1` : '>/dev/null 2>&1';
  const cmd = info.cmd && /^\S*(keepalived|nginx)\b/.test(info.cmd) ? info.cmd : fallback;
  // The daemon gets the usual umask, not the drill script's 077 (see DAEMON_UMASK).
  return `[ -n "$(own ${name})" ] || (umask ${DAEMON_UMASK}; setsid ${cmd} </dev/null ${out} &)
i=0; while [ -z "$(own ${name})" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
[ -n "$(own ${name})" ] || { echo ${shq(`error ${daemonLabel(name)} did not start`)}; exit 4; }`;
}

/** Remove VIPs a killed speaker left behind (`ip addr del`, quiet when already gone). */
export function staleVipDeletes(vips: { address: string; prefix: number; dev: string }[] = []): string {
  return vips.map((v) => `ip addr del ${shq(`${v.address}/${v.prefix}`)} dev ${shq(v.dev)} 2>/dev/null && echo removed ${shq(v.address)}`).join('\n');
}
