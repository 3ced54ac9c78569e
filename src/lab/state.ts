import { mkdir, readFile, readdir, rename, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_NAME_RE, type HostRole } from './names.js';

/**
 * Where labs live: one folder per lab under a labs root. The root is a parameter of every entry
 * point (labUp, labDown, labStatus, readState, listLabs, reapOrphanLabs), this when not given.
 */
export const DEFAULT_LABS_ROOT = '/run/hafleet/labs';

/** The labs root an environment asks for: `$HAFLEET_LAB_ROOT`, else the default. For the callers at the edge (the CLI, the test support). */
export function labsRootIn(env: NodeJS.ProcessEnv): string {
  return env.HAFLEET_LAB_ROOT || DEFAULT_LABS_ROOT;
}

export function labRoot(name: string, labs = DEFAULT_LABS_ROOT): string {
  return join(labs, name);
}

export type LabEngine = 'keepalived' | 'agent';

export interface LabHostState {
  name: string;
  role: HostRole;
  address: string;
  /** Its IPv6 address (a lab up with `--ipv6`; absent otherwise and in older state files). */
  address6?: string;
  netns: string;
  /** Host-side veth on the bridge (the peer is `eth0` inside the namespace). */
  veth: string;
  /** Folder under the lab root holding the host's bind-mounted directories. */
  dir: string;
  /** The process holding the host's private mount (and UTS) namespace. */
  initPid?: number;
  sshdPid?: number;
  /** Realservers' backend nginx master. */
  nginxPid?: number;
  /**
   * Bind mounts inside the host's private mount namespace (target ← source). They vanish with
   * the namespace's last process, so down unmounts nothing: it ends the processes.
   */
  mounts?: { target: string; source: string }[];
}

/**
 * Everything a lab created, written before each step so `down` (or the next `up`) removes
 * exactly that, even after a crash midway.
 */
export interface LabState {
  version: 1;
  name: string;
  /** `creating` until up finished; a `creating` lab whose upPid is gone is a crashed up. */
  status: 'creating' | 'up';
  upPid: number;
  /**
   * Set for labs that live only as long as one process (a test run): once that process is gone
   * the lab is garbage, and `reapOrphanLabs` removes it. Labs made with the CLI have none.
   */
  ownerPid?: number;
  createdAt: string;
  index: number;
  /** How many adjacent /24s from `index` the lab holds: 2 or 4 for a big lab (a /23, /22); absent: 1. */
  span?: number;
  subnet: string;
  bridge: string;
  admin: { netns: string; veth: string; address: string; address6?: string };
  /**
   * The jump host of a lab up with `bastion`: an sshd-only host, in no inventory group; the
   * admin namespace may reach only it (nftables there), it reaches the fleet. Absent by default.
   */
  bastion?: Omit<LabHostState, 'role'>;
  vips: string[];
  /** The lab's IPv6 /64 and IPv6 VIPs, when up with `--ipv6` (absent: IPv6 is disabled everywhere). */
  ipv6?: { subnet: string; vips: string[] };
  vrid: number;
  engine: LabEngine;
  /** `ansible_user` of the lab's inventory: root (absent in older state files) or the lab user, with become. */
  loginUser?: string;
  hosts: LabHostState[];
  root: string;
  inventory: string;
  privateKey: string;
  knownHosts: string;
}

function statePath(root: string): string {
  return join(root, 'state.json');
}

export async function readState(name: string, labs = DEFAULT_LABS_ROOT): Promise<LabState | null> {
  try {
    return JSON.parse(await readFile(statePath(labRoot(name, labs)), 'utf8')) as LabState;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Write-then-rename so a crash never leaves half a state file. In the lab's own folder, `s.root`. */
export async function writeState(s: LabState): Promise<void> {
  await mkdir(s.root, { recursive: true });
  const tmp = statePath(s.root) + `.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(s, null, 2) + '\n');
  await rename(tmp, statePath(s.root));
}

/** Serialises state writes of one up: hosts finish in parallel. */
export function stateWriter(s: LabState): () => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  return () => (chain = chain.then(() => writeState(s)));
}

/** Names of every lab with a folder under the labs root. */
export async function listLabs(labs = DEFAULT_LABS_ROOT): Promise<string[]> {
  try {
    // `.index` and `.index.lock` (subnet claims) sit beside the labs.
    return (await readdir(labs, { withFileTypes: true })).filter((d) => d.isDirectory() && LAB_NAME_RE.test(d.name)).map((d) => d.name).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

export async function removeLabRoot(name: string, labs: string): Promise<void> {
  await rm(labRoot(name, labs), { recursive: true, force: true });
}
