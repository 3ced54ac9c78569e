import type { HostPlan } from '../plan/index.js';
import type { HostDesired } from '../render/types.js';
import type { HostFacts } from '../facts/types.js';
import type { HostRef, Transport } from '../transport/types.js';
import { BACKUP_ROOT, RECORD_PATH, STATE_DIR, type ScriptHandler } from './deploy-script.js';
import { parseScriptOutput } from './script-output.js';
import { MARK, dirname, q, wrapScript, writeFileLines } from './shell.js';
import { healthPollLine } from './health-poll.js';

/**
 * Put one director back on the files it had before this deploy, after it deployed fine but a
 * later director of its cluster failed: the cluster must end on one config, the last that
 * served. The deploy script left the old files in BACKUP_ROOT/<deployId>/<path>; a path with no
 * backup did not exist before and is removed.
 */
export interface RollbackInput {
  deployId: string;
  /** Paths this deploy created, updated or deleted on the host, in install order. */
  paths: string[];
  /** The handlers the deploy ran: run again so the daemons load the old files. */
  handlers: ScriptHandler[];
  /** The deploy record before this deploy (JSON text), or null: there was none. */
  record: string | null;
  healthTries?: number;
  /** Where backups and the record live: BACKUP_ROOT and RECORD_PATH unless a test runs it in a temp dir. */
  backupRoot?: string;
  recordPath?: string;
}

/** The rollback script: restore in reverse install order, handlers, health, old record. */
export function rollbackScript(i: RollbackInput): string {
  const tries = i.healthTries ?? 40;
  const body = [
    // The backups hold keepalived.conf (auth_pass): nothing this script writes is for others.
    'umask 077',
    `BK=${q(`${i.backupRoot ?? BACKUP_ROOT}/${i.deployId}`)}`,
    `if [ ! -d "$BK" ]; then echo "${MARK} fail rollback $(printf %s ${q(`no backup of deploy ${i.deployId} on this host`)} | base64 -w0)"; exit 12; fi`,
    'hafleet_bad=0',
    'hafleet_restore() {',
    '  local p=$1 tmp',
    '  tmp="$(dirname "$p")/.hafleet-tmp-restore-$(basename "$p")"',
    // rename(2) as the deploy does: a reader sees the new file or the old one, never a mix.
    '  if [ -e "$BK$p" ] || [ -L "$BK$p" ]; then',
    `    cp -pP -- "$BK$p" "$tmp" && mv -f -- "$tmp" "$p" || { rm -f -- "$tmp"; echo "${MARK} rollback-fail restore $(printf %s "$p" | base64 -w0)"; hafleet_bad=1; }`,
    `  else rm -f -- "$p" || { echo "${MARK} rollback-fail remove $(printf %s "$p" | base64 -w0)"; hafleet_bad=1; }; fi`,
    '}',
    ...[...i.paths].reverse().map((p) => `hafleet_restore ${q(p)}`),
  ];
  for (const h of i.handlers) {
    body.push(`if ! hafleet_out=$( ( ${h.command} ) 2>&1 ); then echo "${MARK} rollback-fail handler $(printf %s ${q(h.name + ': ')}"$hafleet_out" | base64 -w0)"; hafleet_bad=1; fi`);
  }
  for (const h of i.handlers) {
    if (!h.check) continue;
    body.push(
      healthPollLine(h.check, tries),
      `if [ $hafleet_ok = 0 ]; then echo "${MARK} rollback-fail health $(printf %s ${q(h.name + ' health check failed after the rollback')} | base64 -w0)"; hafleet_bad=1; fi`,
    );
  }
  // The record says what hafleet placed: after the rollback, that is the old deploy again.
  const record = i.recordPath ?? RECORD_PATH;
  if (i.record === null) body.push(`rm -f -- ${q(record)}`);
  else {
    const tmp = `${i.recordPath ? dirname(i.recordPath) : STATE_DIR}/.last-deploy.json.hafleet-tmp`;
    body.push(...writeFileLines(tmp, i.record), `mv -f -- ${q(tmp)} ${q(record)}`);
  }
  body.push(`echo "${MARK} rolled-back"`, 'exit $hafleet_bad');
  return wrapScript(body);
}

/** The rollback input for a host from what its deploy used: its plan, desired state and facts. */
export function rollbackInput(deployId: string, h: HostPlan, want: HostDesired, facts: HostFacts): RollbackInput | null {
  if (h.status !== 'planned') return null;
  const paths = h.changes.filter((c) => c.kind !== 'unchanged').map((c) => c.path);
  const byName = new Map(want.handlers.map((x) => [x.name, x]));
  const handlers: ScriptHandler[] = [];
  for (const name of h.handlers) {
    const def = byName.get(name);
    if (def) handlers.push({ name, command: def.commands[facts.serviceManager], ...(def.check ? { check: def.check } : {}) });
  }
  return { deployId, paths, handlers, record: facts.lastDeploy ? JSON.stringify(facts.lastDeploy, null, 2) + '\n' : null };
}

/** Run the rollback on a host: null when it is back on its old files and healthy, else why not. */
export async function rollbackHost(transport: Transport, ref: HostRef, i: RollbackInput): Promise<string | null> {
  // setsid, no signal: like the deploy, a started rollback finishes even if we stop listening.
  const r = await transport.exec(ref, 'setsid -w bash -s', { stdin: rollbackScript(i), timeoutMs: 180_000 });
  if (!r.ok) return r.failure.message;
  const report = parseScriptOutput(r.value.stdout);
  const problems = report.events.filter((e) => e.event === 'rollback-fail' || e.event === 'fail').map((e) => e.rest);
  if (r.value.code === 0 && report.events.some((e) => e.event === 'rolled-back')) return null;
  return problems.join('; ') || `rollback script ended with exit ${r.value.code}: ${r.value.stderr.trim()}`;
}
