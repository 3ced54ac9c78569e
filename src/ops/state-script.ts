import { MAINTENANCE_FILE, MAINTENANCE_INFO_FILE, TRACK_DIR, vrrpMoveFile } from '../host-paths/index.js';
import { shq } from '../drill/index.js';
import { RELEASE_VALUE, type MaintenanceInfo, type MoveWrite, type OpsState } from './types.js';

/**
 * The shell that reads and writes hafleet's day-2 state files on a host. A write is a rename of
 * a complete file (keepalived and the agent never read half a number); each script prints
 * `at <epoch ns>` right after the write, so a move is timed by the host's clock.
 */

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

function checkName(instance: string): string {
  // topology restricts instance names to this (keys.ts); a bug if another reaches a path.
  if (!NAME.test(instance)) throw new Error(`instance name ${JSON.stringify(instance)} cannot name a state file`);
  return instance;
}

/** Read the maintenance flag, its info and the move values of `instances` (read-only). */
export function readStateScript(instances: readonly string[]): string {
  const lines = [
    'export LC_ALL=C',
    `v=$(head -c 32 ${shq(MAINTENANCE_FILE)} 2>/dev/null | tr -dc '0-9-' ); echo "maintenance \${v:-0}"`,
    `if [ -s ${shq(MAINTENANCE_INFO_FILE)} ]; then printf 'info '; head -c 2000 ${shq(MAINTENANCE_INFO_FILE)} | tr -d '\\n\\r'; echo; fi`,
    ...instances.map((i) => `v=$(head -c 32 ${shq(vrrpMoveFile(checkName(i)))} 2>/dev/null | tr -dc '0-9-'); echo "move ${i} \${v:-0}"`),
  ];
  return lines.join('\n') + '\n';
}

function num(v: string): number {
  const n = Number(/^-?\d+/.exec(v)?.[0] ?? '0');
  return Number.isFinite(n) ? n : 0;
}

/** The read script's output → state; lines it does not know are ignored (a host's text). */
export function parseState(host: string, stdout: string): OpsState {
  const s: OpsState = { host, maintenance: false, moves: {} };
  for (const line of stdout.split('\n')) {
    const [k, a = '', b = ''] = line.trim().split(/\s+/);
    if (k === 'maintenance') s.maintenance = num(a) !== 0;
    else if (k === 'move' && NAME.test(a)) s.moves[a] = num(b);
    else if (k === 'info') {
      try {
        const j = JSON.parse(line.trim().slice(5)) as Record<string, unknown>;
        if (typeof j.by === 'string' && typeof j.at === 'string') s.info = { by: j.by, at: j.at, ...(typeof j.reason === 'string' ? { reason: j.reason } : {}) };
      } catch {
        /* not JSON: no info */
      }
    }
  }
  return s;
}

const put = (file: string, value: string) => `printf '%s\\n' ${shq(value)} > ${shq(file + '.hafleet-tmp')} && mv -f ${shq(file + '.hafleet-tmp')} ${shq(file)}`;
// TRACK_DIR is hafleet's state dir: root's, 0700, as deploy makes it; the files 0644 in it.
const prelude = `umask 022\nexport LC_ALL=C\n[ -d ${shq(TRACK_DIR)} ] || mkdir -m 0700 -p ${shq(TRACK_DIR)}\n`;

/** Write move values on one host, then print `at <ns>`. */
export function writeMovesScript(writes: readonly MoveWrite[]): string {
  return prelude + writes.map((w) => put(vrrpMoveFile(checkName(w.instance)), String(Math.trunc(w.value)))).join(' && ') + ' && echo "at $(date +%s%N)"\n';
}

/**
 * The holder lets go: −254 in its move file (after `before`: the linger, see linger.ts). A detached watchdog writes `settleValue` after
 * `fallbackSec` if the file still holds −254 under this run's token: a lost connection or a
 * killed hafleet never leaves the old holder in FAULT.
 */
export function releaseScript(w: MoveWrite, settleValue: number, token: string, fallbackSec: number, before = ''): string {
  return releaseAllScript([{ write: w, settleValue }], token, fallbackSec, before);
}

/**
 * Several instances let go at once (a vrrp_sync_group): every token first, then the files, one
 * rename each, stamped before the first; one watchdog per file.
 */
export function releaseAllScript(releases: readonly { write: MoveWrite; settleValue: number }[], token: string, fallbackSec: number, before = ''): string {
  const files = releases.map((r) => ({ file: vrrpMoveFile(checkName(r.write.instance)), settle: r.settleValue }));
  const later = (file: string, settle: number) => {
    const tok = file + '.release';
    return `sleep ${Math.ceil(fallbackSec)}; if [ "$(cat ${shq(tok)} 2>/dev/null)" = ${shq(token)} ]; then if [ "$(tr -dc 0-9- < ${shq(file)})" = ${shq(String(RELEASE_VALUE))} ]; then ${put(file, String(settle))}; fi; rm -f ${shq(tok)}; fi`;
  };
  const stage = files.flatMap(({ file }) => [`printf '%s\\n' ${shq(token)} > ${shq(file + '.release')}`, `printf '%s\\n' ${shq(String(RELEASE_VALUE))} > ${shq(file + '.hafleet-tmp')}`]);
  const renames = files.map(({ file }) => `mv -f ${shq(file + '.hafleet-tmp')} ${shq(file)}`);
  // Stamped before the rename: keepalived sees the file through inotify at once and may drop the VIP before a later `date` ran.
  return prelude + before + `{ ${[...stage, 'echo "at $(date +%s%N)"', ...renames].join(' && ')}; } || exit 1\n`
    + files.map(({ file, settle }) => `setsid sh -c ${shq(later(file, settle))} </dev/null >/dev/null 2>&1 &\n`).join('');
}

/** Maintenance on or off; on records who and why beside the flag. */
export function maintenanceScript(on: boolean, info?: MaintenanceInfo, before = ''): string {
  // Stamped before the flag's rename, as the release is.
  const body = on
    ? `${put(MAINTENANCE_INFO_FILE, JSON.stringify(info ?? {}))} && echo "at $(date +%s%N)" && ${put(MAINTENANCE_FILE, '1')}`
    : `echo "at $(date +%s%N)" && ${put(MAINTENANCE_FILE, '0')} && rm -f ${shq(MAINTENANCE_INFO_FILE)}`;
  return prelude + before + body + '\n';
}

/** `at <ns>` → epoch ms (fraction kept), or null. */
export function atMs(stdout: string): number | null {
  const m = /^at (\d+)$/m.exec(stdout);
  return m ? Number(BigInt(m[1]!) / 1000n) / 1000 : null;
}
