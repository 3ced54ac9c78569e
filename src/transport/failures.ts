import type { TransportFailure } from './types.js';

/** What kind of ssh2/socket error this is, as a failure value naming the host. */
export function failureOfConnectError(host: string, where: string, err: unknown, tried: readonly string[]): TransportFailure {
  const e = err as { code?: string; level?: string; message?: string };
  const msg = e?.message ?? String(err);
  const code = e?.code;
  if (e?.level === 'client-authentication') {
    return {
      kind: 'auth', host,
      message: `${where}: authentication failed (tried ${tried.length ? tried.join(', ') : 'nothing: no key and no ssh-agent'})`,
      hint: 'check ansible_user and ansible_ssh_private_key_file, or load the key into ssh-agent (ssh-add)',
    };
  }
  if (e?.level === 'client-timeout') {
    return { kind: 'unreachable', host, message: `${where}: no SSH handshake in time (${msg})` };
  }
  const netCodes: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is sshd running?)',
    EHOSTUNREACH: 'no route to host',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'name does not resolve',
    EAI_AGAIN: 'name does not resolve (temporary)',
    EPIPE: 'connection closed',
  };
  if (code && netCodes[code]) return { kind: 'unreachable', host, message: `${where}: ${netCodes[code]}` };
  return { kind: 'unreachable', host, message: `${where}: ${msg}` };
}

export function aborted(host: string): TransportFailure {
  return { kind: 'aborted', host, message: `host ${host}: aborted` };
}

export function timedOut(host: string, what: string, ms: number): TransportFailure {
  return { kind: 'timeout', host, message: `host ${host}: ${what} did not finish within ${ms} ms` };
}

/**
 * A failure seen by another inventory host: hosts that share an endpoint (same user, address and
 * port) share one pooled connection, so its failure first names whichever host dialled. Each
 * host's message must name that host, or an operator goes looking at the wrong machine.
 */
export function failureFor(f: TransportFailure, host: string): TransportFailure {
  if (f.host === host) return f;
  const own = `host ${f.host} (`;
  const message = f.message.startsWith(own) ? `host ${host} (${f.message.slice(own.length)}` : `host ${host}: ${f.message}`;
  return { ...f, host, message };
}
