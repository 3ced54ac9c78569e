import { readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { localUserName } from './local-user.js';
import { dirname, isAbsolute, join, basename } from 'node:path';
import { globMatch, patternListMatches } from './known-hosts.js';
import { readProxyCommand } from './proxy-command.js';

/**
 * The part of ssh_config(5) hafleet honours: Host/Match-all blocks, HostName, User, Port,
 * IdentityFile, IdentitiesOnly, ProxyJump, ProxyCommand (`ssh -W %h:%p bastion` only: a jump),
 * UserKnownHostsFile, and Include.
 */
export interface SshConfigBlock {
  /** Host patterns; `[]` for a `Match` with criteria we do not evaluate (never applies). */
  patterns: string[];
  options: { key: string; value: string; file: string; line: number }[];
}

export interface SshConfig {
  blocks: SshConfigBlock[];
}

export interface ResolvedSshHost {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  identitiesOnly: boolean;
  /** `user@host:port[,…]`, never `none`. */
  proxyJump?: string;
  /** A ProxyCommand that is not a jump: the host is refused with this message, never dialled directly. */
  proxyRefused?: string;
  userKnownHostsFiles?: string[];
}

/** Reads an Include argument (already tilde-expanded) into files; the default reads the disk. */
export type IncludeReader = (pattern: string) => { file: string; text: string }[];

const MAX_INCLUDE_DEPTH = 16;

/** Split a config line into keyword and arguments: `Key value`, `Key=value`, "quoted args". */
function splitLine(line: string): { key: string; args: string[] } | null {
  const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(line);
  if (!m) return null;
  const args: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let a: RegExpExecArray | null;
  while ((a = re.exec(m[2]!))) args.push(a[1] ?? a[2]!);
  return { key: m[1]!.toLowerCase(), args };
}

export function parseSshConfig(text: string, file = 'ssh_config', readInclude: IncludeReader = readIncludeFromDisk(dirname(file))): SshConfig {
  return { blocks: parseBlocks(text, file, readInclude, 0).filter((b) => b.options.length > 0) };
}

/** Every block in order; the first holds the options before any Host line. */
function parseBlocks(text: string, file: string, readInclude: IncludeReader, depth: number): SshConfigBlock[] {
  const blocks: SshConfigBlock[] = [{ patterns: ['*'], options: [] }];
  let current = blocks[0]!;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const parsed = splitLine(line);
    if (!parsed) return;
    const { key, args } = parsed;
    if (key === 'host') {
      current = { patterns: args, options: [] };
      blocks.push(current);
    } else if (key === 'match') {
      current = { patterns: matchPatterns(args), options: [] };
      blocks.push(current);
    } else if (key === 'include') {
      if (depth >= MAX_INCLUDE_DEPTH) return;
      const enclosing = current.patterns;
      for (const arg of args) {
        for (const inc of readInclude(expandTilde(arg))) {
          const sub = parseBlocks(inc.text, inc.file, readInclude, depth + 1);
          // Options before the included file's first Host line belong to the enclosing block.
          sub[0]!.patterns = enclosing;
          blocks.push(...sub);
        }
      }
      current = { patterns: enclosing, options: [] };
      blocks.push(current);
    } else if (args.length > 0) {
      current.options.push({ key, value: args.join(' '), file, line: i + 1 });
    }
  });
  return blocks;
}

/** `Match all` and `Match host a,b` are understood; any other criterion never matches. */
function matchPatterns(args: string[]): string[] {
  if (args.length === 1 && args[0]!.toLowerCase() === 'all') return ['*'];
  if (args.length === 2 && args[0]!.toLowerCase() === 'host') return args[1]!.split(',');
  return [];
}

/** ssh_config's rule: for each keyword the first value obtained wins; IdentityFile adds up. */
export function resolveSshHost(cfg: SshConfig, host: string, localUser = localUserName()): ResolvedSshHost {
  const first = new Map<string, string>();
  const identity: string[] = [];
  // ProxyJump and ProxyCommand exclude each other: whichever is obtained first wins (ssh_config).
  let proxy: 'proxyjump' | 'proxycommand' | undefined;
  for (const block of cfg.blocks) {
    const list = block.patterns.flatMap((p) => p.split(','));
    if (!patternListMatches(list, host)) continue;
    for (const o of block.options) {
      if (o.key === 'identityfile') identity.push(o.value);
      else if (!first.has(o.key)) first.set(o.key, o.value);
      if ((o.key === 'proxyjump' || o.key === 'proxycommand') && !proxy) proxy = o.key;
    }
  }
  const hostName = first.get('hostname')?.replace(/%h/g, host).replace(/%%/g, '%');
  const portText = first.get('port');
  const port = portText && /^\d+$/.test(portText) ? Number(portText) : undefined;
  const user = first.get('user');
  const tokens = { h: hostName ?? host, p: String(port ?? 22), r: user ?? localUser, u: localUser };
  let proxyJump = proxy === 'proxyjump' ? first.get('proxyjump') : undefined;
  const proxyCommand = proxy === 'proxycommand' ? first.get('proxycommand') : undefined;
  let proxyRefused: string | undefined;
  if (proxyCommand && proxyCommand.toLowerCase() !== 'none') {
    const r = readProxyCommand(proxyCommand);
    if ('jump' in r) proxyJump = r.jump;
    else proxyRefused = r.refused;
  }
  const out: ResolvedSshHost = {
    identityFiles: identity.map((f) => expandTokens(f, tokens)),
    identitiesOnly: first.get('identitiesonly')?.toLowerCase() === 'yes',
  };
  if (hostName !== undefined) out.hostName = hostName;
  if (user !== undefined) out.user = user;
  if (port !== undefined) out.port = port;
  if (proxyJump && proxyJump.toLowerCase() !== 'none') out.proxyJump = proxyJump;
  if (proxyRefused) out.proxyRefused = proxyRefused;
  const ukh = first.get('userknownhostsfile');
  if (ukh && ukh.toLowerCase() !== 'none') out.userKnownHostsFiles = ukh.split(/\s+/).map((f) => expandTokens(f, tokens));
  return out;
}

function expandTokens(value: string, t: { h: string; p: string; r: string; u: string }): string {
  const expanded = value.replace(/%([%dhpru])/g, (_, c: string) =>
    c === '%' ? '%' : c === 'd' ? homedir() : (t as Record<string, string>)[c]!,
  );
  return expandTilde(expanded);
}

export function expandTilde(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
}

/** Include paths are relative to ~/.ssh; a `*` or `?` in the last component is a glob. */
function readIncludeFromDisk(baseDir: string): IncludeReader {
  return (pattern) => {
    const path = isAbsolute(pattern) ? pattern : join(baseDir, pattern);
    const dir = dirname(path);
    const name = basename(path);
    let names: string[];
    if (/[*?]/.test(name)) {
      try {
        names = readdirSync(dir).filter((n) => globMatch(name, n)).sort();
      } catch {
        return [];
      }
    } else {
      names = [name];
    }
    const out: { file: string; text: string }[] = [];
    for (const n of names) {
      try {
        out.push({ file: join(dir, n), text: readFileSync(join(dir, n), 'utf8') });
      } catch {
        // A missing include is not an error for ssh either.
      }
    }
    return out;
  };
}

/** ~/.ssh/config, or an empty config when there is none. */
export function loadUserSshConfig(file = join(homedir(), '.ssh', 'config')): SshConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { blocks: [] };
  }
  return parseSshConfig(text, file);
}
