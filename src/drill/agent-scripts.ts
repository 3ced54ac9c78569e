import { prelude, shq } from './shell.js';
import { DAEMON_UMASK } from '../apply/shell.js';
import { AGENT_CONF, AGENT_PID_FILE } from '../host-paths/index.js';

/**
 * The VRRP-speaker faults on a director that runs the hafleet agent (`vrrp_engine: agent`). The
 * agent is node, so it is found by the pid file the role's wrapper writes, not by name; the pid
 * must be a live process of this host's network namespace whose command line names the agent's
 * config (lab hosts share one pid space, and a pid can be reused), as the role's handlers check.
 * A zombie has no ns link and an empty cmdline, so a dead agent never counts as running.
 */

// Where templates/director/hafleet-agent.sh.hbs records the agent's pid, and its config.
export { AGENT_CONF, AGENT_PID_FILE };
/** The director role's handler that starts (or reloads) the agent: the restore runs it as apply does. */
export const AGENT_HANDLER = 'reload hafleet-agent';

/** A handler's command per service manager, as render's `Handler.commands`. */
export interface HandlerCommands {
  systemd: string;
  sysv: string;
  direct: string;
}

export type ServiceManager = keyof HandlerCommands;

const agentShell = `agent_pid() { p=$(cat ${shq(AGENT_PID_FILE)} 2>/dev/null); [ -n "$p" ] && [ "$(readlink /proc/$p/ns/net 2>/dev/null)" = "$(readlink /proc/self/ns/net)" ] && grep -qa ${shq(AGENT_CONF)} /proc/$p/cmdline 2>/dev/null && echo "$p"; }
svcmgr() { if [ -d /run/systemd/system ]; then echo systemd; elif command -v service >/dev/null 2>&1 && [ -d /etc/init.d ]; then echo sysv; else echo direct; fi; }
`;

/**
 * stop: SIGTERM (or `systemctl stop`): the agent sends a priority-0 advert and removes its VIPs.
 * kill: SIGKILL: no priority 0, the VIPs stay, the backup waits out Master_Down_Interval.
 * Prints the service manager (svc, as facts name it: the restore picks the handler's command for
 * it), the command line (a fallback restart when no handler is known) and the host time.
 */
export function agentFaultScript(kind: 'stop' | 'kill'): string {
  const signal = kind === 'stop'
    ? `if systemd_has hafleet-agent; then echo "manager systemd"; at; systemctl stop hafleet-agent; else at; kill -TERM $p; fi`
    // Under systemd the unit's Restart=on-failure may bring the agent back before the restore
    // (it drops the stale VIP as it starts); the restore then finds it running and starts none.
    : `if systemd_has hafleet-agent; then echo "manager systemd"; fi; at; kill -KILL $p`;
  return prelude + agentShell + `p=$(agent_pid); [ -n "$p" ] || { echo ${shq(`error the VRRP speaker (hafleet agent) is not running: no live agent in ${AGENT_PID_FILE}`)}; exit 3; }
echo "speaker agent"; echo "svc $(svcmgr)"
echo "cmd $(tr '\\0' '\\001' < /proc/$p/cmdline)"; echo "out $(readlink /proc/$p/fd/2)"
${signal}
i=0; while [ -n "$(agent_pid)" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
[ -z "$(agent_pid)" ] || { echo "error the VRRP speaker (hafleet agent, pid $p) did not end"; exit 3; }`;
}

export interface AgentRestoreOptions {
  /** The role's start handler (AGENT_HANDLER) for this host, from the desired state. */
  handler?: HandlerCommands;
  /** Service manager the fault script saw (facts' naming); direct when unknown. */
  serviceManager?: ServiceManager;
  /** Fallback without a handler: the command line the agent ran with, and where it logged. */
  cmd?: string;
  out?: string;
  /** VIPs a killed agent left on this host, removed before it starts again. */
  staleVips?: { address: string; prefix: number; dev: string }[];
}

/** The start command: the rendered handler apply would run, else the agent's own command line. */
export function agentStartCommand(o: AgentRestoreOptions): string | undefined {
  if (o.handler) return o.handler[o.serviceManager ?? 'direct'];
  // The wrapper writes the pid file before it execs the agent; without it, do the same.
  if (o.cmd && o.cmd.includes(AGENT_CONF)) {
    const out = o.out ? `>>${shq(o.out)} 2>&1` : '>/dev/null 2>&1';
    return `mkdir -p ${shq(AGENT_PID_FILE.replace(/\/[^/]+$/, ''))}; setsid sh -c ${shq(`echo $$ >${shq(AGENT_PID_FILE)}; exec ${o.cmd}`)} </dev/null ${out} &`;
  }
  return undefined;
}

/**
 * Undo a stop or kill of the agent. Idempotent: nothing is started when an agent runs already.
 * The stale VIPs go before the start (the agent would drop them itself, but a restore that
 * leaves the VIP on two hosts for a moment would read as split brain).
 */
export function agentRestoreScript(o: AgentRestoreOptions): string {
  const start = agentStartCommand(o);
  const del = (o.staleVips ?? []).map((v) => `  ip addr del ${shq(`${v.address}/${v.prefix}`)} dev ${shq(v.dev)} 2>/dev/null && echo removed ${shq(v.address)}`);
  const run = start
    // On lines of its own: a handler ending in a comment cannot swallow the closing parenthesis.
    // Constants only inside these double quotes (the handler's name, a service manager kind).
    // The agent gets the usual umask, not the drill script's 077 (DAEMON_UMASK).
    ? `  echo "started ${o.handler ? `by the handler '${AGENT_HANDLER}' (${o.serviceManager ?? 'direct'})` : 'from its command line'}"\n  umask ${DAEMON_UMASK}\n  (\n${start}\n  ) </dev/null >/dev/null 2>&1 || echo "warn the start command exited $?"`
    : `  echo "error no way to start the VRRP speaker (hafleet agent): no '${AGENT_HANDLER}' handler in the desired state and no command line seen"; exit 4`;
  return prelude + agentShell + `at
if [ -z "$(agent_pid)" ]; then
  true
${[...del, run].join('\n')}
fi
i=0; while [ -z "$(agent_pid)" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done
[ -n "$(agent_pid)" ] || { echo "error the VRRP speaker (hafleet agent) did not start within 15 s"; exit 4; }`;
}
