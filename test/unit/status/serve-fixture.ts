/**
 * Snapshots and a fake StatusSource for the views' unit tests (the view is pure over
 * snapshots; the real source is tested on a lab in test/integration/status-serve.test.ts).
 */
import type { MemberStatus, StatusSnapshot, StatusSource } from '../../../src/status/types.js';

export const HOSTILE = `<script>alert("x")</script>&'`;

function member(host: string, state: MemberStatus['state'], prio: number, extra: Partial<MemberStatus> = {}): MemberStatus {
  return { host, reachable: true, state, basePriority: prio, effectivePriority: prio, speaker: 'keepalived', tracks: [{ kind: 'script', name: 'chk_nginx', ok: true, weight: -30 }], ...extra };
}

/** web: lb1 holds 198.18.0.100 (expected); db: two directors, lb4 unreachable. */
export function snapshot(o: { holder?: string; at?: string; splitBrain?: boolean } = {}): StatusSnapshot {
  const holder = o.holder ?? 'lb1';
  const holders = o.splitBrain ? ['lb1', 'lb2'] : [holder];
  const at = o.at ?? '2026-12-04T10:00:00.000Z';
  const webVip = { vip: '198.18.0.100', cluster: 'web', instance: 'VI_1', holder: o.splitBrain ? null : holder, holders, expectedHolder: 'lb1', probe: { ok: true, ms: 3.2, status: 200 } };
  const dbVip = { vip: '198.18.0.200', cluster: 'db', instance: 'VI_DB', holder: 'lb3', holders: ['lb3'], expectedHolder: 'lb3', probe: { ok: false, error: 'connect ECONNREFUSED' } };
  return {
    at,
    clusters: [
      {
        name: 'web', splitBrain: !!o.splitBrain, membersUp: 2, members: 2,
        instances: [{
          cluster: 'web', instance: 'VI_1', vrid: 51, vips: [webVip],
          members: [
            member('lb1', holders.includes('lb1') ? 'MASTER' : 'BACKUP', 150, { lastTransition: { at: '2026-12-04T09:00:00Z', host: 'lb1', instance: 'VI_1', from: 'BACKUP', to: 'MASTER', reason: 'higher priority' } }),
            member('lb2', holders.includes('lb2') ? 'MASTER' : 'BACKUP', 100, { effectivePriority: 70, maintenance: { by: 'ops', reason: 'kernel' } }),
          ],
        }],
      },
      {
        name: 'db', splitBrain: false, membersUp: 1, members: 2,
        instances: [{
          cluster: 'db', instance: 'VI_DB', vrid: 52, vips: [dbVip],
          members: [member('lb3', 'MASTER', 150), { host: 'lb4', reachable: false, error: 'host key changed: refused', failure: 'refused', state: 'UNKNOWN', speaker: null, tracks: [] }],
        }],
      },
    ],
    vips: [webVip, dbVip],
    drift: [{ host: 'lb3', paths: ['/etc/keepalived/keepalived.conf'] }],
    lastDeploy: { at: '2026-12-04T08:00:00Z', by: 'ops', ok: true },
    unreachable: [{ host: 'lb4', error: 'host key changed: refused', failure: 'refused' }],
    transitions: [{ at: '2026-12-04T09:00:00Z', host: 'lb1', instance: 'VI_1', from: 'BACKUP', to: 'MASTER', reason: 'higher priority' }],
  };
}

/** A snapshot whose every host-provided string carries markup (XSS and label-escaping cases). */
export function hostileSnapshot(): StatusSnapshot {
  const s = snapshot();
  const m = s.clusters[0]!.instances[0]!.members[0]!;
  m.host = `lb1${HOSTILE}`;
  m.tracks[0]!.name = `chk${HOSTILE}`;
  m.lastTransition = { at: '2026-12-04T09:00:00Z', host: m.host, instance: 'VI_1', to: 'MASTER', reason: `log line ${HOSTILE}` };
  s.clusters[0]!.name = `web${HOSTILE}`;
  s.vips[0]!.holder = m.host;
  s.vips[0]!.holders = [m.host];
  s.vips[0]!.cluster = s.clusters[0]!.name;
  s.unreachable.push({ host: `x${HOSTILE}`, error: `ssh: ${HOSTILE}\nsecond line` });
  s.transitions.push({ at: '2026-12-04T09:30:00Z', host: m.host, instance: 'VI_1', to: 'BACKUP', reason: `notify ${HOSTILE}` });
  return s;
}

/** A source the test pushes snapshots into. */
export class FakeSource implements StatusSource {
  private last: StatusSnapshot | undefined;
  private waiting: ((s: StatusSnapshot) => void)[] = [];
  constructor(first?: StatusSnapshot) {
    this.last = first;
  }
  current() {
    return this.last;
  }
  next(signal?: AbortSignal): Promise<StatusSnapshot> {
    return new Promise((resolve, reject) => {
      const abort = () => reject(signal!.reason ?? new Error('aborted'));
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      this.waiting.push((s) => {
        signal?.removeEventListener('abort', abort);
        resolve(s);
      });
    });
  }
  push(s: StatusSnapshot) {
    this.last = s;
    const w = this.waiting;
    this.waiting = [];
    for (const f of w) f(s);
  }
  async close() {}
}
