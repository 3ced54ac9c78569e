import { trackedBound } from '../bound.js';
import { startDaemon, stopDaemon } from '../daemon-scripts.js';
import { prelude } from '../shell.js';
import type { FaultSpec } from './spec.js';

/** nginx stops on the master: its track script fails, the master's priority drops, a backup takes over. */
export const stopNginx = {
  name: 'stop-nginx',
  aliases: [],
  description: "stop nginx on the master: the track script demotes it and a backup takes the VIP",
  target: 'master',
  expect: 'failover',
  releaseBeforeRestore: true,
  protocolClock: 'fault',
  selfRestoring: false,
  bound: trackedBound,
  skip: (c, inst) => {
    if (c.mode !== 'nginx') return `cluster ${c.name} is ${c.mode}: no nginx on the directors`;
    if (inst.trackScripts.length === 0) return `${inst.name} tracks no script: stopping nginx would not demote the master`;
    return null;
  },
  inject: () => prelude + stopDaemon('nginx'),
  restore: (info) => prelude + `at\n` + startDaemon('nginx', info, 'nginx'),
} as const satisfies FaultSpec;
