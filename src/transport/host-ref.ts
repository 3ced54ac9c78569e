import { expandTilde, resolveSshHost, type SshConfig } from './ssh-config.js';
import type { HostRef } from './types.js';

/**
 * How to reach one host, in the inventory's words but not its types: transport knows nothing of
 * inventories (the fleet layer reads a host's variables into this).
 */
export interface Connection {
  /** ansible_host, else the inventory name. */
  host: string;
  port: number;
  user?: string;
  privateKeyFile?: string;
  become: boolean;
  becomeUser: string;
  knownHostsFile?: string;
  proxyJump?: string;
  connectTimeoutSec?: number;
}

/**
 * A HostRef from a host's connection settings. As with Ansible's ssh connection, what the
 * inventory says wins; ~/.ssh/config fills User and Port it leaves open (HostName, IdentityFile
 * and ProxyJump are applied when dialling), then `localUser`.
 */
export function hostRefFromConnection(name: string, c: Connection, sshConfig: SshConfig, localUser: string): HostRef {
  const rc = resolveSshHost(sshConfig, c.host, localUser);
  return {
    name,
    address: c.host,
    port: c.port === 22 && rc.port ? rc.port : c.port,
    user: c.user ?? rc.user ?? localUser,
    ...(c.privateKeyFile ? { privateKeyFile: expandTilde(c.privateKeyFile) } : {}),
    become: c.become,
    becomeUser: c.becomeUser,
    ...(c.knownHostsFile ? { knownHostsFile: c.knownHostsFile } : {}),
    ...(c.proxyJump ? { proxyJump: c.proxyJump } : {}),
    ...(c.connectTimeoutSec ? { connectTimeoutSec: c.connectTimeoutSec } : {}),
  };
}
