import { startDaemon, stopDaemon } from '../daemon-scripts.js';
import { prelude } from '../shell.js';
import type { FaultSpec } from './spec.js';

/** A realserver's nginx stops: no VIP may move; the health checks drain its traffic to the others. */
export const realserverDown = {
  name: 'realserver-down',
  aliases: [],
  description: 'stop nginx on a realserver that served traffic: the VIP stays, requests drain to the other realservers',
  target: 'realserver',
  expect: 'drain',
  releaseBeforeRestore: false,
  protocolClock: 'fault',
  selfRestoring: false,
  bound: () => null,
  skip: (c) => (c.services.some((s) => s.realServers.length >= 2) ? null : 'needs a service with two realservers (traffic must drain to the other)'),
  inject: () => prelude + stopDaemon('nginx'),
  restore: (info) => prelude + `at\n` + startDaemon('nginx', info, 'nginx'),
} as const satisfies FaultSpec;
