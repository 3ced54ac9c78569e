import type { Clock } from '../async/index.js';
import type { HostRef, Transport } from '../transport/types.js';
import { hostProbeScript, ownProcsShell, parseHostProbe, type SpeakerReport } from '../verify/index.js';
import { MARK, q } from './shell.js';
import type { DirectorLane } from './rolling.js';

/**
 * Proof that a director serves with the config just installed, before the next director (and
 * above all the VIP holder) is touched: `nginx -t` and a local health URL pass for configs that
 * still answer 502 to every real request (an upstream on a port nobody listens on), and a track
 * script the new config broke demotes the director only `fall × interval` later.
 */
export interface ServeObservation {
  /** nginx port → HTTP status of a real request through it (0: no connection). */
  http: Map<number, number>;
  /** The VRRP speaker's own account (keepalived's dump or the agent's status), null if none. */
  speaker: SpeakerReport | null;
  /** keepalived or the agent runs in the director's network namespace. */
  speakerRuns: boolean;
  /** Index in the lane's `scripts` → exit status of one run of it, as keepalived runs it. */
  scripts?: Map<number, number>;
  /**
   * nginx's worker processes in the director's network namespace, pid → 'live' or 'old' (its
   * title says "is shutting down": it has closed its listening sockets), listed before the
   * requests of the same look were made.
   */
  nginxWorkers?: Map<number, 'live' | 'old'>;
}

/**
 * A keepalived `script` line as keepalived splits it into words (blanks, '…' and "…" group;
 * it runs them with execve, no shell): each word then goes to the host as one quoted word.
 */
export function scriptWords(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** Run each track script once as its user with its timeout, the way keepalived would (no shell). */
function scriptRuns(scripts: DirectorLane['scripts']): string[] {
  return scripts.map((t, n) => {
    const words = scriptWords(t.command);
    if (words.length === 0) return `echo "${MARK} script ${n} 127"`;
    return `rc=0; timeout -k 1 ${Math.max(1, Math.ceil(t.timeoutSec))} runuser -u ${q(t.user)} -- ${words.map(q).join(' ')} </dev/null >/dev/null 2>&1 || rc=$?; echo "${MARK} script ${n} $rc"`;
  });
}

/**
 * nginx's workers of this network namespace (not its cache manager and loader), each with
 * whether it is an old one shutting down.
 * nginx sets that title and closes its listening sockets in one step on the master's QUIT, so a
 * request made after this list saw no live old worker reaches a worker of the new config. The
 * master's children come from its pid file when it names an nginx of this namespace (a read of
 * one /proc file); else every process of the namespace is looked at (own_procs: a stat per
 * process, tens of ms on a machine with thousands of them, as a lab's).
 */
export const nginxWorkersScript = (pidFile = '/run/nginx.pid', waitGone: readonly number[] = []) => {
  const list = `hafleet_workers() {
hafleet_m=$(cat ${q(pidFile)} 2>/dev/null)
case $hafleet_m in ''|*[!0-9]*) hafleet_m=;; esac
if [ -n "$hafleet_m" ] && [ "$(cat /proc/$hafleet_m/comm 2>/dev/null)" = nginx ] && [ "$(readlink /proc/$hafleet_m/ns/net)" = "$(readlink /proc/self/ns/net)" ] && [ -r /proc/$hafleet_m/task/$hafleet_m/children ]; then
  hafleet_w=$(cat /proc/$hafleet_m/task/$hafleet_m/children)
else
  hafleet_w=$(own_procs | awk '$2=="nginx" {pp[$1]=$3} END {for (p in pp) if (pp[p] in pp) print p}')
fi
for p in $hafleet_w; do
  t=$(tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null) || continue
  case $t in *"worker process is shutting down"*) echo "${MARK} nginx-worker $p old";; *"worker process"*) echo "${MARK} nginx-worker $p live";; esac
done
}`;
  const pids = waitGone.filter((p) => Number.isSafeInteger(p) && p > 0);
  if (pids.length === 0) return `${ownProcsShell}${list}\nhafleet_workers`;
  // Just after a reload its master is still starting the new workers (milliseconds): wait up to
  // a second, in this look, for the workers seen before to stop taking requests and a live one,
  // so the look usually sees the reload taken instead of needing a second look.
  return `${ownProcsShell}${list}
for _ in $(seq 1 50); do
  hafleet_out=$(hafleet_workers); hafleet_stale=0
  case $hafleet_out in *" live"*) ;; *) hafleet_stale=1;; esac
  for p in ${pids.join(' ')}; do case $hafleet_out in *"nginx-worker $p live"*) hafleet_stale=1;; esac; done
  [ $hafleet_stale = 0 ] && break; sleep 0.02
done
printf '%s\\n' "$hafleet_out"`;
};

/**
 * nginx's workers first (nginxWorkersScript), then one request per nginx port from the director
 * itself, the track scripts, then verify's probe for the speaker. The speaker's account needs
 * nothing of nginx: the probe runs beside the rest from the start, and its output is read at the
 * end. Right after a reload the look waits ~0.05–0.1 s for nginx's old workers, and the probe
 * (keepalived's dump, waited for on the host) takes as long: one look was their sum. Its output
 * stays in a pipe (never a file: keepalived's dump holds auth_pass); its stdin is not the script.
 */
export function serveProbeScript(ports: DirectorLane['ports'], scripts: DirectorLane['scripts'] = [], waitGone: readonly number[] = []): string {
  return [
    `hafleet_speaker() {\n${hostProbeScript()}\n}`,
    'exec 4< <(hafleet_speaker </dev/null)',
    ...serveLookLines(ports, waitGone),
    ...scriptRuns(scripts),
    'cat <&4',
    'exec 4<&-',
  ].join('\n');
}

/**
 * nginx's workers, then one request per nginx port from the director itself: the look a proof
 * compares with, and the baseline the deploy script takes of its own director (deploy-script.ts)
 * before it changes anything. Nothing in it is secret. `bash`, `set -u` safe.
 */
export function serveLookLines(ports: DirectorLane['ports'], waitGone: readonly number[] = []): string[] {
  const http = ports.map(
    (p) => `echo "${MARK} http ${p.port} $(curl -s -o /dev/null -m 3 -w '%{http_code}' -H ${q(`Host: ${p.host}`)} ${q(`http://127.0.0.1:${p.port}/`)} 2>/dev/null || true)"`,
  );
  return [...(ports.length ? [nginxWorkersScript('/run/nginx.pid', waitGone)] : []), ...http];
}

/** The answers and the workers of a look (serveLookLines), read from any script's output. */
export function parseServeLook(stdout: string): Pick<ServeObservation, 'http' | 'nginxWorkers'> {
  const http = new Map<number, number>();
  for (const m of stdout.matchAll(new RegExp(`^${MARK} http (\\d+) (\\d*)`, 'gm'))) http.set(Number(m[1]), Number(m[2] || 0));
  const nginxWorkers = new Map<number, 'live' | 'old'>();
  for (const m of stdout.matchAll(new RegExp(`^${MARK} nginx-worker (\\d+) (live|old)$`, 'gm'))) nginxWorkers.set(Number(m[1]), m[2] as 'live' | 'old');
  return { http, ...(nginxWorkers.size ? { nginxWorkers } : {}) };
}

export function parseServeProbe(stdout: string): ServeObservation {
  const scripts = new Map<number, number>();
  for (const m of stdout.matchAll(new RegExp(`^${MARK} script (\\d+) (\\d+)`, 'gm'))) scripts.set(Number(m[1]), Number(m[2]));
  const p = parseHostProbe(stdout);
  const look = parseServeLook(stdout);
  return { http: look.http, speaker: p.speaker, speakerRuns: Boolean(p.running.keepalived || p.running['hafleet-agent']), ...(scripts.size ? { scripts } : {}), ...(look.nginxWorkers ? { nginxWorkers: look.nginxWorkers } : {}) };
}

/**
 * nginx has taken its reload: none of the workers that ran before the change still takes new
 * connections, and a new one does. Unknown (false) when no worker was seen before: then only
 * time says it (ProveOptions.quietMs).
 */
export function nginxTurnedOver(before: ReadonlySet<number>, now: ReadonlyMap<number, 'live' | 'old'> | undefined): boolean {
  if (before.size === 0 || !now) return false;
  const live = [...now].filter(([, s]) => s === 'live').map(([pid]) => pid);
  return live.length > 0 && live.every((pid) => !before.has(pid));
}

const BAD_GATEWAY = new Set([502, 503, 504]);

/**
 * What keeps `host` from counting as serving; empty when it serves. `before` is what each port
 * answered with the old config: a port that already failed (every realserver down) cannot be
 * held against the new one, but it must still connect.
 */
export function serveProblems(lane: Pick<DirectorLane, 'ports' | 'instances'> & Partial<Pick<DirectorLane, 'scripts'>>, host: string, o: ServeObservation, before?: ReadonlyMap<number, number>): string[] {
  const out: string[] = [];
  for (const { port } of lane.ports) {
    const code = o.http.get(port) ?? 0;
    const was = before?.get(port);
    if (code === 0) out.push(`nginx does not answer on port ${port}`);
    else if (BAD_GATEWAY.has(code) && !(was !== undefined && BAD_GATEWAY.has(was))) out.push(`nginx answers ${code} on port ${port} (${was ? `${was} before the change` : 'its realservers do not answer through the new config'})`);
  }
  if (!o.speakerRuns) out.push('no VRRP speaker (keepalived or the agent) runs');
  else if (!o.speaker) out.push('the VRRP speaker gave no account of its state');
  else {
    for (const i of lane.instances) {
      const s = o.speaker.instances.find((x) => x.name === i.name);
      const want = i.priorities[host];
      if (want === undefined) continue;
      if (!s) out.push(`VRRP instance ${i.name} is not running`);
      else if (s.state !== 'BACKUP' && s.state !== 'MASTER') out.push(`VRRP instance ${i.name} is ${s.state}`);
      else if (s.effectivePriority !== undefined && s.effectivePriority < want) out.push(`VRRP instance ${i.name} is demoted to priority ${s.effectivePriority} (configured ${want})`);
    }
    for (const sc of o.speaker.scripts) if (!sc.ok) out.push(`track script ${sc.name} fails`);
  }
  // keepalived keeps a script's old verdict over a reload and says BAD only after `fall` runs:
  // one run of our own says now what the speaker would say then.
  for (const [n, t] of (lane.scripts ?? []).entries()) {
    const rc = o.scripts?.get(n);
    if (rc === undefined) out.push(`track script ${t.name} was not run`);
    else if (rc !== 0) out.push(`track script ${t.name} fails when run as ${t.user} the way keepalived runs it (exit ${rc}${rc === 124 ? ': timed out' : ''})`);
  }
  return out;
}

const TURNOVER_POLL_MS = 100;

export interface ProveOptions {
  clock: Clock;
  /** Watch this long at most: a director demoted before the change has had its rise runs by then. */
  windowMs: number;
  /**
   * A look that finds nothing wrong this long after the start ends the proof early (default:
   * the whole window). Problems are judged only at the end of the window.
   */
  quietMs?: number;
  /**
   * What ends it sooner than quietMs: a good look that saw nginx's reload taken (no worker of
   * `workersBefore` still live, a new one live: nginxTurnedOver), at least `afterMs` after the
   * start (the speaker's own cycle when it was reloaded too). `nginxReloaded`: the deploy ran
   * nginx's reload, so each look waits (≤ 1 s, on the host) for the turnover before its requests.
   */
  turnover?: { workersBefore: ReadonlySet<number>; afterMs: number; nginxReloaded?: boolean };
  pollMs?: number;
  signal?: AbortSignal;
  before?: ReadonlyMap<number, number>;
  /** Wait for it to serve (after a rollback) instead of watching that it keeps serving. */
  untilHealthy?: boolean;
}

async function observe(transport: Transport, ref: HostRef, lane: DirectorLane, signal?: AbortSignal, waitGone: readonly number[] = []): Promise<ServeObservation | string> {
  const r = await transport.exec(ref, 'bash -s', { stdin: serveProbeScript(lane.ports, lane.scripts ?? [], waitGone), timeoutMs: 20_000, ...(signal ? { signal } : {}) });
  if (!r.ok) return r.failure.message;
  return parseServeProbe(r.value.stdout);
}

export interface ServeBaseline {
  /** What each nginx port answers now (before the change): what `serveProblems` compares to. */
  http: Map<number, number>;
  /** nginx's workers now: the proof knows the reload was taken when none of them is live. */
  nginxWorkers: Set<number>;
}

/** A look (serveLookLines) as a baseline: the answers, and the workers that were live. */
export function baselineOf(look: Pick<ServeObservation, 'http' | 'nginxWorkers'>): ServeBaseline {
  return { http: look.http, nginxWorkers: new Set([...(look.nginxWorkers ?? [])].filter(([, s]) => s === 'live').map(([pid]) => pid)) };
}


/**
 * Look at `host` until it serves with nothing wrong once `quietMs` have passed, or until the
 * window has passed, and then judge the last look: a director that was demoted before for
 * another reason has had its `rise` runs to recover by then. Each look runs the track scripts
 * once itself (a script the new config broke fails at once, where keepalived would need `fall`
 * runs to say so). A reload may drop a request or two while workers turn over: an early bad
 * look is looked at again. Null when it serves.
 */
export async function proveServes(transport: Transport, ref: HostRef, lane: DirectorLane, o: ProveOptions): Promise<string | null> {
  const start = o.clock.now();
  let last: string[] = ['not observed'];
  for (;;) {
    const seen = await observe(transport, ref, lane, o.signal, o.turnover?.nginxReloaded ? [...o.turnover.workersBefore] : []);
    let turnedOver = false;
    if (typeof seen === 'string') last = [`cannot observe it: ${seen}`];
    else {
      last = serveProblems(lane, ref.name, seen, o.before);
      if (o.untilHealthy && last.length === 0) return null;
      turnedOver = o.turnover !== undefined && nginxTurnedOver(o.turnover.workersBefore, seen.nginxWorkers);
    }
    const elapsed = o.clock.now() - start;
    if (last.length === 0 && elapsed >= (o.quietMs ?? o.windowMs)) return null;
    if (last.length === 0 && turnedOver && elapsed >= o.turnover!.afterMs) return null;
    if (elapsed >= o.windowMs) return last.length ? `${ref.name} does not serve: ${last.join('; ')}` : null;
    if (o.signal?.aborted) return last.length ? `${ref.name} does not serve: ${last.join('; ')}` : null;
    let until = last.length === 0 && o.quietMs !== undefined ? Math.min(o.quietMs, o.windowMs) : o.windowMs;
    let poll = o.pollMs ?? 1000;
    // Good but nginx not yet turned over: its master is starting the new workers, a matter of
    // milliseconds; look again soon. Turned over: only the speaker's cycle is left to wait.
    if (last.length === 0 && o.turnover && !turnedOver) poll = Math.min(poll, TURNOVER_POLL_MS);
    if (last.length === 0 && turnedOver) until = Math.min(until, o.turnover!.afterMs);
    await o.clock.sleep(Math.min(poll, Math.max(1, until - elapsed)), o.signal).catch(() => undefined);
  }
}
