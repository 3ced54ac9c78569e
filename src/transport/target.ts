import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KnownHostsSources } from './host-key-policy.js';
import { expandTilde, resolveSshHost, type SshConfig } from './ssh-config.js';
import type { HostRef } from './types.js';
import { localUserName } from './local-user.js';

/** Everything needed to dial one SSH hop, resolved from a HostRef and ~/.ssh/config. */
export interface ConnectTarget {
  /** Inventory name, used in every message and failure. */
  host: string;
  /** How messages name this hop when it is not the host itself: `jump host bastion`. */
  label?: string;
  address: string;
  port: number;
  user: string;
  /** Key files named by the inventory or ssh config, in the order to try them. */
  keyFiles: string[];
  /** No key was named: try ~/.ssh/id_ed25519, id_ecdsa, id_rsa after the agent, as ssh does. */
  useDefaultKeys: boolean;
  /** ssh config IdentitiesOnly yes: do not offer agent keys beside the named files. */
  identitiesOnly: boolean;
  knownHosts: KnownHostsSources;
  /** This hop's handshake deadline when the inventory sets one (ansible_ssh_timeout), ms. */
  readyTimeoutMs?: number;
}

export const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** `[user@]host[:port]`, `ssh://user@host:port`, `[v6]:port`. */
export function parseJumpSpec(spec: string): { user?: string; host: string; port?: number } {
  let s = spec.trim().replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
  }
  let host = s;
  let port: number | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  const v4 = /^([^:]+):(\d+)$/.exec(s);
  if (v6) {
    host = v6[1]!;
    if (v6[2]) port = Number(v6[2]);
  } else if (v4) {
    host = v4[1]!;
    port = Number(v4[2]);
  }
  return { ...(user ? { user } : {}), host, ...(port ? { port } : {}) };
}

function knownHostsSources(cfgFiles: string[] | undefined, inventoryFile: string | undefined): KnownHostsSources {
  const sshDir = join(homedir(), '.ssh');
  const userFiles = cfgFiles ?? [join(sshDir, 'known_hosts'), join(sshDir, 'known_hosts2')];
  return {
    files: [...(inventoryFile ? [inventoryFile] : []), ...userFiles, '/etc/ssh/ssh_known_hosts'],
    recordFile: inventoryFile ?? userFiles[0]!,
  };
}

/**
 * Why a host must not be dialled: its ~/.ssh/config ProxyCommand is not a jump we can make
 * (see proxy-command.ts). Dialling it directly instead would bypass the proxy the operator
 * set up, so the host fails with this message. A jump from the inventory wins over ssh config.
 */
export function proxyRefusal(ref: HostRef, cfg: SshConfig, localUser = localUserName()): string | undefined {
  if (ref.proxyJump) return undefined;
  return resolveSshHost(cfg, ref.address, localUser).proxyRefused;
}

/** The hops to dial for a host: jump hosts first (ssh -J order), the host itself last. */
export function resolveHops(ref: HostRef, cfg: SshConfig, localUser = localUserName()): ConnectTarget[] {
  const rc = resolveSshHost(cfg, ref.address, localUser);
  const named = [ref.privateKeyFile, ...rc.identityFiles].filter((f): f is string => !!f).map(expandTilde);
  const self: ConnectTarget = {
    host: ref.name,
    address: rc.hostName ?? ref.address,
    // The inventory's port wins unless it is the default and ssh config names another.
    port: ref.port === 22 && rc.port ? rc.port : ref.port,
    user: ref.user,
    keyFiles: [...new Set(named)],
    useDefaultKeys: named.length === 0,
    identitiesOnly: rc.identitiesOnly,
    knownHosts: knownHostsSources(rc.userKnownHostsFiles, ref.knownHostsFile),
    ...(ref.connectTimeoutSec ? { readyTimeoutMs: ref.connectTimeoutSec * 1000 } : {}),
  };
  const jumpSpec = ref.proxyJump ?? rc.proxyJump;
  if (!jumpSpec) return [self];
  const jumps = jumpSpec.split(',').map((spec): ConnectTarget => {
    const j = parseJumpSpec(spec);
    const jc = resolveSshHost(cfg, j.host, localUser);
    const files = jc.identityFiles.map(expandTilde);
    return {
      host: ref.name,
      label: `jump host ${j.host} (for ${ref.name})`,
      address: jc.hostName ?? j.host,
      port: j.port ?? jc.port ?? 22,
      user: j.user ?? jc.user ?? localUser,
      keyFiles: files.length ? files : self.keyFiles,
      useDefaultKeys: files.length === 0 && self.useDefaultKeys,
      identitiesOnly: jc.identitiesOnly,
      knownHosts: knownHostsSources(jc.userKnownHostsFiles, ref.knownHostsFile),
    };
  });
  return [...jumps, self];
}
