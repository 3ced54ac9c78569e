import { createHash } from 'node:crypto';
import { mapLimit } from '../async/index.js';
import { q, UMASK } from '../apply/shell.js';
import { REALSERVER_LEDGER_PATH, STATE_DIR } from '../host-paths/index.js';
import type { HostRef, Transport } from '../transport/index.js';
import { tombstoneText } from './ledger.js';

/** Write only over the file this sha256 names, or where there is none (`absent`); `any`: always. */
export type LedgerExpect = string | 'absent' | 'any';

/**
 * The director side of a ledger write: the new text arrives on stdin; it replaces the file (a
 * rename: never half written) only when the file is still what the run read. Prints
 * `ledger-written` or `ledger-changed`.
 */
export function ledgerWriteScript(expect: LedgerExpect): string {
  if (!/^([0-9a-f]{64}|absent|any)$/.test(expect)) throw new Error(`ledger: expected checksum ${JSON.stringify(expect)} is not a sha256, absent or any`);
  const f = q(REALSERVER_LEDGER_PATH);
  return `umask ${UMASK}
mkdir -p ${q(STATE_DIR)} || exit 1
if [ -f ${f} ]; then cur=$(sha256sum < ${f}) || exit 1; cur=\${cur%% *}; else cur=absent; fi
want=${q(expect)}
if [ "$want" != any ] && [ "$cur" != "$want" ]; then echo ledger-changed; exit 0; fi
cat > ${f}.new && mv -f ${f}.new ${f} && echo ledger-written
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
  return { ok: writes.some((w) => w.outcome === 'written'), writes, sha256: createHash('sha256').update(text).digest('hex') };
}
