import type { DrillRecord, RequestSample } from '../../../src/drill/index.js';

/**
 * A kill-keepalived run as it looks on the lab: fault at 1 s, lb2 takes the VIP at 4.6 s,
 * the stale VIP on lb1 goes only with the restore at 8 s, lb1 preempts back at 9 s.
 * Requests every 100 ms; first tries fail from the fault until lb2 holds, retries too.
 */
export function killRecord(): DrillRecord {
  const requests: RequestSample[] = [];
  for (let t = 0; t <= 10_000; t += 100) {
    const down = t >= 1000 && t < 4700;
    requests.push(down ? { t, ok: false, okAfterRetry: false, ms: 1000, error: 'timeout after 1000 ms' } : { t, ok: true, okAfterRetry: false, ms: 2, status: 200, servedBy: t % 200 ? 'web1' : 'web2' });
  }
  return {
    fault: 'kill-keepalived', cluster: 'web', instance: 'web_51', vip: '198.18.0.100',
    master: 'lb1', backups: ['lb2'], target: 'lb1',
    config: { version: 2, advertIntSec: 1, preempt: true, preemptDelaySec: 0, masterPriority: 150, backupPriority: 100, track: { intervalSec: 2, timeoutSec: 2, fall: 2, weight: -60 } },
    marks: [
      { t: 0, kind: 'start', note: 'observers running' },
      { t: 1000, kind: 'fault', note: 'kill -9 keepalived on lb1' },
      { t: 1020, kind: 'fault-done', note: 'keepalived killed on lb1' },
      { t: 8000, kind: 'restore', note: 'restore lb1' },
      { t: 8400, kind: 'restore-done', note: 'keepalived started on lb1' },
      { t: 10_000, kind: 'end', note: 'observers stopped' },
    ],
    ownership: [
      { t: 0, host: 'lb1', holds: true },
      { t: 0, host: 'lb2', holds: false },
      { t: 4600, host: 'lb2', holds: true },
      { t: 8050, host: 'lb1', holds: false },
      { t: 9000, host: 'lb1', holds: true },
      { t: 9010, host: 'lb2', holds: false },
    ],
    garps: [4610, 4611, 4612, 4613, 4614, 9001].map((t) => ({ t, mac: t > 9000 ? '02:00:00:00:00:11' : '02:00:00:00:00:12', host: t > 9000 ? 'lb1' : 'lb2' })),
    requests,
    // lb1 advertises every second, the last one 10 ms before the kill; lb2 after it took over
    adverts: [
      ...[-1010, -10, 990].map((t) => ({ t, src: '198.18.0.11', priority: 150 })),
      { t: 4600, src: '198.18.0.12', priority: 100 },
    ],
    masterAddress: '198.18.0.11',
    gaps: [],
  };
}
