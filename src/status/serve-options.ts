import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { error, type Diagnostic, type Result } from '../diagnostics/index.js';

/**
 * Where `status --serve` listens and who may ask: the address rules (loopback unless told, a
 * token for anything else) and the token check, pure so the CLI and the tests share them.
 */

export const DEFAULT_SERVE_ADDR = '127.0.0.1';
export const DEFAULT_SERVE_PORT = 9180;

export interface ServeAddress {
  addr: string;
  port: number;
}

/**
 * `ADDR:PORT`, `[v6]:PORT`, `:PORT`, `PORT` or nothing (the default 127.0.0.1:9180). The address
 * must be a literal IP: a name could resolve to something other than what the operator read.
 */
export function parseServeAddress(spec?: string): Result<ServeAddress> {
  const bad = (why: string): Result<ServeAddress> => ({
    ok: false,
    diagnostics: [error('serve-address', `${JSON.stringify(spec)}: ${why}`, { key: '--serve' }, 'give ADDR:PORT with a literal address, e.g. 127.0.0.1:9180 or [::1]:9180')],
  });
  if (spec === undefined || spec === '') return { ok: true, value: { addr: DEFAULT_SERVE_ADDR, port: DEFAULT_SERVE_PORT }, diagnostics: [] };
  let addr = DEFAULT_SERVE_ADDR;
  let portText: string;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(spec);
  if (v6) {
    addr = v6[1]!;
    portText = v6[2] ?? String(DEFAULT_SERVE_PORT);
  } else if (/^\d+$/.test(spec)) {
    portText = spec;
  } else {
    const i = spec.lastIndexOf(':');
    if (i < 0) {
      addr = spec;
      portText = String(DEFAULT_SERVE_PORT);
    } else {
      if (spec.indexOf(':') !== i) return bad('an IPv6 address goes in brackets: [ADDR]:PORT');
      addr = i === 0 ? DEFAULT_SERVE_ADDR : spec.slice(0, i);
      portText = spec.slice(i + 1);
    }
  }
  if (isIP(addr) === 0) return bad(`${JSON.stringify(addr)} is not an IP address`);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return bad(`port ${JSON.stringify(portText)} is not 0–65535`);
  return { ok: true, value: { addr, port: Number(portText) }, diagnostics: [] };
}

/** 127.0.0.0/8 and ::1 (and ::ffff:127.x): only this machine can connect. */
export function isLoopback(addr: string): boolean {
  const a = addr.toLowerCase().replace(/^::ffff:/, '');
  return /^127\.\d+\.\d+\.\d+$/.test(a) || a === '::1' || a === '0:0:0:0:0:0:0:1';
}

/**
 * The page shows who holds every VIP and why it moved: on a non-loopback address that is for
 * the people holding the token only. Usage errors (exit 64).
 */
export function checkServeAccess(a: ServeAddress, token: string | undefined): Diagnostic[] {
  if (token !== undefined && token.length < 16) {
    return [error('serve-token-short', '--token is shorter than 16 characters', { key: '--token' }, 'use a random token, e.g. `openssl rand -hex 16`')];
  }
  if (!isLoopback(a.addr) && token === undefined) {
    return [error('serve-token-required', `${a.addr.includes(':') ? `[${a.addr}]` : a.addr}:${a.port} is not a loopback address and no --token was given`, { key: '--serve' },
      'anyone who can reach that address would see the fleet: add --token (or HAFLEET_STATUS_TOKEN), or serve on 127.0.0.1 behind your own proxy')];
  }
  return [];
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * The request's token (header `Authorization: Bearer T`, else `?token=T`) against the expected
 * one, in constant time: both sides are hashed first so neither the content nor the length
 * leaks through timing.
 */
export function tokenMatches(expected: string, authorization: string | undefined, queryToken: string | null): boolean {
  const bearer = authorization !== undefined ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
  const presented = bearer ?? queryToken ?? '';
  const ok = timingSafeEqual(digest(presented), digest(expected));
  return ok && presented.length > 0;
}

/**
 * The CLI's flags → where to listen, checked before any host is contacted: `--serve` alone is
 * `true` (the default address), `--token` else `HAFLEET_STATUS_TOKEN`. Errors are usage errors.
 */
export function serveOptionsFrom(serve: string | true, token: string | undefined, env: NodeJS.ProcessEnv = {}): Result<ServeAddress & { token?: string }> {
  const a = parseServeAddress(serve === true ? undefined : serve);
  if (!a.ok) return a;
  const t = token ?? (env.HAFLEET_STATUS_TOKEN || undefined);
  const access = checkServeAccess(a.value, t);
  if (access.length) return { ok: false, diagnostics: access };
  return { ok: true, value: { ...a.value, ...(t !== undefined ? { token: t } : {}) }, diagnostics: [] };
}

/** Exit code for serveStatus's refusals: the port taken or the address unusable is 1, the rest usage (64). */
export function serveExitCode(ds: readonly Diagnostic[]): 1 | 64 {
  return ds.some((d) => d.code === 'serve-port-in-use' || d.code === 'serve-listen') ? 1 : 64;
}
