import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { algorithmsForKeyType, fingerprintOf, keyTypeOf } from './fingerprint.js';
import { checkHostKey, knownHostsLine, knownHostsName, parseKnownHosts, recordedKeyTypes, type KnownHostsEntry } from './known-hosts.js';
import type { TransportFailure } from './types.js';

/** Where recorded host keys are read from, and where accept-new writes. */
export interface KnownHostsSources {
  /** Every file consulted (missing files are fine). */
  files: string[];
  /** Where a newly accepted key is appended. */
  recordFile: string;
}

export interface HostKeyTarget {
  /** Inventory name, for messages. */
  host: string;
  /** How messages name this hop when it is not the host itself. */
  label?: string;
  /** The address dialled and its port: the known_hosts lookup name is built from them. */
  address: string;
  port: number;
}

export type HostKeyDecision =
  | { ok: true; recorded?: { file: string; fingerprint: string } }
  | { ok: false; failure: TransportFailure };

// Parsed files by path, reused while size and mtime stay the same (100 hosts read them 200 times).
const parsed = new Map<string, { mtimeMs: number; size: number; entries: KnownHostsEntry[] }>();

/**
 * Every file's lines as one list, the same list object while no file changed (each file's
 * parsed list is reused then): known-hosts indexes a list by name once, not once per host.
 */
let lastRead: { perFile: KnownHostsEntry[][]; entries: KnownHostsEntry[] } | undefined;

function readEntries(files: readonly string[]): KnownHostsEntry[] {
  const perFile = files.map(readFileEntries);
  if (lastRead && lastRead.perFile.length === perFile.length && perFile.every((e, n) => e === lastRead!.perFile[n])) return lastRead.entries;
  lastRead = { perFile, entries: perFile.flat() };
  return lastRead.entries;
}

const NONE: KnownHostsEntry[] = [];

function readFileEntries(f: string): KnownHostsEntry[] {
  try {
    const st = statSync(f);
    const hit = parsed.get(f);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.entries;
    const entries = parseKnownHosts(readFileSync(f, 'utf8'), f);
    parsed.set(f, { mtimeMs: st.mtimeMs, size: st.size, entries });
    return entries;
  } catch {
    return NONE;
  }
}

/**
 * Host key algorithms in the order to offer them: types already recorded for this host first,
 * as OpenSSH does, so a host with a recorded ed25519 key is not asked for its ecdsa one.
 */
export function preferredHostKeyAlgorithms(t: HostKeyTarget, sources: KnownHostsSources, supported: readonly string[]): string[] {
  const types = recordedKeyTypes(readEntries(sources.files), knownHostsName(t.address, t.port));
  const first = types.flatMap(algorithmsForKeyType).filter((a) => supported.includes(a));
  return [...first, ...supported.filter((a) => !first.includes(a))];
}

/**
 * ssh's StrictHostKeyChecking=yes (or accept-new when asked): decide before authentication.
 * Files are re-read on every call so keys accepted by another connection are seen.
 */
export function decideHostKey(t: HostKeyTarget, key: Buffer, sources: KnownHostsSources, acceptNew: boolean): HostKeyDecision {
  const name = knownHostsName(t.address, t.port);
  const keyType = keyTypeOf(key);
  const got = fingerprintOf(key);
  const where = `${t.label ?? 'host ' + t.host} (${t.address}${t.port === 22 ? '' : ':' + t.port})`;
  const verdict = checkHostKey(readEntries(sources.files), name, keyType, key);
  switch (verdict.kind) {
    case 'known':
      return { ok: true };
    case 'revoked':
      return {
        ok: false,
        failure: {
          kind: 'host-key-changed', host: t.host, expected: '(key is @revoked)', got,
          message: `${where}: presented ${keyType} key ${got}, which ${verdict.entry.file}:${verdict.entry.line} marks @revoked; refusing before authentication`,
          hint: 'the host uses a revoked key: re-key the host, then record the new key',
        },
      };
    case 'changed': {
      const expected = fingerprintOf(verdict.expected.key);
      return {
        ok: false,
        failure: {
          kind: 'host-key-changed', host: t.host, expected, got,
          message: `${where}: HOST KEY CHANGED: ${verdict.expected.file}:${verdict.expected.line} records ${keyType} ${expected}, the host presented ${got}; possible man-in-the-middle, nothing was sent`,
          hint: `if the host was re-installed, remove the old key (ssh-keygen -R '${name}' -f ${verdict.expected.file}) and check the new fingerprint`,
        },
      };
    }
    case 'unknown':
      break;
  }
  if (verdict.otherTypes.length > 0) {
    // Stricter than ssh's accept-new: a host that suddenly offers only another key type looks
    // like an impostor without the recorded key, so it is never recorded automatically.
    return {
      ok: false,
      failure: {
        kind: 'host-key-unknown', host: t.host, fingerprint: got,
        message: `${where}: presented ${keyType} key ${got}, but only ${verdict.otherTypes.join(', ')} keys are recorded for '${name}'`,
        hint: `check the key on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and add it to known_hosts by hand`,
      },
    };
  }
  if (acceptNew) {
    mkdirSync(dirname(sources.recordFile), { recursive: true, mode: 0o700 });
    // A file written by hand may lack its final newline: appending straight after it would glue
    // two entries into one line that matches neither host (a false "HOST KEY CHANGED" later).
    const sep = endsWithoutNewline(sources.recordFile) ? '\n' : '';
    appendFileSync(sources.recordFile, sep + knownHostsLine(name, keyType, key), { mode: 0o600 });
    return { ok: true, recorded: { file: sources.recordFile, fingerprint: got } };
  }
  return {
    ok: false,
    failure: {
      kind: 'host-key-unknown', host: t.host, fingerprint: got,
      message: `${where}: host key is not known: ${keyType} ${got}; refusing before authentication`,
      hint: `compare the fingerprint with the host's, then run again with --accept-new-host-keys, or record it: ssh-keyscan -p ${t.port} ${t.address} >> ${sources.recordFile}`,
    },
  };
}

/** True when the file exists, is not empty and its last byte is not a newline. */
export function endsWithoutNewline(file: string): boolean {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    if (size === 0) return false;
    fd = openSync(file, 'r');
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
