/**
 * Inventory: Ansible inventories (YAML, INI, directories, group_vars/, host_vars/) read into one
 * value with Ansible's variable precedence, plus host patterns and the ansible-inventory views.
 * Pure once the files are read.
 */
export type { Connection, ConnectionDefaults, Group, Host, Inventory, VarValue, Vars } from './types.js';
/**
 * Read an inventory file or directory; see PRECEDENCE.md for how variables merge. In the value,
 * `Host.groups` is `all` followed by the host's groups in precedence order (lowest first), and
 * variable maps are frozen and shared between hosts: copy before changing anything.
 */
export { loadInventory, type LoadOptions } from './load.js';
/** Connection settings (`ansible_host`, `ansible_port`, …) of one host. */
export { connectionOf, proxyJumpOf, bool as ansibleBoolean } from './connection.js';
/** Ansible host patterns: `web:&prod:!web3`, `~lb\d`, `web[0:2]`, `@retry`. */
export { selectHosts } from './patterns.js';
/** `ansible-inventory --list`, `--graph` and `--host` views. */
export { toAnsibleList, toGraph, hostVars } from './views.js';
/** Secret-aware printing of variables. */
export { maskSecrets, isSecretKey, MASK } from './secrets.js';
/** Expand `web[01:10]`-style host ranges (with an optional `:port`). */
export { expandHostPattern } from './host-range.js';
