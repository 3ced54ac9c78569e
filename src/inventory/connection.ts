import { isAbsolute, resolve } from 'node:path';
import { shlexSplit } from './ini-shlex.js';
import type { Connection, Inventory, VarValue, Vars } from './types.js';

/**
 * The SSH connection a host's variables ask for. Where Ansible has an old alias
 * (`ansible_ssh_host`, `ansible_ssh_port`, `ansible_ssh_user`), the alias wins when both are set,
 * because Ansible's config manager takes the last defined name of an option's `vars` list and
 * lists the alias last. What a host leaves unset comes from ansible.cfg (`inv.connectionDefaults`),
 * then Ansible's defaults. An unknown host gets the defaults for its name.
 */
export function connectionOf(inv: Inventory, host: string): Connection {
  const v: Vars = inv.hosts.get(host)?.vars ?? {};
  const d = inv.connectionDefaults ?? {};
  const knownHosts = str(v.hafleet_known_hosts);
  // ssh_args come first on Ansible's ssh command line and ssh keeps the first value of an
  // option, so ansible.cfg's ProxyJump beats one in ansible_ssh_common_args — unless the host
  // replaces ssh_args itself (ansible_ssh_args). hafleet_proxy_jump is hafleet's own and wins.
  const sshArgs = str(v.ansible_ssh_args);
  const proxyJump = str(v.hafleet_proxy_jump) ?? (sshArgs !== undefined ? proxyJumpOf(sshArgs) : d.proxyJump)
    ?? proxyJumpOf(str(v.ansible_ssh_common_args)) ?? proxyJumpOf(str(v.ansible_ssh_extra_args));
  const user = str(v.ansible_ssh_user) ?? str(v.ansible_user) ?? d.user;
  const key = str(v.ansible_ssh_private_key_file) ?? str(v.ansible_private_key_file) ?? d.privateKeyFile;
  return {
    host: str(v.ansible_ssh_host) ?? str(v.ansible_host) ?? host,
    port: int(v.ansible_ssh_port) ?? int(v.ansible_port) ?? d.port ?? 22,
    ...(user !== undefined ? { user } : {}),
    ...(key !== undefined ? { privateKeyFile: key } : {}),
    become: bool(v.ansible_become) ?? d.become ?? false,
    becomeUser: str(v.ansible_become_user) ?? d.becomeUser ?? 'root',
    becomeMethod: str(v.ansible_become_method) ?? d.becomeMethod ?? 'sudo',
    ...(knownHosts !== undefined ? { knownHostsFile: isAbsolute(knownHosts) ? knownHosts : resolve(inv.dir, knownHosts) } : {}),
    ...(proxyJump !== undefined ? { proxyJump } : {}),
    ...(int(v.ansible_ssh_timeout) !== undefined && int(v.ansible_ssh_timeout)! > 0 ? { connectTimeoutSec: int(v.ansible_ssh_timeout)! } : {}),
  };
}

/**
 * The jump host in ssh arguments: `-J x`, `-Jx`, `-o ProxyJump=x`, `-o "ProxyJump x"`, or the
 * classic `-o ProxyCommand="ssh -W %h:%p [opts] bastion"`, which means the same thing.
 */
export function proxyJumpOf(args: string | undefined): string | undefined {
  if (!args) return undefined;
  const split = shlexSplit(args);
  if ('error' in split) return undefined;
  const t = split.tokens;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '-J' && t[i + 1]) return t[i + 1];
    if (t[i].startsWith('-J') && t[i].length > 2) return t[i].slice(2);
    let opt: string | undefined;
    if (t[i] === '-o') opt = t[++i];
    else if (t[i].startsWith('-o')) opt = t[i].slice(2);
    if (!opt) continue;
    const m = /^\s*(\w+)\s*(?:=|\s)\s*(.*)$/.exec(opt);
    if (!m) continue;
    const name = m[1].toLowerCase();
    if (name === 'proxyjump' && m[2]) return m[2].trim();
    if (name === 'proxycommand') {
      const jump = jumpFromProxyCommand(m[2]);
      if (jump) return jump;
    }
  }
  return undefined;
}

function jumpFromProxyCommand(cmd: string): string | undefined {
  const split = shlexSplit(cmd);
  if ('error' in split) return undefined;
  const [prog, ...rest] = split.tokens;
  // Only `-W %h:%p` forwards to the host being dialled; `-W fixed:22` would send every host to one place.
  const w = rest.indexOf('-W');
  if (!prog || !/(^|\/)ssh$/.test(prog) || w < 0 || rest[w + 1] !== '%h:%p') return undefined;
  // ssh options that take a value; whatever is left that is not an option is the destination.
  const withValue = new Set(['-W', '-p', '-l', '-i', '-o', '-F', '-J', '-b', '-c', '-D', '-E', '-e', '-L', '-m', '-O', '-Q', '-R', '-S', '-w', '-B', '-I']);
  let port: string | undefined;
  let user: string | undefined;
  let dest: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (withValue.has(a)) {
      if (a === '-p') port = rest[i + 1];
      if (a === '-l') user = rest[i + 1];
      i++;
    } else if (!a.startsWith('-')) dest = a;
  }
  if (!dest) return undefined;
  return `${user && !dest.includes('@') ? user + '@' : ''}${dest}${port ? ':' + port : ''}`;
}

function str(v: VarValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function int(v: VarValue | undefined): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined;
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

/** Ansible's `boolean()`: yes/on/1/true/y/t (any case) are true; no/off/0/false/n/f false. */
export function bool(v: VarValue | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (['yes', 'on', '1', 'true', 'y', 't'].includes(s)) return true;
  if (['no', 'off', '0', 'false', 'n', 'f', ''].includes(s)) return false;
  return undefined;
}
