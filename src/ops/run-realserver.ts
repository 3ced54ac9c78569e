import { systemClock } from '../async/index.js';
import { deploy, exitCodeFor, takeClusterLock, describeResult, type LockOutcome } from '../apply/index.js';
import { fleetDirectors, hostRefOf, planFleet, tombstoneLedgers, type Fleet } from '../fleet/index.js';
import { hostHasChanges } from '../plan/index.js';
import type { HostRef, Transport } from '../transport/types.js';
import { readStates } from './host-state.js';
import { clustersServedBy, realserverPreflight } from './realserver-preflight.js';
import { maintenanceScript } from './state-script.js';
import type { Refusal } from './types.js';

export interface RealserverOptions {
  transport: Transport;
  forks: number;
  host: string;
  on: boolean;
  by: string;
  reason?: string;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** How long to wait for the directors' old nginx workers to finish the requests they carry (on). */
  drainTimeoutSec?: number;
}

export type RealserverRun =
  | { kind: 'refused'; refusals: Refusal[]; lockedBy?: string }
  | {
      kind: 'ran';
      ok: boolean;
      host: string;
      on: boolean;
      role: 'realserver';
      /** The flag was already so: the directors were brought in line all the same. */
      unchanged: boolean;
      /** Directors whose files deploy changed (nginx reloaded gracefully, or keepalived for LVS). */
      reloaded: string[];
      /** On: ms until no director's nginx had an old worker still finishing requests (null: not waited / timed out). */
      drainMs: number | null;
      problems: string[];
      notes: string[];
    };

const DEFAULT_DRAIN_SEC = 120;
const now = () => performance.timeOrigin + performance.now();

/**
 * nginx's old workers after a graceful reload carry the requests they had (their process title
 * says "shutting down"); the count of them in this host's network namespace (lab hosts share one
 * pid namespace). One `tr` per nginx process only.
 */
export const DRAINING_SCRIPT = `# shellcheck disable=SC3013 # test -ef: dash and busybox sh have it
n=0
for d in /proc/[0-9]*; do
  { IFS= read -r c < "$d/comm"; } 2>/dev/null || continue
  [ "$c" = nginx ] || continue
  [ "$d/ns/net" -ef /proc/self/ns/net ] || continue
  case "$(tr '\\0' ' ' < "$d/cmdline" 2>/dev/null)" in *'shutting down'*) n=$((n + 1));; esac
done
echo "draining $n"
`;

/** `draining N` → N (null when the output is not that). */
export function drainingCount(stdout: string): number | null {
  const m = /^draining (\d+)$/m.exec(stdout);
  return m ? Number(m[1]) : null;
}

/**
 * `hafleet maintenance RS on|off` for a realserver: its flag (state on the realserver, so every
 * admin box and every later deploy sees it), then the pipeline deploy runs, on the directors that
 * send to it only: plan (the flag read back renders it `down` in nginx upstreams, weight 0 in
 * LVS), validation with nginx -t / keepalived -t, atomic writes, the graceful reload, the proof
 * that each director serves, rollback on failure — under the cluster lock, taken here for the
 * flag write and the deploy together. On: then wait until the directors' old nginx workers have
 * finished the requests they were carrying to it.
 */
export async function runRealserverMaintenance(fleet: Fleet, o: RealserverOptions): Promise<RealserverRun> {
  const clusters = clustersServedBy(fleet.topology.clusters, o.host);
  const refOf = (h: string): HostRef => fleet.refs.get(h) ?? hostRefOf(fleet.inventory, h);
  const realservers = [...new Set(clusters.flatMap((c) => c.realservers))];
  const states = await readStates(o.transport, realservers.map(refOf), [], o.signal);
  const inMaintenance = new Set(realservers.filter((h) => states.get(h)?.maintenance));
  const unreadable = realservers.filter((h) => !states.get(h));
  const refusals = realserverPreflight({ clusters, host: o.host, on: o.on, inMaintenance, unreadable });
  if (refusals.length) return { kind: 'refused', refusals };
  const directors = [...new Set(clusters.flatMap((c) => c.directors))];
  const missing = directors.filter((d) => !fleet.desired.has(d));
  if (missing.length) return { kind: 'refused', refusals: [{ code: 'not-member', usage: true, message: `the directors ${missing.join(', ')} are outside this run: maintenance of a realserver changes every director that sends to it` }] };

  const locks: Extract<LockOutcome, { ok: true }>[] = [];
  const problems: string[] = [];
  const notes: string[] = [];
  try {
    for (const c of clusters) {
      const lock = await takeClusterLock(o.transport, c.directors.map(refOf), { cluster: c.name, by: o.by, deployId: `maintenance-${Date.now().toString(36)}`, now: new Date().toISOString(), breakLock: false, force: false, clock: systemClock });
      if (!lock.ok) return { kind: 'refused', refusals: [{ code: 'verify', usage: false, message: lock.message.replace('by another deploy', 'by another hafleet run'), hint: lock.hint }], ...(lock.lockedBy ? { lockedBy: lock.lockedBy } : {}) };
      locks.push(lock);
    }
    const was = inMaintenance.has(o.host);
    o.log(`${o.host}: maintenance ${o.on ? 'on' : 'off'}${was === o.on ? ' (already: bringing the directors in line)' : ''}`);
    if (o.on) {
      // The flag must be seen by every later plan: the directors' realserver ledger (which lets
      // plan skip realservers) is made incomplete first, on every director of the inventory.
      const t = await tombstoneLedgers(o.transport, fleetDirectors(fleet.topology).map(refOf), { ...(o.signal ? { signal: o.signal } : {}) });
      if (!t.ok) return { kind: 'ran', ok: false, role: 'realserver', host: o.host, on: o.on, unchanged: false, reloaded: [], drainMs: null, problems: [`nothing written: no director took the realserver ledger update that must come before ${o.host}'s flag (${t.writes.map((w) => `${w.host}: ${w.message ?? w.outcome}`).join('; ')})`], notes };
    }
    const flag = (on: boolean) => o.transport.exec(refOf(o.host), maintenanceScript(on, { by: o.by, at: new Date().toISOString(), ...(o.reason ? { reason: o.reason } : {}) }), { privileged: true, timeoutMs: 10_000, signal: AbortSignal.timeout(15_000) });
    const w = await flag(o.on);
    // …and again once the flag is there: a deploy that read this realserver before the flag
    // landed and the ledger after the first tombstone must not have the last word (ledger.ts).
    // Not cut short by Ctrl-C: the flag may be there already (each write has its own timeout).
    const after = o.on ? await tombstoneLedgers(o.transport, fleetDirectors(fleet.topology).map(refOf)) : null;
    if (after && !after.ok) problems.push(`the realserver ledger could not be made incomplete again after ${o.host}'s flag (${after.writes.map((x) => `${x.host}: ${x.message ?? x.outcome}`).join('; ')}): run plan and deploy with --contact-all until a deploy writes a complete ledger`);
    if (!w.ok || w.value.code !== 0) return { kind: 'ran', ok: false, role: 'realserver', host: o.host, on: o.on, unchanged: false, reloaded: [], drainMs: null, problems: [`could not write the maintenance flag on ${o.host}: ${w.ok ? `exit ${w.value.code}` : w.failure.message}`], notes };

    // The directors alone, as `deploy --limit` them would: planFleet reads the flag back.
    const dfleet: Fleet = { ...fleet, hosts: directors, desired: new Map(directors.map((d) => [d, fleet.desired.get(d)!])), refs: new Map(directors.map((d) => [d, refOf(d)])) };
    o.log(`plan the directors ${directors.join(', ')}`);
    const { facts, plan, maintenance } = await planFleet(dfleet, o.transport, { forks: o.forks, validate: false, ...(o.signal ? { signal: o.signal } : {}) });
    if (maintenance.includes(o.host) !== o.on) problems.push(`${o.host}'s flag read back as ${o.on ? 'off' : 'on'}: the directors were planned without it`);
    const changed = plan.hosts.filter((h) => hostHasChanges(h)).map((h) => h.host);
    const started = now();
    if (changed.length) {
      o.log(`deploy ${changed.join(', ')} (one at a time, VIP holder last; graceful reload)`);
      const held: LockOutcome = { ok: true, release: async () => [], warnings: [], unlocked: [] };
      const r = await deploy(plan, dfleet.desired, o.transport, { refs: dfleet.refs, clusterRefs: dfleet.refs, facts, topology: fleet.topology, forks: o.forks, by: o.by, ops: { lock: async () => held }, ...(o.signal ? { signal: o.signal } : {}) });
      if (exitCodeFor(r) !== 0) {
        problems.push(...r.hosts.filter((h) => h.status !== 'ok' && h.status !== 'changed').map((h) => `${h.host}: ${describeResult(h)}`));
        for (const c of r.clusters) if (c.reason) problems.push(`cluster ${c.cluster}: ${c.outcome}: ${c.reason}`);
        // The lanes rolled back to the files of the previous flag: the flag follows them.
        const u = await flag(was);
        problems.push(u.ok && u.value.code === 0 ? `${o.host}'s flag put back to ${was ? 'on' : 'off'}, as the directors' files are` : `could not put ${o.host}'s flag back to ${was ? 'on' : 'off'}: the next deploy renders it ${o.on ? 'drained' : 'in service'}`);
        return { kind: 'ran', ok: false, role: 'realserver', host: o.host, on: o.on, unchanged: was === o.on, reloaded: [], drainMs: null, problems, notes };
      }
    }
    let drainMs: number | null = null;
    if (o.on && changed.length) {
      const nginxDirectors = [...new Set(clusters.filter((c) => c.mode === 'nginx').flatMap((c) => c.directors))].filter((d) => changed.includes(d));
      const deadline = now() + (o.drainTimeoutSec ?? DEFAULT_DRAIN_SEC) * 1000;
      let left: string[] = nginxDirectors;
      while (left.length && now() < deadline) {
        const counts = await Promise.all(left.map(async (d) => {
          const r = await o.transport.exec(refOf(d), DRAINING_SCRIPT, { privileged: true, timeoutMs: 10_000, ...(o.signal ? { signal: o.signal } : {}) });
          return [d, r.ok ? drainingCount(r.value.stdout) : null] as const;
        }));
        left = counts.filter(([, n]) => n !== 0).map(([d]) => d);
        if (left.length) await systemClock.sleep(200, o.signal);
      }
      if (left.length) problems.push(`${left.join(', ')}: nginx still finishing requests to ${o.host} after ${o.drainTimeoutSec ?? DEFAULT_DRAIN_SEC} s (new ones go elsewhere); wait before stopping it`);
      else drainMs = Math.round(now() - started);
      if (clusters.some((c) => c.mode !== 'nginx')) notes.push(`LVS: ${o.host} is at weight 0 in keepalived's virtual_servers (no new connections); its open connections are not waited for (ipvsadm -Ln shows them)`);
    }
    return { kind: 'ran', ok: problems.length === 0, role: 'realserver', host: o.host, on: o.on, unchanged: was === o.on, reloaded: changed, drainMs, problems, notes };
  } finally {
    for (const l of locks) await l.release();
  }
}
