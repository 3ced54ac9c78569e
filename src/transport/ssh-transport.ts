import { setMaxListeners } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';
import { needsSudo, shellQuote, sudoCommand, sudoWantsPassword, SUDO_PASSWORD_REJECTED } from './become.js';
import { execOnChannel, type RawExecOptions, type RawExecOutput } from './exec-channel.js';
import { aborted, failureFor } from './failures.js';
import type { SshTransportOptions } from './options.js';
import { ConnectionPool, type PooledConnection } from './pool.js';
import { sftpGet, sftpPut, sftpUnlink } from './sftp-files.js';
import { loadUserSshConfig } from './ssh-config.js';
import { localUserName } from './local-user.js';
import { proxyRefusal, resolveHops } from './target.js';
import type { ExecOptions, ExecOutput, HostRef, Outcome, PutOptions, Transport } from './types.js';

// Exit code of the privileged read wrapper when the file does not exist.
const GET_MISSING = 3;

/**
 * One command's signal is shared by every host's exec at once (up to --forks, each with its own
 * listener, removed when done): more than Node's default 10 is expected, not a leak.
 */
function shared(signal: AbortSignal): AbortSignal {
  setMaxListeners(0, signal);
  return signal;
}

function withSignal<T>(p: Promise<Outcome<T>>, host: string, signal?: AbortSignal): Promise<Outcome<T>> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve({ ok: false, failure: aborted(host) });
  shared(signal);
  return new Promise((resolve) => {
    const onAbort = () => resolve({ ok: false, failure: aborted(host) });
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((v) => {
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    });
  });
}

/**
 * An SFTP step failed: the host said no (an SFTP status code: remote-error), or the connection
 * went away under it (no status: unreachable).
 */
function sftpFailure(conn: PooledConnection, host: string, what: string, err: unknown): Outcome<never> {
  if (conn.closed || typeof (err as { code?: unknown })?.code !== 'number') return { ok: false, failure: { kind: 'unreachable', host, message: `host ${host}: connection lost: ${what}` } };
  return remoteError(host, what, err);
}

function remoteError(host: string, what: string, err: unknown): Outcome<never> {
  return { ok: false, failure: { kind: 'remote-error', host, message: `host ${host}: ${what}: ${(err as Error)?.message ?? String(err)}` } };
}

/**
 * The Transport over ssh2: one pooled connection per host for every exec, put and get.
 * See README.md beside this file for the authentication order, host key policy and become.
 */
export function createSshTransport(opts: SshTransportOptions = {}): Transport {
  const sshConfig = opts.sshConfig ?? loadUserSshConfig();
  const agent = opts.agentSocket ?? undefined;
  const localUser = opts.localUser ?? localUserName();
  const pool = new ConnectionPool({
    readyTimeoutMs: opts.connectTimeoutMs ?? 10_000,
    keepaliveIntervalMs: opts.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: opts.keepaliveCountMax ?? 3,
    acceptNewHostKeys: opts.acceptNewHostKeys ?? false,
    ...(agent ? { agentSocket: agent } : {}),
    ...(opts.onHostKeyRecorded ? { onHostKeyRecorded: opts.onHostKeyRecorded } : {}),
  });
  // The caller reads $HAFLEET_BECOME_PASS (cli/transport.ts): the transport sees no environment.
  let password: string | undefined = opts.becomePassword || undefined;
  let prompted: Promise<string | undefined> | undefined;

  const connection = (host: HostRef, signal?: AbortSignal): Promise<Outcome<PooledConnection>> => {
    const refused = proxyRefusal(host, sshConfig, localUser);
    if (refused) return Promise.resolve({ ok: false, failure: { kind: 'remote-error', host: host.name, message: `host ${host.name}: ${refused}`, hint: 'use ProxyJump (or -J) for a bastion, or ProxyCommand ssh -W %h:%p <bastion>' } });
    return withSignal(pool.get(resolveHops(host, sshConfig, localUser)), host.name, signal).then((o) => (o.ok ? o : { ok: false, failure: failureFor(o.failure, host.name) }));
  };

  async function run(conn: PooledConnection, host: HostRef, cmd: string, o: RawExecOptions): Promise<Outcome<RawExecOutput>> {
    const release = await conn.slots.acquire();
    try {
      return await execOnChannel(conn.client, host.name, cmd, o);
    } finally {
      release();
    }
  }

  /** Run `cmd` as the become user when the host asks for it; sudo's refusals become `auth`. */
  async function runPrivileged(conn: PooledConnection, host: HostRef, cmd: string, o: RawExecOptions): Promise<Outcome<RawExecOutput>> {
    const viaSudo = (pw: string | undefined) => {
      const stdin = pw === undefined ? o.stdin : Buffer.concat([Buffer.from(pw + '\n'), Buffer.from(o.stdin ?? '')]);
      return run(conn, host, sudoCommand(cmd, host.becomeUser, pw !== undefined), { ...o, ...(stdin !== undefined ? { stdin } : {}) });
    };
    let r = await viaSudo(password);
    if (r.ok && password === undefined && opts.promptBecomePassword && sudoWantsPassword(r.value.stderr.toString())) {
      prompted ??= opts.promptBecomePassword(host.name);
      const pw = await prompted;
      if (pw !== undefined) {
        password = pw;
        r = await viaSudo(pw);
      }
    }
    if (!r.ok) return r;
    const stderr = r.value.stderr.toString();
    if (r.value.code === SUDO_PASSWORD_REJECTED && stderr.includes('hafleet: sudo rejected the become password')) {
      return { ok: false, failure: { kind: 'auth', host: host.name, message: `host ${host.name}: sudo rejected the become password for ${host.user}`, hint: 'check HAFLEET_BECOME_PASS' } };
    }
    if (r.value.code === 1 && sudoWantsPassword(stderr)) {
      return { ok: false, failure: { kind: 'auth', host: host.name, message: `host ${host.name}: sudo needs a password for ${host.user}`, hint: `set HAFLEET_BECOME_PASS, or allow ${host.user} NOPASSWD in sudoers` } };
    }
    return r;
  }

  async function execRaw(host: HostRef, cmd: string, o: ExecOptions & { privileged: boolean }): Promise<Outcome<RawExecOutput>> {
    const conn = await connection(host, o.signal);
    if (!conn.ok) return conn;
    const timeoutMs = o.timeoutMs ?? opts.commandTimeoutMs;
    const raw: RawExecOptions = {
      ...(o.stdin !== undefined ? { stdin: o.stdin } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(o.onStdout ? { onStdout: o.onStdout } : {}),
    };
    return o.privileged && needsSudo(host) ? runPrivileged(conn.value, host, cmd, raw) : run(conn.value, host, cmd, raw);
  }

  function sftpOf(conn: PooledConnection, host: string): Promise<Outcome<SFTPWrapper>> {
    conn.sftp ??= conn.slots.acquire().then(
      (release) =>
        new Promise<Outcome<SFTPWrapper>>((resolve) => {
          conn.client.sftp((err, sftp) => {
            if (err) {
              release();
              conn.sftp = undefined;
              return resolve(remoteError(host, 'could not start SFTP', err));
            }
            sftp.once('close', () => {
              release();
              conn.sftp = undefined;
            });
            resolve({ ok: true, value: sftp });
          });
        }),
    );
    return conn.sftp;
  }

  return {
    async exec(host, cmd, o = {}) {
      const r = await execRaw(host, cmd, { ...o, privileged: o.privileged ?? true });
      if (!r.ok) return r;
      const out: ExecOutput = { code: r.value.code, stdout: r.value.stdout.toString('utf8'), stderr: r.value.stderr.toString('utf8') };
      return { ok: true, value: out };
    },

    async put(host, path, content, o: PutOptions) {
      if (!/^0?[0-7]{3,4}$/.test(o.mode)) throw new Error(`put ${path}: mode must be an octal string, got ${o.mode}`);
      const mode = parseInt(o.mode, 8);
      const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
      const conn = await connection(host, o.signal);
      if (!conn.ok) return conn;
      const sftp = await withSignal(sftpOf(conn.value, host.name), host.name, o.signal);
      if (!sftp.ok) return sftp;
      if (!needsSudo(host)) {
        try {
          await sftpPut(sftp.value, path, data, mode);
          return { ok: true, value: undefined };
        } catch (err) {
          return sftpFailure(conn.value, host.name, `could not write ${path}`, err);
        }
      }
      // SFTP runs as the login user: write a private temporary file, then install it as root.
      const tmp = `/tmp/.hafleet-put-${randomBytes(8).toString('hex')}`;
      try {
        await sftpPut(sftp.value, tmp, data, 0o600);
      } catch (err) {
        return sftpFailure(conn.value, host.name, `could not write ${tmp}`, err);
      }
      const cmd = `install -m ${o.mode} -- ${shellQuote(tmp)} ${shellQuote(path)}; rc=$?; rm -f -- ${shellQuote(tmp)}; exit $rc`;
      const r = await execRaw(host, cmd, { privileged: true, ...(o.signal ? { signal: o.signal } : {}) });
      if (!r.ok || r.value.code !== 0) await sftpUnlink(sftp.value, tmp);
      if (!r.ok) return r;
      if (r.value.code !== 0) return remoteError(host.name, `could not install ${path}`, new Error(r.value.stderr.toString().trim()));
      return { ok: true, value: undefined };
    },

    async get(host, path, o = {}) {
      if (needsSudo(host)) {
        const cmd = `if [ -e ${shellQuote(path)} ]; then cat -- ${shellQuote(path)}; else exit ${GET_MISSING}; fi`;
        const r = await execRaw(host, cmd, { privileged: true, ...(o.signal ? { signal: o.signal } : {}) });
        if (!r.ok) return r;
        if (r.value.code === GET_MISSING) return { ok: true, value: null };
        if (r.value.code !== 0) return remoteError(host.name, `could not read ${path}`, new Error(r.value.stderr.toString().trim()));
        return { ok: true, value: r.value.stdout };
      }
      const conn = await connection(host, o.signal);
      if (!conn.ok) return conn;
      const sftp = await withSignal(sftpOf(conn.value, host.name), host.name, o.signal);
      if (!sftp.ok) return sftp;
      try {
        return { ok: true, value: await withAbort(sftpGet(sftp.value, path), o.signal) };
      } catch (err) {
        if (o.signal?.aborted) return { ok: false, failure: aborted(host.name) };
        return sftpFailure(conn.value, host.name, `could not read ${path}`, err);
      }
    },

    close: () => pool.closeAll(),
  };
}

function withAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  // The listener goes when the step ends: kept, every put and get of a deploy would add one.
  let onAbort = () => undefined as void;
  const stopped = new Promise<T>((_, reject) => {
    onAbort = () => reject(new Error('aborted'));
    shared(signal).addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([p, stopped]).finally(() => signal.removeEventListener('abort', onAbort));
}
