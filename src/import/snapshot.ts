/**
 * What import read from one host (over SSH or from local copies), before any modelling: a plain
 * value, so the model builder is pure and a `--from-files` folder and a live host look alike.
 */

/** One file as read: its text, or why it was not taken (missing, binary, too big, …). */
export type SnapFile =
  /** mode (octal digits, e.g. `755`) and uid: from the host (stat); absent from a local copy, whose mode says nothing of the host's. */
  | { kind: 'text'; text: string; mode?: string; uid?: number }
  | { kind: 'missing' }
  /** line: where in the file the reason was found (the first line that is not UTF-8). */
  | { kind: 'refused'; reason: string; line?: number };

/** Why a file was read: keepalived.conf or an include, a program it runs, nginx, sysctl, lo script. */
export type SnapRole = 'keepalived' | 'script' | 'nginx' | 'sysctl-file' | 'lo-script';

export type Speaker = 'keepalived' | 'agent' | 'none';

export interface HostSnapshot {
  host: string;
  /** Path keepalived reads (its -f, else /etc/keepalived/keepalived.conf). */
  keepalivedConf: string;
  /** Every file read, by absolute path on the host. */
  files: Map<string, SnapFile>;
  /** The role of each path in `files`. */
  roles: Map<string, SnapRole>;
  /** include lines seen: including file → absolute patterns. */
  includes: { from: string; pattern: string }[];
  /** `nginx -T` output and exit status, when nginx is installed. */
  nginxDump?: { text: string; exitCode: number };
  /** Live ARP sysctls: `net.ipv4.conf.<dev>.arp_ignore` → value. */
  sysctls: Map<string, string>;
  /** Which VRRP speakers run (none: an empty list). */
  speakers: Speaker[];
}

export function emptySnapshot(host: string): HostSnapshot {
  return { host, keepalivedConf: '/etc/keepalived/keepalived.conf', files: new Map(), roles: new Map(), includes: [], sysctls: new Map(), speakers: [] };
}

/** The text of a file that was read, else undefined. */
export function textOf(s: HostSnapshot, path: string): string | undefined {
  const f = s.files.get(path);
  return f?.kind === 'text' ? f.text : undefined;
}

/** Control characters other than tab/newline/CR: a text file does not have them. */
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/**
 * A file's bytes as import takes them: UTF-8 text, or refused. Bytes that are not UTF-8 are
 * refused with the line they are on rather than decoded with U+FFFD: a kept script is deployed
 * from the text import writes, and a replaced byte would change what it does.
 */
export function snapText(bytes: Uint8Array, meta: { mode?: string; uid?: number } = {}): SnapFile {
  if (bytes.includes(0)) return { kind: 'refused', reason: 'a binary file' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { kind: 'refused', reason: 'not UTF-8 text (kept scripts are deployed as text)', line: firstBadLine(bytes) };
  }
  if (BINARY.test(text)) return { kind: 'refused', reason: 'a binary file' };
  return { kind: 'text', text, ...(meta.mode ? { mode: meta.mode } : {}), ...(meta.uid !== undefined ? { uid: meta.uid } : {}) };
}

function firstBadLine(bytes: Uint8Array): number {
  const dec = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; ; line++) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    try {
      dec.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    if (nl === -1) return line;
    start = nl + 1;
  }
}
