import { createHmac, randomBytes } from 'node:crypto';

/** One key line of a known_hosts file (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"). */
export interface KnownHostsEntry {
  file: string;
  line: number;
  marker: 'cert-authority' | 'revoked' | null;
  /** Hashed entry (`|1|salt|hmac`) or a comma list of patterns (`!`, `*`, `?`, `[host]:port`). */
  hosts: { kind: 'hashed'; salt: Buffer; hash: Buffer } | { kind: 'patterns'; patterns: string[] };
  keyType: string;
  /** The public key blob (wire format), as the server presents it. */
  key: Buffer;
}

/** Parse a known_hosts text. Lines that cannot be read are skipped, as ssh does. */
export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostsEntry[] {
  const out: KnownHostsEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@cert-authority') marker = 'cert-authority';
      else if (m === '@revoked') marker = 'revoked';
      else return;
    }
    const [hostField, keyType, keyB64] = fields;
    if (!hostField || !keyType || !keyB64) return;
    const key = Buffer.from(keyB64, 'base64');
    if (key.length === 0) return;
    let hosts: KnownHostsEntry['hosts'];
    if (hostField.startsWith('|1|')) {
      const [, , salt, hash] = hostField.split('|');
      if (!salt || !hash) return;
      hosts = { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    } else {
      hosts = { kind: 'patterns', patterns: hostField.split(',').filter((p) => p !== '') };
    }
    out.push({ file, line: i + 1, marker, hosts, keyType, key });
  });
  return out;
}

/** The name ssh looks a host up by: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** ssh's glob: `*` any run, `?` one character; case-insensitive as host names are. */
export function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    '^' + pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$',
    's',
  );
  return re.test(name.toLowerCase());
}

/** ssh's match_hostname: a matching `!pattern` vetoes, otherwise any positive match wins. */
export function patternListMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) {
      matched = true;
    }
  }
  return matched;
}

export function entryMatchesHost(e: KnownHostsEntry, name: string): boolean {
  if (e.hosts.kind === 'patterns') return patternListMatches(e.hosts.patterns, name);
  const mac = createHmac('sha1', e.hosts.salt).update(name).digest();
  return mac.length === e.hosts.hash.length && mac.equals(e.hosts.hash);
}

/** `|1|salt|hmac` for a name, as `ssh-keygen -H` writes it (a fresh random salt unless given). */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const mac = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${mac.toString('base64')}`;
}

export type HostKeyVerdict =
  | { kind: 'known'; entry: KnownHostsEntry }
  | { kind: 'revoked'; entry: KnownHostsEntry }
  /** A key of the same type is recorded for this name and differs. */
  | { kind: 'changed'; expected: KnownHostsEntry }
  /** Nothing recorded for this key type; `otherTypes` lists types that are recorded. */
  | { kind: 'unknown'; otherTypes: string[] };

/**
 * What the recorded keys say about `key` presented by `name` (see knownHostsName).
 * @cert-authority lines are ignored: ssh2 does not present host certificates.
 */
export function checkHostKey(entries: readonly KnownHostsEntry[], name: string, keyType: string, key: Buffer): HostKeyVerdict {
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && entryMatchesHost(e, name));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === null);
  const same = plain.find((e) => e.key.equals(key));
  if (same) return { kind: 'known', entry: same };
  const sameType = plain.find((e) => e.keyType === keyType);
  if (sameType) return { kind: 'changed', expected: sameType };
  return { kind: 'unknown', otherTypes: [...new Set(plain.map((e) => e.keyType))] };
}

/** Key types recorded for a name, so the client can ask the server for one of those first. */
export function recordedKeyTypes(entries: readonly KnownHostsEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => e.marker === null && entryMatchesHost(e, name)).map((e) => e.keyType))];
}

/** A known_hosts line for a newly accepted key (plain name, like ssh with HashKnownHosts no). */
export function knownHostsLine(name: string, keyType: string, key: Buffer): string {
  return `${name} ${keyType} ${key.toString('base64')}\n`;
}
