import type { Where } from '../diagnostics/index.js';

/** A variable value as merged from YAML/INI: plain JSON-like data. */
export type VarValue = null | boolean | number | string | VarValue[] | { [k: string]: VarValue };
export type Vars = Record<string, VarValue>;

export interface Host {
  name: string;
  /** Merged variables with Ansible's precedence (see README "Variable precedence"). */
  vars: Vars;
  /** Groups the host belongs to, directly or through children; `all` included. */
  groups: string[];
  /** Where the host was first declared. */
  where: Where;
}

export interface Group {
  name: string;
  /** Hosts declared directly in this group (not through children), in declaration order. */
  hosts: string[];
  children: string[];
  vars: Vars;
  where: Where;
}

/** Connection settings a host's variables ask for (Ansible's `ansible_*` names). */
export interface Connection {
  host: string;          // ansible_host, default the inventory name
  port: number;          // ansible_port, default 22
  user?: string;         // ansible_user
  privateKeyFile?: string; // ansible_ssh_private_key_file
  become: boolean;       // ansible_become
  becomeUser: string;    // ansible_become_user, default root
  becomeMethod: string;  // ansible_become_method, only sudo is supported
  /** ansible_ssh_common_args / hafleet_known_hosts etc. are read by transport from vars. */
  knownHostsFile?: string; // hafleet_known_hosts (path, relative to the inventory dir)
  proxyJump?: string;      // from ansible_ssh_common_args -J/ProxyJump, or hafleet_proxy_jump
  connectTimeoutSec?: number; // ansible_ssh_timeout (ansible.cfg's timeout applies transport-wide)
}

/**
 * What ansible.cfg / ANSIBLE_* say about connections: used for a host only where its own
 * variables say nothing, as Ansible's config sits below host variables.
 */
export interface ConnectionDefaults {
  user?: string;           // remote_user
  port?: number;           // remote_port
  privateKeyFile?: string; // private_key_file (absolute)
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  /** ProxyJump from [ssh_connection] ssh_args. */
  proxyJump?: string;
}

export interface Inventory {
  /** The inventory path given by the user (file or directory). */
  path: string;
  /** Set by the CLI from ansible.cfg; connectionOf falls back to it. */
  connectionDefaults?: ConnectionDefaults;
  /** Every source, in reading order, when there are several (-i given more than once, ansible.cfg's list). */
  sources?: string[];
  /** The directory group_vars/, host_vars/ and templates/ are looked up in (the first source's). */
  dir: string;
  /** Hosts in declaration order. */
  hosts: Map<string, Host>;
  groups: Map<string, Group>;
  /**
   * Where a variable of a host came from, down to nested keys:
   * `whereOf('lb1', ['hafleet_clusters', 0, 'vrrp', 'auth_pass'])` → file:line:col of that key.
   * Falls back to the nearest known ancestor.
   */
  whereOf(host: string, path: readonly (string | number)[]): Where;
}
