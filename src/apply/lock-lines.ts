import { q, dirname, MARK } from './shell.js';

/** Who takes the lock: written into the lock's info file and shown to whoever finds it held. */
export interface LockInfo {
  by: string;
  deployId: string;
  now: string;
}

/** A lock without its info file yet is being created: live for this long, then stale. */
const INFO_GRACE_S = 10;
/** Bounded retries when several runs race to take over one stale lock. */
const TAKEOVER_TRIES = 3;

/** Info values end up one per line and on one `@@hafleet` line: no control character may reach them. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, '?');
}

/**
 * Shell functions of the lock (bash). Liveness is "same boot, and the process with the recorded
 * pid has the recorded start time" (field 22 of /proc/<pid>/stat, clock ticks since boot): a pid
 * alone is reused, after a reboot in particular, and `kill -0` then keeps a dead lock forever.
 * A lock older than the current boot is dead whatever it records (locks of older hafleet versions
 * have no boot id: for them the pid must exist and the lock be younger than the boot).
 */
function functionLines(): string[] {
  return [
    'hafleet_lock_start() {',
    '  local s; local -a f',
    '  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1',
    // comm (field 2) may hold spaces and parentheses: split after its last ')'. Field 3 is f[0].
    '  s=${s##*) }; read -ra f <<< "$s"; printf %s "${f[19]:-}"',
    '}',
    'hafleet_lock_alive() {',
    '  local info=$1 age=$2 pid boot start up',
    `  pid=$(printf '%s\\n' "$info" | sed -n 's/^pid=//p'); boot=$(printf '%s\\n' "$info" | sed -n 's/^boot=//p'); start=$(printf '%s\\n' "$info" | sed -n 's/^start=//p')`,
    '  case $pid in ""|*[!0-9]*) return 1;; esac',
    '  read -r up _ < /proc/uptime; up=${up%.*}',
    '  [ "$age" -le "$up" ] || return 1',
    '  if [ -z "$boot" ]; then kill -0 "$pid" 2>/dev/null; return; fi',
    '  [ "$boot" = "$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)" ] || return 1',
    '  [ -n "$start" ] && [ "$(hafleet_lock_start "$pid")" = "$start" ]',
    '}',
  ];
}

/**
 * Bash lines that take the lock `lockDir` (a directory: mkdir is atomic) or end the script with
 * `lockedExit` after printing `@@hafleet locked <age> <yes|no> <info…>` when a live run holds it.
 * A lock whose holder is gone is taken over with `@@hafleet lock-stale <age> <info…>`: it is
 * renamed aside (atomic; only one racer wins) and removed only if it is still the one judged
 * stale, otherwise it is put back. The info file (by, pid, at, deploy, boot, start) is written
 * to a temp name and renamed, so a reader sees none or all of it. Needs bash, `set -u` safe.
 */
export function acquireLockLines(lockDir: string, info: LockInfo, lockedExit: number, opts: { breakLock?: boolean } = {}): string[] {
  const L = q(lockDir);
  const I = q(lockDir + '/info');
  return [
    ...functionLines(),
    `mkdir -p -- ${q(dirname(lockDir))}`,
    ...(opts.breakLock ? [`if [ -d ${L} ]; then echo "${MARK} lock-broken $(tr '\\n' ' ' < ${I} 2>/dev/null)"; rm -rf -- ${L}; fi`] : []),
    'hafleet_lk_n=0',
    `while ! mkdir -- ${L} 2>/dev/null; do`,
    '  hafleet_lk_n=$((hafleet_lk_n + 1))',
    `  hafleet_lk_info=$(cat -- ${I} 2>/dev/null)`,
    `  hafleet_lk_age=$(( $(date +%s) - $(stat -c %Y -- ${L} 2>/dev/null || date +%s) ))`,
    '  hafleet_lk_alive=no',
    `  if [ -z "$hafleet_lk_info" ]; then [ "$hafleet_lk_age" -lt ${INFO_GRACE_S} ] && hafleet_lk_alive=yes`,
    '  elif hafleet_lock_alive "$hafleet_lk_info" "$hafleet_lk_age"; then hafleet_lk_alive=yes; fi',
    `  if [ $hafleet_lk_alive = yes ] || [ $hafleet_lk_n -gt ${TAKEOVER_TRIES} ]; then`,
    `    echo "${MARK} locked $hafleet_lk_age $hafleet_lk_alive $(printf '%s' "$hafleet_lk_info" | tr '\\n' ' ')"`,
    `    exit ${lockedExit}`,
    '  fi',
    `  echo "${MARK} lock-stale $hafleet_lk_age $(printf '%s' "$hafleet_lk_info" | tr '\\n' ' ')"`,
    `  hafleet_lk_aside=${q(lockDir + '.stale.')}"$$.$RANDOM"`,
    `  if mv -T -- ${L} "$hafleet_lk_aside" 2>/dev/null; then`,
    '    if [ "$(cat -- "$hafleet_lk_aside/info" 2>/dev/null)" = "$hafleet_lk_info" ]; then rm -rf -- "$hafleet_lk_aside"',
    // Another run took it over between our look and our rename: its lock goes back untouched.
    `    else mv -T -- "$hafleet_lk_aside" ${L} 2>/dev/null || rm -rf -- "$hafleet_lk_aside"; fi`,
    '  fi',
    'done',
    `printf 'by=%s\\npid=%s\\nat=%s\\ndeploy=%s\\nboot=%s\\nstart=%s\\n' ${q(oneLine(info.by))} "$$" ${q(oneLine(info.now))} ${q(oneLine(info.deployId))} "$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)" "$(hafleet_lock_start $$)" > ${q(lockDir + '/.info.tmp')} && mv -f -- ${q(lockDir + '/.info.tmp')} ${I}`,
  ];
}

/**
 * Bash lines that release the lock, only if this script still holds it (pid and start time
 * match): a lock broken with --break-lock and taken by another run is not ours to remove.
 * One line, so it fits in a trap or a one-line cleanup function.
 */
export function releaseLockLines(lockDir: string): string[] {
  const I = q(lockDir + '/info');
  return [
    `if [ "$(sed -n 's/^pid=//p' ${I} 2>/dev/null)" = "$$" ] && [ "$(sed -n 's/^start=//p' ${I} 2>/dev/null)" = "$(hafleet_lock_start $$)" ]; then rm -rf -- ${q(lockDir)}; fi`,
  ];
}
