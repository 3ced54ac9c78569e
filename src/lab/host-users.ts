import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { must } from './run.js';

/**
 * The lab's non-root login user: on every host, never on the machine. Each host gets private
 * copies of the machine's /etc/passwd, /etc/group and /etc/shadow with this user added, a
 * private /home and a private /etc/sudoers.d granting it sudo, so become (sudo) runs for real.
 */
export const LAB_USER = 'hafleet';
/** Preferred uid (and gid); the next free one when the machine already uses it. */
export const LAB_UID = 4242;
/** Users `lab up --user` accepts: root (the default) or the lab's non-root user. */
export const LAB_LOGIN_USERS = ['root', LAB_USER] as const;
export type LabLoginUser = (typeof LAB_LOGIN_USERS)[number];

/**
 * The VRRP agent's system user, as `useradd --system --user-group` makes it on a real director.
 * The lab's /etc/passwd is a bind mount, which useradd cannot rename over, so the agent's wrapper
 * (hafleet-agent.sh.hbs) would fall back to uid 0: every host has it from the start instead, and
 * a deployed lab agent runs non-root as in production.
 */
export const AGENT_USER = 'hafleet-agent';
/** useradd --system counts down from SYS_UID_MAX (999). */
const AGENT_SYS_ID = 999;

/** Bind-mounted single files: `file` is relative to the host's folder. */
export const HOST_FILE_MOUNTS: readonly { target: string; file: string; mode: number }[] = [
  { target: '/etc/passwd', file: 'etc-users/passwd', mode: 0o644 },
  { target: '/etc/group', file: 'etc-users/group', mode: 0o644 },
  { target: '/etc/shadow', file: 'etc-users/shadow', mode: 0o640 },
];

const SUDOERS_FILE = 'hafleet-lab';

/** Lines of a colon file without any entry named `name` (a machine that has one is overridden). */
function without(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l !== '' && l.split(':')[0] !== name);
}

/** The first uid ≥ LAB_UID that neither /etc/passwd nor /etc/group uses. */
export function freeId(passwd: string, group: string): number {
  const used = new Set([...passwd.split('\n').map((l) => l.split(':')[2]), ...group.split('\n').map((l) => l.split(':')[2])].filter(Boolean).map(Number));
  let id = LAB_UID;
  while (used.has(id)) id++;
  return id;
}

/** The first id ≤ AGENT_SYS_ID that neither /etc/passwd nor /etc/group uses (0 never). */
export function freeSystemId(passwd: string, group: string): number {
  const used = new Set([...passwd.split('\n').map((l) => l.split(':')[2]), ...group.split('\n').map((l) => l.split(':')[2])].filter(Boolean).map(Number));
  let id = AGENT_SYS_ID;
  while (used.has(id) && id > 1) id--;
  return id;
}

/** The agent's user in passwd, group and shadow: no login, no home, locked. */
export function withAgentUser(texts: { passwd: string; group: string; shadow: string }, id: number): { passwd: string; group: string; shadow: string } {
  const add = (text: string, line: string) => [...without(text, AGENT_USER), line].join('\n') + '\n';
  return {
    passwd: add(texts.passwd, `${AGENT_USER}:x:${id}:${id}:hafleet VRRP agent:/nonexistent:/usr/sbin/nologin`),
    group: add(texts.group, `${AGENT_USER}:x:${id}:`),
    shadow: add(texts.shadow, `${AGENT_USER}:!:20000::::::`),
  };
}

export function passwdWithUser(passwd: string, uid: number): string {
  return [...without(passwd, LAB_USER), `${LAB_USER}:x:${uid}:${uid}:hafleet lab:/home/${LAB_USER}:/bin/sh`].join('\n') + '\n';
}

export function groupWithUser(group: string, gid: number): string {
  return [...without(group, LAB_USER), `${LAB_USER}:x:${gid}:`].join('\n') + '\n';
}

/**
 * `hash` `*` = no password, but not locked: with `UsePAM no` sshd refuses even key logins of a
 * locked account (`!…`), so `*` it is.
 */
export function shadowWithUser(shadow: string, hash = '*'): string {
  return [...without(shadow, LAB_USER), `${LAB_USER}:${hash}:20000:0:99999:7:::`].join('\n') + '\n';
}

/**
 * sudo for the lab user. `!fqdn`: this sudo is built --with-fqdn and would look the host's name
 * up in DNS on every call (the lab has no DNS; it would only slow each command down).
 */
export function sudoersText(o: { nopasswd: boolean }): string {
  return `# hafleet lab: ${LAB_USER} may become root${o.nopasswd ? ' without a password' : ' with its password'}
Defaults:${LAB_USER} !fqdn, !lecture
${LAB_USER} ALL=(ALL:ALL) ${o.nopasswd ? 'NOPASSWD: ' : ''}ALL
`;
}

/**
 * Writes the host's user files under `dir`: etc-users/{passwd,group,shadow}, etc-sudoers.d and
 * home/hafleet/.ssh/authorized_keys (owned by the user: sshd's StrictModes checks it).
 */
export async function prepareHostUsers(dir: string, authorizedKey: string): Promise<void> {
  const [passwd, group, shadow] = await Promise.all(['/etc/passwd', '/etc/group', '/etc/shadow'].map((f) => readFile(f, 'utf8')));
  const id = freeId(passwd!, group!);
  // Free on the machine, so the machine's files (which still lack both users) decide: it differs from id.
  const agentId = freeSystemId(passwd!, group!);
  await mkdir(join(dir, 'etc-users'), { recursive: true, mode: 0o755 });
  const users = withAgentUser({ passwd: passwdWithUser(passwd!, id), group: groupWithUser(group!, id), shadow: shadowWithUser(shadow!) }, agentId);
  const texts = [users.passwd, users.group, users.shadow];
  await Promise.all(HOST_FILE_MOUNTS.map(async (m, i) => {
    await writeFile(join(dir, m.file), texts[i]!, { mode: m.mode });
    await chmod(join(dir, m.file), m.mode);
  }));
  await writeFile(join(dir, 'etc-sudoers.d', SUDOERS_FILE), sudoersText({ nopasswd: true }), { mode: 0o440 });

  const home = join(dir, 'home', LAB_USER);
  await mkdir(join(home, '.ssh'), { recursive: true });
  await writeFile(join(home, '.ssh', 'authorized_keys'), authorizedKey, { mode: 0o600 });
  // StrictModes: home and ~/.ssh owned by the user and not writable by others.
  await chmod(join(dir, 'home'), 0o755);
  await chmod(home, 0o750);
  await chmod(join(home, '.ssh'), 0o700);
  for (const p of [home, join(home, '.ssh'), join(home, '.ssh', 'authorized_keys')]) await chown(p, id, id);
}

/** A sha512-crypt hash (`$6$…`) of `password`, made by openssl from stdin (never argv). */
export async function hashPassword(password: string): Promise<string> {
  return (await must('openssl', ['passwd', '-6', '-stdin'], { input: password + '\n' })).trim();
}

/**
 * Makes sudo on the host in folder `dir` ask the lab user for `password`: its hash goes into the
 * host's private shadow, its sudoers file loses NOPASSWD. Both are rewritten in place: a bind
 * mount of a single file follows the inode, so a rename would be invisible on the host.
 */
export async function requireSudoPassword(dir: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  const shadow = join(dir, 'etc-users', 'shadow');
  await writeFile(shadow, shadowWithUser(await readFile(shadow, 'utf8'), hash));
  await writeFile(join(dir, 'etc-sudoers.d', SUDOERS_FILE), sudoersText({ nopasswd: false }));
}
