/**
 * Transport: the only door to remote hosts, over ssh2 (the only module that imports it). One
 * pooled connection per host; host keys checked against known_hosts before authentication;
 * become through sudo. See README.md beside this file. It knows no inventory and reads no
 * environment: callers give it a `Connection` or a `HostRef`, and the CLI passes $SSH_AUTH_SOCK
 * and the local user in. This face is what other parts use; transport's own tests import the
 * inner files.
 */
export type { HostRef, ExecOptions, ExecOutput, TransportFailure, Outcome, PutOptions, Transport } from './types.js';
/** The Transport over ssh2. */
export { createSshTransport } from './ssh-transport.js';
/** A HostRef from a host's connection settings (then ~/.ssh/config, then the local user). */
export { hostRefFromConnection, type Connection } from './host-ref.js';
/** The user ssh logs in as when nothing names one. */
export { localUserName } from './local-user.js';
/** ~/.ssh/config, read and parsed as ssh does. */
export { parseSshConfig, loadUserSshConfig, type SshConfig } from './ssh-config.js';
/** `SHA256:…` fingerprints as OpenSSH prints them. */
export { fingerprintOf } from './fingerprint.js';
/** POSIX sh quoting, for callers building remote commands. */
export { shellQuote } from './become.js';
