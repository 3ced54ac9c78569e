import { userInfo } from 'node:os';
import { connectionOf, type Connection, type Inventory } from '../inventory/index.js';
import { expandTilde, loadUserSshConfig, resolveSshHost, type SshConfig } from './ssh-config.js';
import type { HostRef } from './types.js';

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

/**
 * A HostRef from a host's connection variables. As with Ansible's ssh connection, what the
 * inventory says wins; ~/.ssh/config fills User and Port it leaves open (HostName, IdentityFile
 * and ProxyJump are applied when dialling), then the local user name.
 */
export function hostRefFromConnection(name: string, c: Connection, sshConfig: SshConfig): HostRef {
  const rc = resolveSshHost(sshConfig, c.host);
  return {
    name,
    address: c.host,
    port: c.port === 22 && rc.port ? rc.port : c.port,
    user: c.user ?? rc.user ?? localUser(),
    ...(c.privateKeyFile ? { privateKeyFile: expandTilde(c.privateKeyFile) } : {}),
    become: c.become,
    becomeUser: c.becomeUser,
    ...(c.knownHostsFile ? { knownHostsFile: c.knownHostsFile } : {}),
    ...(c.proxyJump ? { proxyJump: c.proxyJump } : {}),
    ...(c.connectTimeoutSec ? { connectTimeoutSec: c.connectTimeoutSec } : {}),
  };
}

/** The HostRef of an inventory host (ssh config read once per process unless given). */
export function hostRefOf(inv: Inventory, host: string, sshConfig: SshConfig = cachedUserConfig()): HostRef {
  return hostRefFromConnection(host, connectionOf(inv, host), sshConfig);
}

let userConfig: SshConfig | undefined;
function cachedUserConfig(): SshConfig {
  userConfig ??= loadUserSshConfig();
  return userConfig;
}
