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
}

/**
 * Run one command on an open connection. A timeout or an abort kills the remote command (signal
 * request, honoured by OpenSSH ≥ 7.9) and closes the channel; the connection stays usable.
 */
export function execOnChannel(client: Client, host: string, cmd: string, o: RawExecOptions): Promise<Outcome<RawExecOutput>> {
  return new Promise((resolve) => {
    if (o.signal?.aborted) return resolve({ ok: false, failure: aborted(host) });
    let channel: ClientChannel | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (!channel) return;
      try {
        channel.signal('KILL');
      } catch {
        // The channel may already be closing; close() below is what matters.
      }
      channel.close();
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
      client.exec(cmd, (err, ch) => {
        if (err) {
          return settle({ ok: false, failure: { kind: 'unreachable', host, message: `host ${host}: could not start a command: ${err.message}` } });
        }
        channel = ch;
        if (settled) return stop();
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let code: number | null = null;
        let signalName: string | undefined;
        ch.on('data', (d: Buffer) => out.push(d));
        ch.stderr.on('data', (d: Buffer) => errOut.push(d));
        ch.on('exit', (c: number | null, sig?: string) => {
          code = c;
          signalName = sig ?? undefined;
        });
        ch.on('close', () => {
          const stdout = Buffer.concat(out);
          let stderr = Buffer.concat(errOut);
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
