/**
 * virtual_routes / virtual_rules: added when an instance becomes master, removed when it stops
 * being master. keepalived's route and rule lines are `ip route` / `ip rule` syntax, so each line
 * is handed to `ip` as it is written (as arguments, never through a shell). This runs after the
 * VIPs are up and the first advert and ARPs are out, off the failover path, and never blocks it.
 */
import { execFile } from 'node:child_process';

import type { RouteLine } from '../../keepalived-conf/config-types.js';

export type { RouteLine };

export interface RouteOps {
  apply(op: 'add' | 'del', line: RouteLine, done: (error?: string) => void): void;
}

/** `ip [-6] route|rule add|del WORDS`: the arguments; exported for the unit test. */
export function ipArgs(op: 'add' | 'del', line: RouteLine): string[] {
  return [...(line.family === 6 ? ['-6'] : []), line.kind, op, ...line.words];
}

export function ipRouteOps(): RouteOps {
  return {
    apply(op, line, done) {
      execFile('ip', ipArgs(op, line), { timeout: 5000 }, (err, _out, stderr) => {
        if (!err) return done();
        const msg = String(stderr || err.message).trim();
        // Converge: already there on add, already gone on delete (a route using a VIP as source
        // leaves with the VIP).
        if (op === 'add' && /File exists/.test(msg)) return done();
        if (op === 'del' && /No such process|Cannot find|No such file|not found/i.test(msg)) return done();
        done(msg.split('\n')[0]);
      });
    },
  };
}
