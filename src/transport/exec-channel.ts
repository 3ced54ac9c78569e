import type { Client, ClientChannel } from 'ssh2';
import { aborted, timedOut } from './failures.js';
import type { Outcome } from './types.js';

export interface RawExecOutput {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

export interface RawExecOptions {
  stdin?: string | Buffer;
  signal?: AbortSignal;
  timeoutMs?: number;
  onStdout?: (chunk: Buffer) => void;
}

// The login shell's pid is its process group (sshd makes each session a new session), printed
// first on stderr so a timeout or an abort can end the whole group.
const PGID_MARK = 'hafleet-pgid ';
const MARK_LINE = /(?:^|\n)hafleet-pgid (\d+)\n/;

/** stderr without our marker line (only its first occurrence: the command's own output stays). */
export function withoutMarker(stderr: Buffer): Buffer {
  const m = MARK_LINE.exec(stderr.toString('latin1'));
  if (!m) return stderr;
  const start = m.index + (m[0].startsWith('\n') ? 1 : 0);
  return Buffer.concat([stderr.subarray(0, start), stderr.subarray(m.index + m[0].length)]);
}

/**
 * Run one command on an open connection. A timeout or an abort sends SIGTERM to the remote
 * command's process group (scripts can trap it and roll back) and closes the channel; the
 * connection stays usable.
 */
export function execOnChannel(client: Client, host: string, cmd: string, o: RawExecOptions): Promise<Outcome<RawExecOutput>> {
  return new Promise((resolve) => {
    if (o.signal?.aborted) return resolve({ ok: false, failure: aborted(host) });
    let channel: ClientChannel | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let pgid: number | undefined;
    const stop = () => {
      if (!channel) return;
      killRemote(channel);
      channel.close();
      if (pgid !== undefined) {
        // sshd ignores the signal request for root sessions (it needs privilege separation), so
        // also ask a sibling channel to deliver it.
        client.exec(`kill -TERM -- -${pgid} 2>/dev/null`, (err, ch) => {
          if (!err) ch.resume().stderr.resume();
        });
      }
    };
    const onAbort = () => {
      stop();
      settle({ ok: false, failure: aborted(host) });
    };
    const settle = (out: Outcome<RawExecOutput>) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve(out);
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.timeoutMs !== undefined) {
      const ms = o.timeoutMs;
      timer = setTimeout(() => {
        stop();
        settle({ ok: false, failure: timedOut(host, `command`, ms) });
      }, ms);
    }
    try {
      client.exec(`echo "${PGID_MARK}$$" >&2; ${cmd}`, (err, ch) => {
        if (err) {
          return settle({ ok: false, failure: { kind: 'unreachable', host, message: `host ${host}: could not start a command: ${err.message}` } });
        }
        channel = ch;
        if (settled) return stop();
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let code: number | null = null;
        let signalName: string | undefined;
        ch.on('data', (d: Buffer) => {
          out.push(d);
          o.onStdout?.(d);
        });
        // The marker is usually the first stderr line, but a login shell may print before it
        // (Debian's bash reads ~/.bashrc under sshd): look for it until found.
        let seen = 0;
        ch.stderr.on('data', (d: Buffer) => {
          errOut.push(d);
          if (pgid !== undefined || seen > 64 * 1024) return;
          seen += d.length;
          const m = MARK_LINE.exec(Buffer.concat(errOut).toString('latin1'));
          if (m) pgid = Number(m[1]);
        });
        ch.on('exit', (c: number | null, sig?: string) => {
          code = c;
          signalName = sig ?? undefined;
        });
        ch.on('close', () => {
          const stdout = Buffer.concat(out);
          let stderr = withoutMarker(Buffer.concat(errOut));
          if (code === null && signalName === undefined) {
            return settle({ ok: false, failure: { kind: 'unreachable', host, message: `host ${host}: connection lost while a command ran` } });
          }
          if (code === null) stderr = Buffer.concat([stderr, Buffer.from(`killed by signal ${signalName}\n`)]);
          settle({ ok: true, value: { code: code ?? 128, stdout, stderr } });
        });
        if (o.stdin !== undefined) ch.end(o.stdin);
        else ch.end();
      });
    } catch (err) {
      settle({ ok: false, failure: { kind: 'unreachable', host, message: `host ${host}: ${(err as Error).message}` } });
    }
  });
}

/**
 * Send the "signal" channel request (RFC 4254 §6.9). ssh2's channel.signal() is silent once our
 * side sent EOF (stdin ended), which is always the case here, so the request is sent directly.
 * sshd (OpenSSH ≥ 7.9) answers with killpg on the session's process group (non-root users).
 */
function killRemote(channel: ClientChannel): void {
  const ch = channel as unknown as { outgoing?: { id: number; state: string }; _client?: { _protocol?: { signal(id: number, name: string): void } } };
  try {
    if (ch.outgoing && (ch.outgoing.state === 'open' || ch.outgoing.state === 'eof')) ch._client?._protocol?.signal(ch.outgoing.id, 'TERM');
  } catch {
    // The connection may be going away; closing the channel is what remains.
  }
}
