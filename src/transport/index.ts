/**
 * Transport: the only door to remote hosts, over ssh2 (the only module that imports it). One
 * pooled connection per host; host keys checked against known_hosts before authentication;
 * become through sudo. See README.md beside this file.
 */
export type { HostRef, ExecOptions, ExecOutput, TransportFailure, Outcome, PutOptions, Transport } from './types.js';
export type { SshTransportOptions } from './options.js';
/** The Transport over ssh2. */
export { createSshTransport } from './ssh-transport.js';
/** A HostRef from a host's connection settings (then ~/.ssh/config, then the local user). */
export { hostRefFromConnection, type Connection } from './host-ref.js';
/** The user ssh logs in as when nothing names one. */
export { localUserName } from './local-user.js';
/** ~/.ssh/config: parse and resolve a host as ssh would. */
export { parseSshConfig, resolveSshHost, loadUserSshConfig, type SshConfig, type ResolvedSshHost } from './ssh-config.js';
/** known_hosts: parse, match (hashed entries included) and judge a presented key. */
export { parseKnownHosts, checkHostKey, knownHostsName, hashHostName, type KnownHostsEntry, type HostKeyVerdict } from './known-hosts.js';
/** `SHA256:…` fingerprints as OpenSSH prints them. */
export { fingerprintOf, keyTypeOf } from './fingerprint.js';
/** POSIX sh quoting, for callers building remote commands. */
export { shellQuote } from './become.js';
