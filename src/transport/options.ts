import type { SshConfig } from './ssh-config.js';

/** How createSshTransport dials and authenticates. Every field has a default a user expects. */
export interface SshTransportOptions {
  /** Record unknown host keys instead of refusing (ssh's StrictHostKeyChecking=accept-new). */
  acceptNewHostKeys?: boolean;
  /** TCP connect + SSH handshake + authentication. Default 10 000. */
  connectTimeoutMs?: number;
  /** SSH-level keepalive; a host silent for interval × countMax is dropped. Default 15 000 × 3. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Per-command timeout when the caller gives none. Default: none. */
  commandTimeoutMs?: number;
  /** Parsed ssh config; default ~/.ssh/config (with its Includes). */
  sshConfig?: SshConfig;
  /** ssh-agent socket (the CLI passes $SSH_AUTH_SOCK); absent or null: no agent. */
  agentSocket?: string | null;
  /** sudo password for become (the CLI passes $HAFLEET_BECOME_PASS). Never logged. */
  becomePassword?: string;
  /** The user to log in as when neither the HostRef nor ssh config names one (jump hosts); default this process's user. */
  localUser?: string;
  /** Asked once per transport when sudo wants a password and none was given. */
  promptBecomePassword?: (host: string) => Promise<string | undefined>;
  /** Told when accept-new recorded a host key. */
  onHostKeyRecorded?: (host: string, file: string, fingerprint: string) => void;
}
