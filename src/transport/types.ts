/** The only door to remote hosts. Implemented over ssh2 in this module; unit tests pass fakes. */

export interface HostRef {
  /** Inventory name, used in every message. */
  name: string;
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  /** Run privileged commands through `sudo -n` (or with a sudo password from the environment). */
  become: boolean;
  becomeUser: string;
  /** Extra known_hosts file named by the inventory (beside ~/.ssh/known_hosts). */
  knownHostsFile?: string;
  /** `user@host:port` of a jump host, as ssh -J. */
  proxyJump?: string;
  /** Seconds to wait for this host's SSH handshake (ansible_ssh_timeout); else the transport's. */
  connectTimeoutSec?: number;
}

export interface ExecOptions {
  signal?: AbortSignal;
  /** Bytes fed to the command's stdin. */
  stdin?: string | Buffer;
  timeoutMs?: number;
  /**
   * Each piece of stdout as it comes, for a long-lived command whose first lines matter before
   * it ends (the result still holds all of it). A transport may not call it: callers keep a
   * way to learn the same without it.
   */
  onStdout?: (chunk: Buffer) => void;
  /** Run through become (sudo) when the host asks for it. Default true. */
  privileged?: boolean;
}

export interface ExecOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Why a host could not be used: a value, not an exception. */
export type TransportFailure =
  | { kind: 'unreachable'; host: string; message: string }
  | { kind: 'auth'; host: string; message: string; hint: string }
  | { kind: 'host-key-unknown'; host: string; fingerprint: string; message: string; hint: string }
  | { kind: 'host-key-changed'; host: string; expected: string; got: string; message: string; hint: string }
  | { kind: 'timeout'; host: string; message: string }
  | { kind: 'aborted'; host: string; message: string }
  /** The host answered but the step failed there (SFTP permission denied, unreadable facts). */
  | { kind: 'remote-error'; host: string; message: string; hint?: string };

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: TransportFailure };

export interface PutOptions {
  /** Octal string: `0644`. */
  mode: string;
  signal?: AbortSignal;
}

export interface Transport {
  exec(host: HostRef, cmd: string, o?: ExecOptions): Promise<Outcome<ExecOutput>>;
  /** Write `content` to `path` (any path; apply chooses temporary names). Privileged via become. */
  put(host: HostRef, path: string, content: string | Buffer, o: PutOptions): Promise<Outcome<void>>;
  get(host: HostRef, path: string, o?: { signal?: AbortSignal }): Promise<Outcome<Buffer | null>>;
  /** Close every pooled connection. */
  close(): Promise<void>;
}
