import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/index.js';

/** Binaries the lab runs, with the Debian package that ships each. */
export const LAB_TOOLS: readonly { bin: string; pkg: string }[] = [
  { bin: 'ip', pkg: 'iproute2' },
  { bin: 'sshd', pkg: 'openssh-server' },
  { bin: 'ssh-keygen', pkg: 'openssh-client' },
  { bin: 'nginx', pkg: 'nginx-light' },
  { bin: 'keepalived', pkg: 'keepalived' },
  { bin: 'unshare', pkg: 'util-linux' },
  { bin: 'nsenter', pkg: 'util-linux' },
  { bin: 'mount', pkg: 'mount' },
];

/**
 * `bin` in the directories of `path` (the caller's PATH: the CLI passes its own; none when not
 * given), then in the sbin and bin directories: a root shell without them in PATH still has the tools.
 */
export function findBinary(bin: string, path = ''): string | null {
  const dirs = [...path.split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const d of dirs) {
    if (!d) continue;
    try {
      accessSync(join(d, bin), constants.X_OK);
      return join(d, bin);
    } catch {
      /* next */
    }
  }
  return null;
}

/** All reasons the lab cannot run here, at once. `uid` is injectable for tests; `find` is findBinary with the caller's PATH. */
export function preflight(uid = process.getuid?.() ?? 0, find: (bin: string) => string | null = (bin) => findBinary(bin)): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (uid !== 0) {
    out.push(error('lab-needs-root', 'hafleet lab creates network namespaces, bridges and mounts: it must run as root', {}, 'run it with sudo, or as root'));
  }
  const missing = LAB_TOOLS.filter((t) => find(t.bin) === null);
  if (missing.length) {
    const pkgs = [...new Set(missing.map((t) => t.pkg))];
    out.push(error('lab-missing-tools', `missing ${missing.map((t) => t.bin).join(', ')}`, {},
      `install the Debian packages: apt-get install ${pkgs.join(' ')} (or run make deps)`));
  }
  return out;
}

/** `lab up --ipv6` needs a kernel with IPv6 (`ipv6.disable=1` at boot removes /proc/sys/net/ipv6). */
export function ipv6Preflight(present = existsSync('/proc/sys/net/ipv6')): Diagnostic[] {
  if (present) return [];
  return [error('lab-no-ipv6', '--ipv6: this kernel has no IPv6 (/proc/sys/net/ipv6 is missing)', { key: '--ipv6' },
    'it was booted with ipv6.disable=1: drop that from the kernel command line, or bring the lab up without --ipv6')];
}
