import { chmod, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STATE_DIR } from '../host-paths/index.js';
import { HOST_FILE_MOUNTS, LAB_USER, prepareHostUsers } from './host-users.js';
import { ipv6Setup } from './ipv6.js';
import type { LabHostPlan } from './names.js';

/**
 * The host's own directories: each is bind-mounted over the machine's path inside the host's
 * private mount namespace, and stays inspectable from outside under the lab root.
 * `dir` is the folder name under `<lab root>/hosts/<host>/`.
 */
export const HOST_MOUNTS: readonly { target: string; dir: string; mode?: number }[] = [
  { target: '/etc/keepalived', dir: 'etc-keepalived' },
  { target: '/etc/nginx', dir: 'etc-nginx' },
  { target: '/etc/sysctl.d', dir: 'etc-sysctl.d' },
  { target: '/etc/ssh', dir: 'etc-ssh' },
  { target: '/usr/local/sbin', dir: 'usr-local-sbin' },
  // The director role's error page lives here (templates/director/role.yaml managed_paths).
  { target: '/usr/share/hafleet', dir: 'usr-share-hafleet' },
  { target: '/var/log', dir: 'var-log' },
  { target: STATE_DIR, dir: 'var-lib-hafleet' },
  // A fresh root home, as a new host has: the machine's /root/.bashrc (pyenv, cargo…) would
  // otherwise run on every SSH command (bash sources it for sshd) and cost ~100 processes each.
  { target: '/root', dir: 'root-home', mode: 0o700 },
  // The lab user's sudo grant and home (see host-users.ts); /home whole, so the machine's /home
  // gets no hafleet folder.
  { target: '/etc/sudoers.d', dir: 'etc-sudoers.d', mode: 0o750 },
  { target: '/home', dir: 'home', mode: 0o755 },
  { target: '/tmp', dir: 'tmp', mode: 0o1777 },
  { target: '/run', dir: 'run' },
];

export const BACKEND_SITE = 'hafleet-lab-backend';

/** The realserver's backend: answers with its own name, so traffic through a VIP shows where it went. */
export function backendSite(host: string): string {
  return `# hafleet lab: this realserver's backend (answers with the host's name)
server {
\tlisten 80 default_server;
\tdefault_type text/plain;
\tlocation = /health { return 200 "ok\\n"; }
\tlocation / { return 200 "${host}\\n"; }
}
`;
}

export function sshdConfig(address: string): string {
  return `# hafleet lab sshd: key auth only
ListenAddress ${address}:22
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthenticationMethods publickey
AuthorizedKeysFile .ssh/authorized_keys
AllowUsers root ${LAB_USER}
StrictModes yes
UsePAM no
UseDNS no
PrintMotd no
MaxStartups 100:30:200
MaxSessions 64
Subsystem sftp internal-sftp
`;
}

export function hostDir(root: string, host: string): string {
  return join(root, 'hosts', host);
}

/** Creates the host's folders; the nginx tree starts as a copy of the machine's, sites emptied. */
export async function prepareHostFiles(root: string, h: LabHostPlan, authorizedKey: string): Promise<string> {
  const dir = hostDir(root, h.name);
  await Promise.all(HOST_MOUNTS.map(async (m) => {
    await mkdir(join(dir, m.dir), { recursive: true });
    if (m.mode !== undefined) await chmod(join(dir, m.dir), m.mode);
  }));
  const nginx = join(dir, 'etc-nginx');
  await cp('/etc/nginx', nginx, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => !src.startsWith('/etc/nginx/sites-enabled/'),
  });
  await mkdir(join(nginx, 'sites-enabled'), { recursive: true });
  await Promise.all([
    mkdir(join(dir, 'run', 'sshd'), { recursive: true }),
    mkdir(join(dir, 'var-log', 'nginx'), { recursive: true }),
    mkdir(join(dir, 'root-home', '.ssh'), { mode: 0o700 }).then(() => writeFile(join(dir, 'root-home', '.ssh', 'authorized_keys'), authorizedKey, { mode: 0o600 })),
    writeFile(join(dir, 'etc-ssh', 'sshd_config'), sshdConfig(h.address)),
    copyIfPresent('/etc/ssh/ssh_config', join(dir, 'etc-ssh', 'ssh_config')),
    prepareHostUsers(dir, authorizedKey),
  ]);
  if (h.role === 'realserver') {
    await writeFile(join(nginx, 'sites-enabled', BACKEND_SITE), backendSite(h.name));
    // One worker is plenty for a backend, and keeps a 100-host lab small.
    const conf = join(nginx, 'nginx.conf');
    await writeFile(conf, (await readFile(conf, 'utf8')).replace(/^(\s*worker_processes)\s+[^;]+;/m, '$1 1;'));
  }
  return dir;
}

async function copyIfPresent(src: string, dst: string): Promise<void> {
  await cp(src, dst).catch(() => undefined);
}

/** Every bind mount of a host (folders and single files), as state.json records them. */
export function hostMounts(dir: string): { target: string; source: string }[] {
  return [
    ...HOST_FILE_MOUNTS.map((m) => ({ target: m.target, source: join(dir, m.file) })),
    ...HOST_MOUNTS.map((m) => ({ target: m.target, source: join(dir, m.dir) })),
  ];
}

/**
 * The init script run inside the host's fresh mount namespace: bind the host's files and folders,
 * then configure the network and sleep forever holding the namespaces. Mounts over an ancestor of
 * the lab root (e.g. /run) go last, or the later sources would be hidden; single files (passwd,
 * group, shadow) go first for the same reason, and their targets must exist already.
 */
export function initScript(dir: string, h: LabHostPlan, prefixLen: number, keepVisible: readonly string[] = []): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const mounts = [...HOST_MOUNTS].sort((a, b) => Number(dir.startsWith(a.target + '/')) - Number(dir.startsWith(b.target + '/')));
  return [
    'exec 2>&1',
    'set -e',
    ...HOST_FILE_MOUNTS.map((m) => `mount --bind ${q(join(dir, m.file))} ${m.target}`),
    ...mounts.flatMap((m) => {
      // A path hosts must still see (the hafleet checkout the agent runs from, the node binary)
      // that lies under a private folder (a clone in /tmp, a home in /home) is bound into that
      // folder first, while the machine's copy is still in sight; --rbind carries it along.
      const kept = keepVisible.filter((k) => k.startsWith(m.target + '/'));
      const src = join(dir, m.dir);
      return [
        ...kept.map((k) => `mkdir -p ${q(src + k.slice(m.target.length))} && mount --bind ${q(k)} ${q(src + k.slice(m.target.length))}`),
        `mkdir -p ${m.target} && mount ${kept.length ? '--rbind' : '--bind'} ${q(src)} ${m.target}`,
      ];
    }),
    `hostname ${h.name}`,
    'ip link set lo up',
    `ip addr add ${h.address}/${prefixLen} dev eth0`,
    ...ipv6Setup(h.address6),
    'ip link set eth0 up',
    'echo ready',
    'exec sleep infinity </dev/null >/dev/null 2>&1',
  ].join('\n');
}
