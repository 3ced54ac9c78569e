import { randomBytes } from 'node:crypto';
import type { HostDesired } from '../render/types.js';
import type { FactsOutcome, HostFacts } from '../facts/types.js';
import type { HostRef, Transport, TransportFailure } from '../transport/types.js';
import { sha256, type HostPlan } from '../plan/index.js';
import { dirname } from './shell.js';
import { deployScript, ScriptExit, type ScriptFile, type ScriptHandler } from './deploy-script.js';
import { parseScriptOutput, type ScriptReport } from './script-output.js';
import type { FailStep, HostResult } from './types.js';
import type { DirectorLane } from './rolling.js';
import { baselineOf, parseServeLook, type ServeBaseline } from './serve-check.js';

export interface HostDeployInput {
  plan: HostPlan;
  desired: HostDesired | undefined;
  facts: FactsOutcome | undefined;
  ref: HostRef | undefined;
  deployId: string;
  planId: string;
  by: string;
  breakLock: boolean;
  now: string;
  onStep?: (step: string) => void;
  /** Look at these nginx ports before the change (DeployScriptInput.look); what was seen goes to `onLook`. */
  look?: DirectorLane['ports'];
  onLook?: (b: ServeBaseline) => void;
}

export function failureResult(host: string, f: TransportFailure, during: string): HostResult {
  if (f.kind === 'unreachable' || f.kind === 'timeout' || f.kind === 'aborted') {
    const hint = during === 'deploy' ? 'the host finishes or rolls back on its own; run deploy again to converge it' : undefined;
    return { host, status: 'unreachable', message: f.message, ...(hint ? { hint } : {}) };
  }
  return { host, status: 'failed', step: 'plan', message: f.message, hint: f.hint, rolledBack: false };
}

/** Temp paths in a tool's message read as the file the user knows. */
export function tidyMessage(text: string): string {
  return text
    .replace(/\/tmp\/hafleet-validate\.[A-Za-z0-9]+\/(check|tree|new)(?=\/)/g, '')
    .replace(/\.hafleet-tmp-(.+?)-[0-9a-f]{8,}\b/g, '$1');
}

/** The script's input for one planned host: what changes, which handlers, the new record. */
export function scriptInput(h: Extract<HostPlan, { status: 'planned' }>, want: HostDesired, facts: HostFacts, base: Omit<HostDeployInput, 'plan' | 'desired' | 'facts' | 'ref'>) {
  const content = new Map(want.files.map((f) => [f.path, f.content]));
  const files: ScriptFile[] = [];
  for (const c of h.changes) {
    if (c.kind === 'unchanged') continue;
    files.push(c.kind === 'delete' || c.metaOnly ? { change: c } : { change: c, content: content.get(c.path)! });
  }
  const byName = new Map(want.handlers.map((x) => [x.name, x]));
  const handlers: ScriptHandler[] = h.handlers.map((name) => {
    const def = byName.get(name);
    if (!def) return { name, command: `echo 'no such handler: ${name.replace(/'/g, '')}' >&2; false` };
    return { name, command: def.commands[facts.serviceManager], ...(def.check ? { check: def.check } : {}) };
  });
  const sweepDirs = [...new Set([...want.files.map((f) => dirname(f.path)), ...want.managedPaths])];
  const validateDir = `/tmp/hafleet-validate.${randomBytes(6).toString('hex')}`;
  return {
    deployId: base.deployId, planId: base.planId, by: base.by, breakLock: base.breakLock, now: base.now,
    files, handlers, sweepDirs, validateDir, rand: randomBytes(5).toString('hex'),
    record: want.files.map((f) => ({ path: f.path, sha256: sha256(f.content) })),
  };
}

/** One host, start to end. The script runs to its end even if we stop listening (Ctrl-C, drop). */
export async function deployHost(transport: Transport, i: HostDeployInput): Promise<HostResult> {
  const h = i.plan;
  if (h.status !== 'planned') {
    return h.status === 'unreachable' ? { host: h.host, status: 'unreachable', message: h.message, ...(h.hint ? { hint: h.hint } : {}) } : { host: h.host, status: 'failed', step: 'plan', message: h.message, ...(h.hint ? { hint: h.hint } : {}), rolledBack: false };
  }
  const changed = h.changes.filter((c) => c.kind !== 'unchanged');
  if (changed.length === 0 && h.recordCurrent) return { host: h.host, status: 'ok', recordWritten: false };
  if (!i.desired || !i.facts?.ok || !i.ref) return { host: h.host, status: 'failed', step: 'plan', message: 'no desired state, facts or connection for this host', hint: 'a bug: please report it', rolledBack: false };
  const input = { ...scriptInput(h, i.desired, i.facts.value, i), ...(i.look?.length ? { look: i.look } : {}) };
  i.onStep?.(changed.length ? `${changed.length} file(s): stage, validate, install, ${h.handlers.length ? h.handlers.join(', ') : 'no handler'}` : 'write deploy record');
  // No signal: a started script finishes or rolls back on its own; cutting it off helps nobody.
  // setsid: the script leaves the SSH session, so neither the hang-up of a dropped connection nor
  // a kill of the session (timeout) reaches it once bash has read it whole.
  const r = await transport.exec(i.ref, 'setsid -w bash -s', { stdin: deployScript(input), timeoutMs: 180_000 });
  if (!r.ok) return failureResult(h.host, r.failure, 'deploy');
  const report = parseScriptOutput(r.value.stdout);
  // Only a look the script finished before its first rename counts as "before".
  if (i.look?.length && i.onLook && report.events.some((e) => e.event === 'step' && /^install\b/.test(e.rest))) i.onLook(baselineOf(parseServeLook(r.value.stdout)));
  return interpret(h.host, r.value.code, report, r.value.stderr, changed.map((c) => c.path), h.handlers);
}

/** `step <name> <epoch seconds>` marks → how long each step of the script took on the host. */
export function stepTimes(report: ScriptReport): Record<string, number> {
  const marks = report.events.filter((e) => e.event === 'step' || e.event === 'done').map((e) => {
    const [name, at] = e.event === 'done' ? ['done', e.rest] : e.rest.split(' ');
    return { name: name!, at: Number(at) };
  });
  const out: Record<string, number> = {};
  for (let n = 0; n + 1 < marks.length; n++) {
    const d = (marks[n + 1]!.at - marks[n]!.at) * 1000;
    if (Number.isFinite(d)) out[marks[n]!.name] = Math.round(d);
  }
  return out;
}

export function interpret(host: string, code: number, report: ScriptReport, stderr: string, changed: string[], handlers: string[]): HostResult {
  const rolledBack = report.events.some((e) => e.event === 'rolled-back');
  const fail = report.events.find((e) => e.event === 'fail');
  const rollbackProblems = report.events.filter((e) => e.event === 'rollback-fail').map((e) => e.rest);
  const tail = rollbackProblems.length ? `\nrollback problems: ${rollbackProblems.join('; ')}` : '';
  if (code === ScriptExit.ok && report.events.some((e) => e.event === 'done')) {
    return changed.length ? { host, status: 'changed', changed, handlers, stepsMs: stepTimes(report) } : { host, status: 'ok', recordWritten: true };
  }
  if (code === ScriptExit.locked) {
    const locked = report.events.find((e) => e.event === 'locked')?.rest ?? '';
    const [age, alive, ...info] = locked.split(' ');
    return {
      host, status: 'failed', step: 'lock', rolledBack: false,
      message: `another deploy holds the lock for ${age}s (${info.join(' ').trim() || 'no holder info'}; its process is ${alive === 'yes' ? 'alive' : 'gone'})`,
      hint: alive === 'yes' ? 'wait for it to finish' : 'if no deploy is running, run again with --break-lock',
    };
  }
  if (code === ScriptExit.invalid) {
    const bad = report.validations.filter((v) => !v.ok).map((v) => ({ ...v, message: tidyMessage(v.message) }));
    const message = bad.length ? bad.map((v) => `${v.path} rejected:\n${v.message}`).join('\n') : tidyMessage(fail?.rest ?? 'staging failed');
    return { host, status: 'failed', step: bad.length ? 'validate' : 'stage', message, rolledBack: false, validations: report.validations };
  }
  if (fail) {
    const sp = fail.rest.indexOf(' ');
    const step = (sp < 0 ? fail.rest : fail.rest.slice(0, sp)) as FailStep;
    return { host, status: 'failed', step, message: tidyMessage(sp < 0 ? '' : fail.rest.slice(sp + 1)) + tail, rolledBack };
  }
  return { host, status: 'failed', step: 'script', message: `deploy script ended with exit ${code}: ${(stderr || report.other.join('\n')).trim()}` + tail, rolledBack };
}
