import { agentFaultScript, agentRestoreScript } from '../agent-scripts.js';
import { skewBound } from '../bound.js';
import { startDaemon, stopDaemon } from '../daemon-scripts.js';
import { prelude } from '../shell.js';
import type { FaultSpec } from './spec.js';
import { agentRestoreOptions } from './speaker.js';

/** The master's VRRP speaker stops gracefully: it sends priority 0 and removes its VIPs. */
export const stopKeepalived = {
  name: 'stop-keepalived',
  aliases: ['stop-vrrp'],
  description: "stop the master's VRRP speaker (keepalived or the hafleet agent) with SIGTERM: it sends a priority-0 advert",
  target: 'master',
  expect: 'failover',
  releaseBeforeRestore: true,
  protocolClock: 'priority-zero',
  speakerSignal: 'SIGTERM: priority-0 advert',
  selfRestoring: false,
  bound: skewBound,
  skip: () => null,
  inject: (o) => (o.engine === 'agent' ? agentFaultScript('stop') : prelude + stopDaemon('keepalived')),
  restore: (info, o) => (o.engine === 'agent'
    // A graceful stop removed the VIPs itself: no stale ones to drop.
    ? agentRestoreScript(agentRestoreOptions(info, o, false))
    : prelude + `at\n` + startDaemon('keepalived', info, 'keepalived')),
} as const satisfies FaultSpec;
