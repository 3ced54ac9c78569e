import type { Change } from '../plan/index.js';
import { q, dirname, basename, wrapScript, writeFileLines, MARK, DAEMON_UMASK } from './shell.js';
import { acquireLockLines, releaseLockLines } from './lock-lines.js';
import { makeValidateDirLines, validateLines, type ValidateItem } from './validate-script.js';
import { healthPollLine } from './health-poll.js';
import { serveLookLines } from './serve-check.js';
import type { DirectorLane } from './rolling.js';

import { BACKUP_ROOT, DEPLOY_RECORD_PATH, HOST_LOCK_DIR, STATE_DIR } from '../host-paths/index.js';

// The host-side paths are host-paths'; re-exported under apply's old names for its own files.
export { BACKUP_ROOT, STATE_DIR };
export const LOCK_DIR = HOST_LOCK_DIR;
export const RECORD_PATH = DEPLOY_RECORD_PATH;
/** Exit codes of the deploy script; anything else is a bug or a crash. */
export const ScriptExit = { ok: 0, invalid: 10, install: 11, handler: 12, health: 13, locked: 75 } as const;

export interface ScriptFile {
  change: Extract<Change, { kind: 'create' | 'update' | 'delete' }>;
  /** New content (create/update). */
  content?: string;
}

export interface ScriptHandler {
  name: string;
  /** The command for this host's service manager. */
  command: string;
  check?: string;
}

export interface DeployScriptInput {
  deployId: string;
  planId: string;
  by: string;
  breakLock: boolean;
  files: ScriptFile[];
  handlers: ScriptHandler[];
  /** Every desired file with its checksum: the new deploy record. */
  record: { path: string; sha256: string }[];
  /** Directories to sweep for `.hafleet-tmp-*` left by a run that died. */
  sweepDirs: string[];
  /** Fresh check directory, outside any include dir. */
  validateDir: string;
  /** Random suffix for the temp names beside each destination. */
  rand: string;
  now: string;
  /**
   * nginx ports (with their Host) to look at before anything changes: the director's answers
   * and its live workers, the baseline its proof compares with (serve-check.ts), taken here so
   * it costs no round trip of its own and is as close to the reload as it can be.
   */
  look?: DirectorLane['ports'];
  /** Health check budget: this many × 0.25 s of waiting between tries (health-poll.ts). */
  healthTries?: number;
}

/**
 * A name beside the destination that no daemon includes: nginx reads `conf.d/*.conf`,
 * keepalived `include`s are globs on `.conf` too; this name never ends in `.conf`.
 */
export function tempNameFor(path: string, rand: string): string {
  return `${dirname(path)}/.hafleet-tmp-${basename(path)}-${rand}`;
}

function lockLines(i: DeployScriptInput): string[] {
  return [
    // 0700 whatever an older version left (0755): the lock, backups and record are root's alone.
    ...[STATE_DIR, BACKUP_ROOT].map((d) => `{ [ -d ${q(d)} ] || mkdir -m 0700 -- ${q(d)}; } && chmod 0700 ${q(d)}`),
    ...acquireLockLines(LOCK_DIR, { by: i.by, deployId: i.deployId, now: i.now }, ScriptExit.locked, { breakLock: i.breakLock }),
  ];
}

function stageLines(i: DeployScriptInput, temps: Map<string, string>): string[] {
  const out: string[] = [];
  for (const f of i.files) {
    const c = f.change;
    if (c.kind === 'delete' || c.metaOnly) continue;
    const tmp = temps.get(c.path)!;
    // Destination directories are not secret and daemons must traverse them: not our umask 077.
    out.push(`[ -d ${q(dirname(c.path))} ] || (umask 022 && mkdir -p -- ${q(dirname(c.path))}) || hafleet_fail stage "cannot create "${q(dirname(c.path))}`);
    // Created 0600 (umask 077) and written while nobody else may read it; it gets its final owner
    // and mode only once the content is complete, just before it is validated and renamed.
    out.push(`rm -f -- ${q(tmp)}`, ...writeFileLines(tmp, f.content!));
    out.push(`chown ${q(`${c.owner}:${c.group}`)} ${q(tmp)} && chmod ${q(c.mode)} ${q(tmp)} || hafleet_fail stage "cannot set mode/owner on "${q(tmp)}`);
  }
  return out;
}

function installLines(i: DeployScriptInput, temps: Map<string, string>): string[] {
  const out = [`BK=${q(`${BACKUP_ROOT}/${i.deployId}`)}`, 'mkdir -p -- "$BK" && chmod 0700 "$BK"', `echo "${MARK} step install $EPOCHREALTIME"`];
  for (const f of i.files) {
    const c = f.change;
    const p = q(c.path);
    out.push(`if [ -e ${p} ]; then mkdir -p "$BK"${q(dirname(c.path))} && cp -p ${p} "$BK"${p} || hafleet_fail install "cannot back up "${p}; fi`);
    out.push(`hafleet_done+=(${p})`);
    if (c.kind === 'delete') out.push(`rm -f ${p} || hafleet_fail install "cannot remove "${p}`);
    else if (c.metaOnly) out.push(`chown ${q(`${c.owner}:${c.group}`)} ${p} && chmod ${q(c.mode)} ${p} || hafleet_fail install "cannot set mode/owner on "${p}`);
    // rename(2) within one directory: readers see the old file or the new one, never a mix.
    else out.push(`mv -f -- ${q(temps.get(c.path)!)} ${p} || hafleet_fail install "cannot move "${p}" into place"`);
  }
  return out;
}

function handlerLines(i: DeployScriptInput): string[] {
  const tries = i.healthTries ?? 40;
  const out = [`echo "${MARK} step handlers $EPOCHREALTIME"`];
  for (const h of i.handlers) {
    out.push(`if ! hafleet_out=$( ( umask ${DAEMON_UMASK}; ${h.command} ) 2>&1 ); then hafleet_fail handler ${q(h.name + ': ')}"$hafleet_out"; fi`, `echo "${MARK} handler "${q(h.name)}`);
  }
  out.push(`echo "${MARK} step health $EPOCHREALTIME"`);
  for (const h of i.handlers) {
    if (!h.check) continue;
    // Reloads are asynchronous: poll until healthy, then give the check's own words on failure.
    out.push(
      healthPollLine(h.check, tries),
      `if [ $hafleet_ok = 0 ]; then hafleet_out=$( ( ${h.check} ) 2>&1 ); hafleet_fail health ${q(h.name + ' health check failed: ')}"$hafleet_out"; fi`,
      `echo "${MARK} healthy "${q(h.name)}`,
    );
  }
  return out;
}

function failLines(i: DeployScriptInput): string[] {
  const again = i.handlers.map((h) => `  ( umask ${DAEMON_UMASK}; ${h.command} ) >/dev/null 2>&1 || echo ${q(`${MARK} rollback-fail handler ${Buffer.from(h.name).toString('base64')}`)}`);
  return [
    'hafleet_done=()',
    'hafleet_rollback() {',
    '  local n p tmp',
    '  for (( n=${#hafleet_done[@]}-1; n>=0; n-- )); do',
    '    p=${hafleet_done[$n]}; tmp="$(dirname "$p")/.hafleet-tmp-restore-$(basename "$p")"',
    '    if [ -e "$BK$p" ]; then cp -p "$BK$p" "$tmp" && mv -f "$tmp" "$p" || echo "' + MARK + ' rollback-fail restore $(printf %s "$p" | base64 -w0)"',
    '    else rm -f "$p"; fi',
    '  done',
    '}',
    'hafleet_handlers_again() {',
    ...(again.length ? again : ['  :']),
    '}',
    'hafleet_fail() {',
    `  echo "${MARK} fail $1 $(printf %s "$2" | base64 -w0)"`,
    '  local code',
    `  case $1 in stage|validate) code=${ScriptExit.invalid};; install) code=${ScriptExit.install};; handler) code=${ScriptExit.handler};; *) code=${ScriptExit.health};; esac`,
    '  if [ ${#hafleet_done[@]} -gt 0 ]; then hafleet_rollback; hafleet_handlers_again; echo "' + MARK + ' rolled-back"; fi',
    '  exit $code',
    '}',
  ];
}

/** Keep this many backups, of deploys that failed as well as of those that succeeded (defect 23). */
export const KEEP_BACKUPS = 5;
/** A validation dir this old belongs to a run that died: no check takes an hour. */
export const STALE_VALIDATE_MIN = 60;

/**
 * The newest KEEP_BACKUPS backup dirs stay, whatever their deploy's outcome; run on every exit
 * once the lock is ours. Names are deploy ids, but the list is NUL-separated all the same.
 */
export function pruneLines(): string[] {
  return [
    `find ${q(BACKUP_ROOT)} -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\\0' 2>/dev/null | sort -z -rn | tail -z -n +${KEEP_BACKUPS + 1} | cut -z -d' ' -f2- | xargs -0 -r rm -rf --`,
  ];
}

/** Validation dirs left by a run that was killed (root's only: a user's dir of that name is not ours to remove). */
export function sweepValidateLines(): string[] {
  return [`find /tmp -maxdepth 1 -name 'hafleet-validate.*' -type d -user root -mmin +${STALE_VALIDATE_MIN} -exec rm -rf -- {} + 2>/dev/null`];
}

/**
 * The record holds the sha256 of every file, keepalived.conf (and its auth_pass) included: the
 * plan compares them to know whether the record is current. So it is root's alone: 0600 in the
 * 0700 state dir, written to a 0600 temp (umask 077) and renamed, never readable in between.
 */
function recordLines(i: DeployScriptInput): string[] {
  const record = JSON.stringify({ at: i.now, by: i.by, planId: i.planId, files: i.record }, null, 2) + '\n';
  const tmp = `${STATE_DIR}/.last-deploy.json.hafleet-tmp`;
  return [
    `rm -f -- ${q(tmp)}`,
    ...writeFileLines(tmp, record),
    `chmod 0600 ${q(tmp)} && mv -f -- ${q(tmp)} ${q(RECORD_PATH)}`,
  ];
}

/**
 * One host's whole deploy as one bash script fed on stdin: lock, sweep leftovers, stage temps
 * beside their destinations, validate, back up, rename into place, run handlers, check health,
 * write the record, unlock. Any failure after the first rename restores the backups and runs the
 * handlers again. Wrapped so a dropped connection cannot stop it half-way (see wrapScript).
 */
export function deployScript(i: DeployScriptInput): string {
  const temps = new Map<string, string>();
  for (const f of i.files) if (f.change.kind !== 'delete' && !f.change.metaOnly) temps.set(f.change.path, tempNameFor(f.change.path, i.rand));
  const items: ValidateItem[] = [];
  for (const f of i.files) {
    const c = f.change;
    if (c.kind !== 'delete' && !c.metaOnly && c.validate) items.push({ path: c.path, src: temps.get(c.path)!, content: f.content!, validate: c.validate });
  }
  const contentTemps = new Map<string, string>();
  for (const f of i.files) if (f.change.kind !== 'delete' && !f.change.metaOnly) contentTemps.set(f.change.path, temps.get(f.change.path)!);
  const body = [
    `echo "${MARK} step lock $EPOCHREALTIME"`,
    ...lockLines(i),
    `hafleet_cleanup() { rm -f -- ${[...temps.values()].map(q).join(' ')}; rm -rf -- ${q(i.validateDir)}; ${pruneLines().join('; ')}; ${releaseLockLines(LOCK_DIR).join('; ')}; }`,
    'trap hafleet_cleanup EXIT',
    'BK=/nonexistent',
    ...failLines(i),
    ...i.sweepDirs.map((d) => `[ -d ${q(d)} ] && find ${q(d)} -maxdepth 1 -name '.hafleet-tmp-*' -type f -delete 2>/dev/null`),
    ...sweepValidateLines(),
    `echo "${MARK} step stage $EPOCHREALTIME"`,
    ...stageLines(i, temps),
  ];
  if (items.length > 0) {
    const deleted = i.files.filter((f) => f.change.kind === 'delete').map((f) => f.change.path);
    body.push(`echo "${MARK} step validate $EPOCHREALTIME"`, ...makeValidateDirLines(i.validateDir), ...validateLines(items, contentTemps, deleted, i.validateDir));
    body.push(`if [ $invalid = 1 ]; then echo ${q(`${MARK} fail validate ${Buffer.from('the new configuration was rejected').toString('base64')}`)}; exit ${ScriptExit.invalid}; fi`);
  }
  // After validation (a rejected config changes nothing and needs no baseline), before the
  // first rename: nginx still runs its old config and its old workers, whatever lies on disk.
  if (i.files.length > 0 && i.look?.length) body.push(`echo "${MARK} step look $EPOCHREALTIME"`, ...serveLookLines(i.look));
  if (i.files.length > 0) body.push(...installLines(i, temps), ...handlerLines(i));
  body.push(`echo "${MARK} step record $EPOCHREALTIME"`, ...recordLines(i), `echo "${MARK} done $EPOCHREALTIME"`);
  return wrapScript(body);
}
