import { mapLimit } from '../async/index.js';
import { q, UMASK } from '../apply/shell.js';
import { REALSERVER_LEDGER_PATH, STATE_DIR } from '../host-paths/index.js';
import type { HostRef, Transport } from '../transport/index.js';
import { sha256 } from '../plan/index.js';
import { tombstoneText } from './ledger.js';

/** Write only over the file this sha256 names, or where there is none (`absent`); `any`: always. */
export type LedgerExpect = string | 'absent' | 'any';

/**
 * The director side of a ledger write: the new text arrives on stdin; it replaces the file (a
 * rename: never half written) only when the file is still what the run read. Prints
 * `ledger-written` or `ledger-changed`.
 *
 * The look and the rename happen under flock(1) on a lock file beside the ledger, taken by
 * every write (tombstones too): unlocked, a complete write could look, see the tombstone it
 * expects, and rename over a second tombstone that landed in between — the very one that must
 * have the last word. A compare-and-swap where flock is missing is refused (no complete ledger
 * there, so every run asks the realservers); a tombstone still goes. The text goes to a temp
 * file mktemp creates (O_EXCL: never a symlink or another run's file that was there before).
 */
export function ledgerWriteScript(expect: LedgerExpect): string {
  if (!/^([0-9a-f]{64}|absent|any)$/.test(expect)) throw new Error(`ledger: expected checksum ${JSON.stringify(expect)} is not a sha256, absent or any`);
  const f = q(REALSERVER_LEDGER_PATH);
  return `umask ${UMASK}
mkdir -p ${q(STATE_DIR)} || exit 1
want=${q(expect)}
exec 9>>${q(REALSERVER_LEDGER_PATH + '.lock')} || exit 1
if command -v flock >/dev/null 2>&1; then flock -w 30 9 || { echo 'ledger: lock busy' >&2; exit 1; }
elif [ "$want" != any ]; then echo 'ledger: no flock here: a compare-and-swap cannot be made safe' >&2; exit 1; fi
if [ -f ${f} ]; then cur=$(sha256sum < ${f}) || exit 1; cur=\${cur%% *}; else cur=absent; fi
if [ "$want" != any ] && [ "$cur" != "$want" ]; then echo ledger-changed; exit 0; fi
t=$(mktemp ${q(REALSERVER_LEDGER_PATH + '.XXXXXX')}) || exit 1
if cat > "$t" && mv -f "$t" ${f}; then echo ledger-written; else rm -f "$t"; exit 1; fi
`;
}

export interface LedgerWrite {
  host: string;
  /** written; changed: another run wrote it since it was read (left alone); failed: see message. */
  outcome: 'written' | 'changed' | 'failed';
  message?: string;
}

/** `text` onto each director, where its file is still as `expect` says. Never throws. */
export async function writeLedgers(transport: Transport, targets: readonly { ref: HostRef; expect: LedgerExpect }[], text: string, o: { forks?: number; signal?: AbortSignal } = {}): Promise<LedgerWrite[]> {
  return mapLimit(targets, o.forks ?? 50, async ({ ref, expect }) => {
    const r = await transport.exec(ref, ledgerWriteScript(expect), { stdin: text, privileged: true, timeoutMs: 15_000, ...(o.signal ? { signal: o.signal } : {}) });
    if (!r.ok) return { host: ref.name, outcome: 'failed' as const, message: r.failure.message };
    if (/^ledger-written$/m.test(r.value.stdout)) return { host: ref.name, outcome: 'written' as const };
    if (/^ledger-changed$/m.test(r.value.stdout)) return { host: ref.name, outcome: 'changed' as const };
    return { host: ref.name, outcome: 'failed' as const, message: `exit ${r.value.code}: ${r.value.stderr.trim().split('\n').slice(-2).join(' | ')}` };
  });
}

/**
 * Before a realserver gets a file or a maintenance flag the ledger does not list: an incomplete
 * ledger on every director (whatever each holds), so no later run skips a realserver until a
 * deploy that read them all writes a complete one. At least one director must take it: with
 * none, nothing tells a later run to ask the realservers again.
 */
export async function tombstoneLedgers(transport: Transport, directors: readonly HostRef[], o: { signal?: AbortSignal } = {}): Promise<{ ok: boolean; writes: LedgerWrite[]; sha256: string }> {
  const text = tombstoneText();
  const writes = await writeLedgers(transport, directors.map((ref) => ({ ref, expect: 'any' as const })), text, o);
  return { ok: writes.some((w) => w.outcome === 'written'), writes, sha256: sha256(text) };
}
