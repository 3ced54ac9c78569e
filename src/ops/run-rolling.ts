import { systemClock } from '../async/index.js';
import type { HostRef } from '../transport/types.js';
import { verify, type ProbeOptions, type VerifyTarget } from '../verify/index.js';
import type { Fleet } from '../fleet/index.js';
import { runMaintenance, type MaintenanceRun } from './run-maintenance.js';
import { runRealserverMaintenance, type RealserverRun } from './run-realserver.js';

export interface RollingOptions extends ProbeOptions {
  /** Hosts to go through (the CLI's --limit), in inventory order. */
  hosts: string[];
  /** The command run on each host, as one shell line (privileged, like a handler). */
  command: string;
  by: string;
  log: (line: string) => void;
  /** How long a host may take to answer SSH again after the command (a reboot). */
  backTimeoutSec?: number;
  /** How long verify may take to pass again after a host came back. */
  settleSec?: number;
  /**
   * The whole fleet, to roll the realservers of --limit too (drained through the directors'
   * upstreams, as `maintenance RS on` does); without it realservers are skipped.
   */
  fleet?: Fleet;
  drainTimeoutSec?: number;
}

export interface RollingStep {
  host: string;
  outcome: 'done' | 'skipped' | 'failed';
  /** What happened, for the user: the command's exit, the wait, the verify. */
  note: string;
  moveMs?: number | null;
  failedRequests?: number;
  /** What went against the promise without stopping the run (a request that failed during a move). */
  problems?: string[];
}

export interface RollingRun {
  /** Every director done and no problem on the way (a failed request during a move is one). */
  ok: boolean;
  steps: RollingStep[];
  /** Where it stopped and how to go on; absent when it went through. */
  stopped?: { host: string; why: string; resume: string };
}

const now = () => performance.timeOrigin + performance.now();

/** The order: per cluster, directors that hold no VIP first, holders last (each move is one). */
export function rollingOrder(target: VerifyTarget, hosts: readonly string[], holders: ReadonlySet<string>): { directors: string[]; others: string[] } {
  const isDirector = (h: string) => target.topology.clusters.some((c) => c.instances.some((i) => i.members.some((m) => m.host === h)));
  const directors = hosts.filter(isDirector);
  return { directors: [...directors.filter((h) => !holders.has(h)), ...directors.filter((h) => holders.has(h))], others: hosts.filter((h) => !isDirector(h)) };
}

async function waitBack(o: RollingOptions, ref: HostRef, timeoutMs: number): Promise<boolean> {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    const r = await o.transport.exec(ref, 'true', { privileged: false, timeoutMs: 5000, ...(o.signal ? { signal: o.signal } : {}) });
    if (r.ok && r.value.code === 0) return true;
    await systemClock.sleep(2000, o.signal);
  }
  return false;
}

async function verifyPasses(target: VerifyTarget, o: RollingOptions, timeoutMs: number): Promise<string | null> {
  const deadline = now() + timeoutMs;
  let last = '';
  for (;;) {
    const v = await verify(target, { ...o, signal: AbortSignal.timeout(60_000) });
    if (v.report.ok) return null;
    last = v.report.findings.filter((f) => !f.ok && f.severity === 'error').map((f) => f.message).slice(0, 3).join('; ');
    if (now() >= deadline) return last || 'verify does not pass';
    await systemClock.sleep(2000, o.signal);
  }
}

const moveOf = (r: MaintenanceRun) => (r.kind === 'ran' && r.move ? { moveMs: r.move.measures.moveMs, failedRequests: r.move.measures.requests.failed } : {});

/** A realserver's turn: drain, the command (a reboot waited out), undrain. A step, or why it stopped. */
async function rollRealserver(fleet: Fleet, host: string, o: RollingOptions): Promise<{ step: RollingStep; stop?: { why: string; resume: (rest: string) => string } }> {
  const rs = (on: boolean) => runRealserverMaintenance(fleet, { transport: o.transport, forks: o.forks ?? 20, host, on, by: o.by, log: o.log, ...(o.signal ? { signal: o.signal } : {}), ...(o.drainTimeoutSec ? { drainTimeoutSec: o.drainTimeoutSec } : {}) });
  const why = (r: RealserverRun) => (r.kind === 'refused' ? r.refusals.map((x) => x.message).join('; ') : r.problems.join('; '));
  o.log(`${host}: maintenance on (drain)`);
  const on = await rs(true);
  if (on.kind === 'refused' || !on.ok) {
    return { step: { host, outcome: 'failed', note: `maintenance on: ${why(on)}` }, stop: { why: `draining ${host} failed: ${why(on)}`, resume: (rest) => `fix it, hafleet maintenance ${host} off if it went in, and resume with --limit '${rest}'` } };
  }
  o.log(`${host}: ${o.command}`);
  const ref = fleet.refs.get(host)!;
  const ran = await o.transport.exec(ref, o.command, { privileged: true, timeoutMs: 3600_000, ...(o.signal ? { signal: o.signal } : {}) });
  const exited = ran.ok ? ran.value.code : null;
  if (exited !== 0 && exited !== null) {
    return { step: { host, outcome: 'failed', note: `command exited ${exited}` }, stop: { why: `the command exited ${exited}; ${host} stays drained (the others serve)`, resume: (rest) => `fix ${host}, hafleet maintenance ${host} off, then resume with --limit '${rest}'` } };
  }
  if (exited === null && !(await waitBack(o, ref, (o.backTimeoutSec ?? 600) * 1000))) {
    return { step: { host, outcome: 'failed', note: `did not answer SSH within ${o.backTimeoutSec ?? 600} s after the command` }, stop: { why: `${host} did not come back; it stays drained`, resume: (rest) => `when it is back: hafleet maintenance ${host} off, then resume with --limit '${rest}'` } };
  }
  o.log(`${host}: maintenance off`);
  const off = await rs(false);
  if (off.kind === 'refused' || !off.ok) {
    return { step: { host, outcome: 'failed', note: `maintenance off: ${why(off)}` }, stop: { why: `undraining ${host} failed: ${why(off)}`, resume: (rest) => `hafleet maintenance ${host} off, then resume with --limit '${rest}'` } };
  }
  const drain = on.drainMs === null ? '' : `, drained in ${on.drainMs} ms`;
  return { step: { host, outcome: 'done', note: `${exited === null ? 'command done (the connection dropped: waited for the host to come back)' : 'command exited 0'}${drain}` } };
}

/**
 * `hafleet maintenance --rolling`: the realservers of --limit one at a time (drained through the
 * directors' upstreams while the command runs), then one director at a time — maintenance on (its VIPs move away),
 * the command over SSH (a reboot is waited out), maintenance off, verify passes again — then the
 * next. Stops at the first failure with the fleet serving: the host that failed stays in
 * maintenance, and the run says where it stopped and how to resume.
 */
export async function runRolling(target: VerifyTarget, o: RollingOptions): Promise<RollingRun> {
  const first = await verify(target, o);
  const holders = new Set(first.report.findings.filter((f) => f.kind === 'vip-ok' && f.host).map((f) => f.host!));
  const { directors, others } = rollingOrder(target, o.hosts, holders);
  const isRealserver = (h: string) => target.topology.clusters.some((c) => c.realservers.includes(h));
  const realservers = o.fleet ? others.filter(isRealserver) : [];
  const steps: RollingStep[] = others.filter((h) => !realservers.includes(h)).map((h) => ({ host: h, outcome: 'skipped', note: isRealserver(h) ? 'realserver: rolled only with the whole fleet at hand' : 'neither a director nor a realserver of a cluster' }));
  // Realservers first (each drained while its command runs), then the directors, holders last.
  for (let i = 0; i < realservers.length; i++) {
    const host = realservers[i]!;
    const rest = [...realservers.slice(i), ...directors].join(',');
    if (o.signal?.aborted) return { ok: false, steps, stopped: { host, why: 'interrupted before it', resume: `hafleet maintenance --rolling --limit '${rest}' -- …` } };
    const r = await rollRealserver(o.fleet!, host, o);
    steps.push(r.step);
    if (r.stop) return { ok: false, steps, stopped: { host, why: r.stop.why, resume: r.stop.resume([...realservers.slice(i + 1), ...directors].join(',')) } };
    const bad = await verifyPasses(target, o, (o.settleSec ?? 120) * 1000);
    if (bad) {
      r.step.outcome = 'failed';
      r.step.note += `; verify does not pass after it came back: ${bad}`;
      return { ok: false, steps, stopped: { host, why: `verify does not pass after ${host}: ${bad}`, resume: `look at hafleet verify, then resume with --limit '${[...realservers.slice(i + 1), ...directors].join(',')}'` } };
    }
  }
  const remaining = (from: number) => directors.slice(from).join(',');
  const stop = (i: number, why: string, resume: string): RollingRun => ({ ok: false, steps, stopped: { host: directors[i]!, why, resume } });
  for (let i = 0; i < directors.length; i++) {
    const host = directors[i]!;
    if (o.signal?.aborted) return stop(i, 'interrupted before it', `hafleet maintenance --rolling --limit '${remaining(i)}' -- …`);
    o.log(`${host}: maintenance on`);
    const on = await runMaintenance(target, { ...o, host, on: true });
    // A problem that leaves every VIP with one holder other than this host (a request that
    // failed during the move) is reported; one that does not stops the run.
    const placed = (r: MaintenanceRun, away: boolean) => r.kind === 'ran' && Object.values(r.placement).every((h) => h !== null && (!away || h !== host));
    const problemsOf = (r: MaintenanceRun) => (r.kind === 'ran' ? r.problems : []);
    if (on.kind === 'refused' || (!on.ok && !placed(on, true))) {
      const why = on.kind === 'refused' ? on.refusals.map((r) => r.message).join('; ') : on.problems.join('; ');
      steps.push({ host, outcome: 'failed', note: `maintenance on: ${why}`, ...moveOf(on) });
      return stop(i, `maintenance on failed: ${why}`, `fix it, then hafleet maintenance ${host} off if it went in, and resume with --limit '${remaining(i)}'`);
    }
    o.log(`${host}: ${o.command}`);
    const ref = target.hosts.get(host)!;
    const ran = await o.transport.exec(ref, o.command, { privileged: true, timeoutMs: 3600_000, ...(o.signal ? { signal: o.signal } : {}) });
    const exited = ran.ok ? ran.value.code : null;
    if (exited !== 0 && exited !== null) {
      const tail = ran.ok ? (ran.value.stderr || ran.value.stdout).trim().split('\n').slice(-3).join(' | ') : '';
      steps.push({ host, outcome: 'failed', note: `command exited ${exited}${tail ? `: ${tail}` : ''}`, ...moveOf(on) });
      return stop(i, `the command exited ${exited}; ${host} stays in maintenance (it holds no VIP, the others serve)`, `fix ${host}, hafleet maintenance ${host} off, then resume with --limit '${remaining(i + 1)}'`);
    }
    // The connection dropped (a reboot): wait for the host to answer again.
    if (exited === null && !(await waitBack(o, ref, (o.backTimeoutSec ?? 600) * 1000))) {
      steps.push({ host, outcome: 'failed', note: `did not answer SSH within ${o.backTimeoutSec ?? 600} s after the command`, ...moveOf(on) });
      return stop(i, `${host} did not come back; it stays in maintenance`, `when it is back: hafleet maintenance ${host} off, then resume with --limit '${remaining(i + 1)}'`);
    }
    o.log(`${host}: maintenance off`);
    const off = await runMaintenance(target, { ...o, host, on: false });
    if (off.kind === 'refused' || (!off.ok && !placed(off, false))) {
      const why = off.kind === 'refused' ? off.refusals.map((r) => r.message).join('; ') : off.problems.join('; ');
      steps.push({ host, outcome: 'failed', note: `maintenance off: ${why}`, ...moveOf(on) });
      return stop(i, `maintenance off failed: ${why}`, `hafleet maintenance ${host} off, then resume with --limit '${remaining(i + 1)}'`);
    }
    const bad = await verifyPasses(target, o, (o.settleSec ?? 120) * 1000);
    if (bad) {
      steps.push({ host, outcome: 'failed', note: `verify does not pass after it came back: ${bad}`, ...moveOf(on) });
      return stop(i, `verify does not pass after ${host}: ${bad}`, `look at hafleet verify, then resume with --limit '${remaining(i + 1)}'`);
    }
    const problems = [...problemsOf(on), ...problemsOf(off)];
    steps.push({ host, outcome: 'done', note: exited === null ? 'command done (the connection dropped: waited for the host to come back)' : 'command exited 0', ...(problems.length ? { problems } : {}), ...moveOf(on) });
  }
  return { ok: steps.every((x) => x.outcome !== 'failed' && !x.problems?.length), steps };
}
