import { mapLimit } from '../async/index.js';
import type { DesiredState } from '../render/index.js';
import type { Topology } from '../topology/index.js';
import type { HostRef, Transport } from '../transport/index.js';
import { httpGet, urlOf } from '../verify/index.js';
import { assembleSnapshot, type VipProbe } from './assemble.js';
import { readHost, type GatherFacts, type HostRead, type HostReadRequest } from './host-read.js';
import type { StatusSnapshot, StatusSource, Transition } from './types.js';

export interface StatusTarget {
  topology: Topology;
  /** The hosts of this view (--limit applied), by name. */
  hosts: ReadonlyMap<string, HostRef>;
  /** What the inventory renders: whose files' drift is watched. */
  desired?: DesiredState;
}

export interface GatherOptions {
  /** Kept for the source's life: its pool keeps one SSH connection per host between rounds. */
  transport: Transport;
  gatherFacts: GatherFacts;
  forks?: number;
  /** A host that has not answered by then is shown unreachable for this round (the view never waits longer). */
  hostTimeoutMs?: number;
  /** Deadline of each request through a VIP. */
  probeTimeoutMs?: number;
  /**
   * A host that directs no cluster (a realserver) is read every this many rounds (default 5:
   * every 10 s at a round every 2 s), staggered so each round reads a share of them; between
   * reads its last answer stands. Directors are read every round. Each read is an SSH channel
   * opened, a script sent and closed: on a fleet of mostly realservers that is the round's cost
   * (issue 15 part 4), while what the view shows of a realserver (drift, answering) is not a
   * 2-second matter. A realserver whose last read failed is read again every round. 1: all every round.
   */
  realserverEveryRounds?: number;
}

/** What a round needs of each host: the rendered files (drift) and its clusters' notify logs. */
function requestOf(target: StatusTarget, host: string) {
  const directs = target.topology.clusters.filter((c) => c.directors.includes(host));
  const notifyLogs = [...new Set(directs.flatMap((c) => (c.notify.logFile ? [c.notify.logFile] : [])))];
  return { paths: (target.desired?.get(host)?.files ?? []).map((f) => f.path), notifyLogs, ...(directs.length === 0 ? { filesOnly: true } : {}) };
}

/** One GET through every VIP that has a service, from the admin box: its latency or its error. */
async function probeVips(topology: Topology, timeoutMs: number, signal?: AbortSignal): Promise<Map<string, VipProbe>> {
  const out = new Map<string, VipProbe>();
  const services = topology.clusters.flatMap((c) => c.services);
  await Promise.all([...new Set(services.map((s) => s.vip))].map(async (vip) => {
    const svc = services.find((s) => s.vip === vip)!;
    const a = await httpGet(urlOf(vip, svc.port, svc.healthCheck.path), timeoutMs, svc.realServers, signal);
    out.set(vip, a.status === null
      ? { ok: false, ms: Math.round(a.ms * 10) / 10, error: a.error ?? 'no answer' }
      : { ok: a.status < 500, ms: Math.round(a.ms * 10) / 10, status: a.status });
  }));
  return out;
}

/**
 * Rounds of reads over kept connections. A host's read still under way from an earlier round is
 * waited on again, never doubled; one past `hostTimeoutMs` shows as unreachable this round, so
 * a dead host costs the view one deadline, not SSH's connect timeout.
 */
export class StatusRounds {
  private readonly inFlight = new Map<string, Promise<HostRead>>();
  private known: Transition[] = [];
  /** Each host's request, built once (the topology does not change during a watch). */
  private readonly requests = new Map<string, HostReadRequest>();
  /** The last answer of each realserver, standing between its reads. */
  private readonly lastRead = new Map<string, HostRead>();
  private roundNo = 0;

  constructor(private readonly target: StatusTarget, private readonly o: GatherOptions) {
    for (const name of target.hosts.keys()) this.requests.set(name, requestOf(target, name));
  }

  /** Realservers are read in turn: host k of them on rounds where (round + k) % every is 0. */
  private due(name: string, k: number): boolean {
    const every = Math.max(1, Math.floor(this.o.realserverEveryRounds ?? 5));
    const last = this.lastRead.get(name);
    return !this.requests.get(name)!.filesOnly || !last || !last.ok || (this.roundNo + k) % every === 0;
  }

  private readOnce(name: string, ref: HostRef, signal?: AbortSignal): Promise<HostRead> {
    let p = this.inFlight.get(name);
    if (!p) {
      const timeoutMs = Math.max(this.o.hostTimeoutMs ?? 10_000, 1000);
      p = readHost(this.o.transport, this.o.gatherFacts, ref, this.requests.get(name)!, { timeoutMs: timeoutMs * 3, ...(signal ? { signal } : {}) })
        .finally(() => this.inFlight.delete(name));
      this.inFlight.set(name, p);
    }
    return p;
  }

  async round(signal?: AbortSignal): Promise<StatusSnapshot> {
    const deadlineMs = this.o.hostTimeoutMs ?? 10_000;
    const names = [...this.target.hosts.keys()];
    const reads = new Map<string, HostRead | undefined>();
    const due = names.filter((n, k) => this.due(n, k));
    this.roundNo++;
    const [answers, probes] = await Promise.all([
      mapLimit(due, this.o.forks ?? 20, async (name) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<HostRead>((resolve) => {
          timer = setTimeout(() => resolve({ host: name, ok: false, failure: 'unreachable', error: `no answer within ${(deadlineMs / 1000).toFixed(1)} s` }), deadlineMs);
        });
        try {
          return await Promise.race([this.readOnce(name, this.target.hosts.get(name)!, signal), late]);
        } finally {
          clearTimeout(timer);
        }
      }),
      probeVips(this.target.topology, this.o.probeTimeoutMs ?? 1500, signal),
    ]);
    for (const a of answers) {
      if (this.requests.get(a.host)!.filesOnly) this.lastRead.set(a.host, a);
    }
    const fresh = new Map(answers.map((a) => [a.host, a]));
    for (const n of names) reads.set(n, fresh.get(n) ?? this.lastRead.get(n));
    const snap = assembleSnapshot({ topology: this.target.topology, reads, probes, known: this.known, at: new Date().toISOString() });
    this.known = snap.transitions;
    return snap;
  }
}

/** One snapshot (`hafleet status` without --watch). */
export function gatherStatus(target: StatusTarget, o: GatherOptions & { signal?: AbortSignal }): Promise<StatusSnapshot> {
  return new StatusRounds(target, o).round(o.signal);
}

export interface WatchOptions extends GatherOptions {
  /** Pause between the end of one round and the start of the next. */
  intervalMs: number;
  signal?: AbortSignal;
  /** Each round's wall time, for the bench and the view's footer. */
  onRound?: (ms: number, snapshot: StatusSnapshot) => void;
}

/**
 * A StatusSource that runs rounds every `intervalMs` from its creation until `close()`: the
 * terminal --watch, the --serve page and /metrics read the same snapshots. `close` stops the
 * rounds and closes the transport's connections.
 */
export function createStatusSource(target: StatusTarget, o: WatchOptions): StatusSource {
  const rounds = new StatusRounds(target, o);
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let current: StatusSnapshot | undefined;
  let waiters: { resolve: (s: StatusSnapshot) => void; reject: (e: unknown) => void }[] = [];
  const closedError = () => new Error('status source closed');

  let failed: unknown;
  const loop = (async () => {
    while (!stop.signal.aborted) {
      const t0 = performance.now();
      const snap = await rounds.round(stop.signal);
      if (stop.signal.aborted) break;
      current = snap;
      o.onRound?.(performance.now() - t0, snap);
      const w = waiters;
      waiters = [];
      for (const x of w) x.resolve(snap);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, o.intervalMs);
        stop.signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        }, { once: true });
      });
    }
  })().catch((e: unknown) => {
    // A bug in a round: every reader hears of it rather than waiting forever.
    failed = e;
  }).finally(() => {
    for (const x of waiters) x.reject(failed ?? closedError());
    waiters = [];
  });

  return {
    current: () => current,
    next: (signal) => new Promise<StatusSnapshot>((resolve, reject) => {
      if (failed !== undefined) return reject(failed);
      if (stop.signal.aborted) return reject(closedError());
      const w = { resolve, reject };
      waiters.push(w);
      signal?.addEventListener('abort', () => {
        waiters = waiters.filter((x) => x !== w);
        reject(signal.reason ?? new Error('aborted'));
      }, { once: true });
    }),
    close: async () => {
      stop.abort();
      o.signal?.removeEventListener('abort', onOuterAbort);
      // A round in flight ends at its next await of the signal, but a remote command or a probe
      // through a VIP may not watch it: closing the connections ends those too, so q leaves at once
      // instead of after the slowest host's deadline.
      const settled = (ms: number) => Promise.race([loop, new Promise<void>((r) => setTimeout(r, ms).unref())]);
      await settled(500);
      await Promise.race([o.transport.close(), new Promise<void>((r) => setTimeout(r, 3000).unref())]);
      await settled(2000);
    },
  };
}
