import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AuthenticationType, AuthHandlerMiddleware, Client as ClientT, ConnectConfig } from 'ssh2';
import { failureOfConnectError } from './failures.js';
import { decideHostKey, preferredHostKeyAlgorithms, type HostKeyDecision } from './host-key-policy.js';
import { DEFAULT_KEY_FILES, type ConnectTarget } from './target.js';
import type { Outcome } from './types.js';

const { Client, utils } = ssh2;

export interface ConnectSettings {
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  acceptNewHostKeys: boolean;
  /** ssh-agent socket (SSH_AUTH_SOCK); undefined: no agent. */
  agentSocket?: string;
  /** Told when accept-new recorded a key (the CLI prints it; it is not a secret). */
  onHostKeyRecorded?: (host: string, file: string, fingerprint: string) => void;
}

// ssh2's own list of host key algorithms, newest first.
const SUPPORTED_HOST_KEY_ALGOS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

type AuthMethod = { label: string; method: Record<string, unknown> & { type: AuthenticationType } };

/**
 * Authentication in the order a user expects: the key files the inventory or ssh config names,
 * then ssh-agent, then ssh's default key files (only when no file was named). Encrypted key
 * files cannot be used without a passphrase: they are skipped (load them into ssh-agent).
 */
export function authMethods(t: ConnectTarget, agentSocket: string | undefined, readKey: (f: string) => Buffer | null = readKeyFile): { methods: AuthMethod[]; skipped: string[] } {
  const methods: AuthMethod[] = [];
  const skipped: string[] = [];
  const addKey = (file: string, quietIfMissing: boolean) => {
    const data = readKey(file);
    if (!data) {
      if (!quietIfMissing) skipped.push(`${file} (unreadable)`);
      return;
    }
    const parsed = utils.parseKey(data);
    if (parsed instanceof Error) {
      skipped.push(`${file} (${/encrypt|passphrase/i.test(parsed.message) ? 'encrypted: add it to ssh-agent' : 'not a private key'})`);
      return;
    }
    methods.push({ label: `key ${file}`, method: { type: 'publickey', username: t.user, key: data } });
  };
  for (const f of t.keyFiles) addKey(f, false);
  if (agentSocket && !(t.identitiesOnly && t.keyFiles.length > 0)) {
    methods.push({ label: 'ssh-agent', method: { type: 'agent', username: t.user, agent: agentSocket } });
  }
  if (t.useDefaultKeys) for (const f of DEFAULT_KEY_FILES) addKey(join(homedir(), '.ssh', f), true);
  return { methods, skipped };
}

function readKeyFile(f: string): Buffer | null {
  try {
    return readFileSync(f);
  } catch {
    return null;
  }
}

function whereOf(t: ConnectTarget): string {
  return `${t.label ?? 'host ' + t.host} (${t.user}@${t.address}${t.port === 22 ? '' : ':' + t.port})`;
}

/**
 * Open and authenticate one SSH connection. The host key is decided inside the key exchange,
 * before any authentication packet is sent; a refused key ends the handshake there.
 */
export function connect(t: ConnectTarget, s: ConnectSettings, sock?: Duplex): Promise<Outcome<ClientT>> {
  const { methods, skipped } = authMethods(t, s.agentSocket);
  const tried: string[] = [];
  let keyDecision: HostKeyDecision | undefined;
  return new Promise((resolve) => {
    const client = new Client();
    let settled = false;
    const settle = (o: Outcome<ClientT>) => {
      if (settled) return;
      settled = true;
      if (!o.ok) client.end();
      resolve(o);
    };
    let next = 0;
    const authHandler: AuthHandlerMiddleware = () => {
      const m = methods[next++];
      if (!m) return false;
      tried.push(m.label);
      return m.method as never;
    };
    const cfg: ConnectConfig = {
      host: t.address,
      port: t.port,
      username: t.user,
      readyTimeout: t.readyTimeoutMs ?? s.readyTimeoutMs,
      keepaliveInterval: s.keepaliveIntervalMs,
      keepaliveCountMax: s.keepaliveCountMax,
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(t, t.knownHosts, SUPPORTED_HOST_KEY_ALGOS) as never },
      hostVerifier: (key: Buffer) => {
        keyDecision = decideHostKey(t, key, t.knownHosts, s.acceptNewHostKeys);
        if (keyDecision.ok && keyDecision.recorded) s.onHostKeyRecorded?.(t.host, keyDecision.recorded.file, keyDecision.recorded.fingerprint);
        return keyDecision.ok;
      },
      authHandler,
      ...(sock ? { sock: sock as never } : {}),
    };
    // Small request packets (channel open, exec, EOF) must not wait on Nagle + delayed ACK.
    client.once('connect', () => client.setNoDelay(true));
    client.once('ready', () => settle({ ok: true, value: client }));
    client.on('error', (err) => {
      if (keyDecision && !keyDecision.ok) return settle(keyDecision);
      const all = skipped.length ? [...tried, ...skipped.map((x) => `skipped ${x}`)] : tried;
      settle({ ok: false, failure: failureOfConnectError(t.host, whereOf(t), err, all) });
    });
    client.once('close', () => {
      if (keyDecision && !keyDecision.ok) return settle(keyDecision);
      settle({ ok: false, failure: { kind: 'unreachable', host: t.host, message: `${whereOf(t)}: connection closed during the SSH handshake` } });
    });
    try {
      client.connect(cfg);
    } catch (err) {
      settle({ ok: false, failure: failureOfConnectError(t.host, whereOf(t), err, tried) });
    }
  });
}
