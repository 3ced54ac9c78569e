import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabState } from './state.js';

/**
 * The checkout this module runs from (src/lab/ under tsx, dist/src/lab/ when built, a chunk in
 * dist/bundle/ from the bundle): the nearest folder above it with a package.json. Lab hosts share
 * this machine's filesystem, so its built CLI runs the agent there (`hafleet` is not on their PATH).
 */
function checkoutOf(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return join(from, '..', '..');
  }
}
export const REPO_ROOT = checkoutOf(dirname(fileURLToPath(import.meta.url)));

/** `hafleet_agent_command` for lab directors: this node binary and the checkout's built CLI. */
export function labAgentCommand(): string {
  return `${process.execPath} ${join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js')} agent`;
}

/**
 * The lab's inventory in hafleet's format (docs/reference.md). Written as text: every value is
 * a plain name, address or number the lab chose itself, so no YAML quoting is needed.
 */
export function hostsYml(s: LabState): string {
  const group = (role: 'director' | 'realserver') =>
    s.hosts.filter((h) => h.role === role).map((h) => `        ${h.name}:\n          ansible_host: ${h.address}\n`).join('');
  return `# hafleet lab "${s.name}" (${s.subnet}); written by hafleet lab up
all:
  children:
    directors:
      hosts:
${group('director')}    realservers:
      hosts:
${group('realserver')}`;
}

export function allYml(s: LabState, authPass: string): string {
  const vips = s.vips.map((v) => `${v}/${s.subnet.split('/')[1] ?? '24'}`).join(', ');
  const user = s.loginUser ?? 'root';
  // A non-root login reaches root the Ansible way: sudo (the lab user may, see host-users.ts).
  const become = user === 'root' ? '' : 'ansible_become: true\n';
  // Every host through the lab's bastion, as an operator would write it for Ansible.
  const jump = s.bastion ? `ansible_ssh_common_args: -o ProxyJump=root@${s.bastion.address}\n` : '';
  return `# hafleet lab "${s.name}": connection and HA settings
ansible_user: ${user}
${become}${jump}ansible_ssh_private_key_file: ${s.privateKey}
hafleet_known_hosts: ${s.knownHosts}
# Lab hosts have no systemd: handlers signal the daemons directly (pid files under /run).
service_manager: direct
${s.engine === 'agent' ? `# The VRRP agent from this checkout's dist/ (make build): hafleet is not on the hosts' PATH.
hafleet_agent_command: ${labAgentCommand()}
` : ''}hafleet_clusters:
  - name: web
    mode: nginx
    vrrp_engine: ${s.engine}
    directors: directors
    realservers: realservers
    interface: eth0
    vrid: ${s.vrid}
    vips: [${vips}]
    vrrp:
      version: 2
      advert_int: 1
      auth_pass: ${authPass}
`;
}

/** Writes `s.inventory` (`…/inventory/hosts.yml`) and `group_vars/all.yml` beside it. */
export async function writeInventory(s: LabState, authPass: string): Promise<void> {
  const dir = dirname(s.inventory);
  await mkdir(join(dir, 'group_vars'), { recursive: true });
  await writeFile(s.inventory, hostsYml(s));
  // all.yml holds auth_pass: readable by root only.
  await writeFile(join(dir, 'group_vars', 'all.yml'), allYml(s, authPass), { mode: 0o600 });
}
