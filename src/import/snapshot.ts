/**
 * What import read from one host (over SSH or from local copies), before any modelling: a plain
 * value, so the model builder is pure and a `--from-files` folder and a live host look alike.
 */

/** One file as read: its text, or why it was not taken (missing, binary, too big, …). */
export type SnapFile =
  /** mode (octal digits, e.g. `755`) and uid: from the host (stat); absent from a local copy, whose mode says nothing of the host's. */
  | { kind: 'text'; text: string; mode?: string; uid?: number }
  | { kind: 'missing' }
  | { kind: 'refused'; reason: string };

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
