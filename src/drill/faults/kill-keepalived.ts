import { agentFaultScript, agentRestoreScript } from '../agent-scripts.js';
import { masterDownBound } from '../bound.js';
import { daemonLabel, staleVipDeletes, startDaemon } from '../daemon-scripts.js';
import { prelude, shq } from '../shell.js';
import type { FaultSpec } from './spec.js';
import { agentRestoreOptions } from './speaker.js';

/**
 * The master's VRRP speaker dies (SIGKILL): no priority 0, its VIPs stay on the host, the
 * backup waits out Master_Down_Interval. The old master keeps the VIP until the restore.
 */
export const killKeepalived = {
  name: 'kill-keepalived',
  aliases: ['kill-vrrp'],
  description: "kill the master's VRRP speaker (keepalived or the hafleet agent) with SIGKILL: silent, its VIPs stay",
  target: 'master',
  expect: 'failover',
  releaseBeforeRestore: false,
  protocolClock: 'last-advert',
  speakerSignal: 'SIGKILL: silent',
  selfRestoring: false,
  bound: masterDownBound,
  skip: () => null,
  // Every keepalived process at once, as `pkill -9 keepalived` on a real box: the VRRP child
  // dies without sending priority 0 and without removing its VIPs.
  inject: (o) => (o.engine === 'agent' ? agentFaultScript('kill') : prelude + `p=$(top keepalived); [ -n "$p" ] || { echo ${shq(`error ${daemonLabel('keepalived')} is not running`)}; exit 3; }
if systemd_has keepalived; then echo "manager systemd"; else echo "cmd $(tr '\\0' '\\001' < /proc/$p/cmdline)"; echo "out $(readlink /proc/$p/fd/1)"; fi
ps=$(own keepalived); at; kill -KILL $ps
waitgone keepalived`),
  restore: (info, o) => (o.engine === 'agent'
    ? agentRestoreScript(agentRestoreOptions(info, o, true))
    : prelude + `at\n[ -n "$(own keepalived)" ] || { true\n${staleVipDeletes(o.staleVips)}\n}\n` + startDaemon('keepalived', info, 'keepalived')),
} as const satisfies FaultSpec;
