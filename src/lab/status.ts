import { readFile } from 'node:fs/promises';
import { DEFAULT_LAB_NAME } from './names.js';
import { aliveIn, pidsByNetns } from './procs.js';
import { run } from './run.js';
import { listLabs, readState, type LabHostState, type LabState } from './state.js';

export interface LabHostStatus {
  name: string;
  role: LabHostState['role'];
  address: string;
  /** Its IPv6 address, in a lab up with `--ipv6`. */
  address6?: string;
  netns: string;
  /** The namespace-holding init still runs: the host exists. */
  up: boolean;
  /** Processes in the host's network namespace by name (`sshd`, `nginx`, `keepalived`, `hafleet-agent`). */
  processes: Record<string, number[]>;
  /** Addresses on the host's interfaces other than its own (lo excluded). */
  extraAddresses: string[];
}

export interface LabStatus {
  name: string;
  state: LabState['status'] | 'degraded';
  subnet: string;
  bridge: string;
  admin: LabState['admin'];
  engine: LabState['engine'];
  vrid: number;
  /** The inventory file to pass to `-i`. */
  inventory: string;
  privateKey: string;
  knownHosts: string;
  vips: string[];
  /** The IPv6 /64 and IPv6 VIPs of a lab up with `--ipv6`. */
  ipv6?: LabState['ipv6'];
  /** VIP (IPv4, and IPv6 with `--ipv6`) → hosts holding it now (more than one: split brain; none: nobody). */
  vipHolders: Record<string, string[]>;
  hosts: LabHostStatus[];
}

async function procName(pid: number): Promise<string | null> {
  const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
  if (!comm) return null;
  if (comm === 'sleep') return null; // the namespace-holding init
  // The TypeScript VRRP agent is `node …/main.js agent -f …` (or a `hafleet` bin): the only node on a lab host.
  if (comm === 'node' || comm.startsWith('hafleet')) {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv.includes('agent')) return 'hafleet-agent';
  }
  return comm;
}

/**
 * `ip -j addr` of one namespace: addresses other than loopback and the host's own. IPv6 is asked
 * only in a lab that has it; the kernel's link-local (fe80::, scope link) is the host's own too.
 */
async function extraAddresses(netns: string, own: readonly string[], ipv6: boolean): Promise<string[]> {
  const r = await run('ip', ['-n', netns, '-j', ...(ipv6 ? [] : ['-4']), 'addr']);
  if (r.code !== 0) return [];
  const links = JSON.parse(r.stdout || '[]') as { ifname: string; addr_info?: { local: string; family: string; scope: string }[] }[];
  return links.filter((l) => l.ifname !== 'lo').flatMap((l) => l.addr_info ?? [])
    .filter((a) => !own.includes(a.local) && !(a.family === 'inet6' && a.scope === 'link')).map((a) => a.local);
}

export async function hostStatus(s: LabState, pids: Map<string, number[]>, h: LabHostState, withAddresses: boolean): Promise<LabHostStatus> {
  const processes: Record<string, number[]> = {};
  for (const pid of pids.get(h.netns) ?? []) {
    const n = await procName(pid);
    if (n) (processes[n] ??= []).push(pid);
  }
  return {
    name: h.name, role: h.role, address: h.address, ...(h.address6 ? { address6: h.address6 } : {}), netns: h.netns,
    up: await aliveIn(h.initPid, h.netns),
    processes,
    extraAddresses: withAddresses ? await extraAddresses(h.netns, [h.address, ...(h.address6 ? [h.address6] : [])], s.ipv6 !== undefined) : [],
  };
}

/** Hosts, processes and VIP placement of lab `name`; null when there is no such lab. */
export async function labStatus(name = DEFAULT_LAB_NAME): Promise<LabStatus | null> {
  const s = await readState(name).catch(() => null);
  if (!s) return null;
  const pids = await pidsByNetns(s.hosts.map((h) => h.netns));
  // VIPs live on directors; asking realservers too would cost a process per host.
  const hosts = await Promise.all(s.hosts.map((h) => hostStatus(s, pids, h, h.role === 'director')));
  const vipHolders: Record<string, string[]> = {};
  for (const vip of [...s.vips, ...(s.ipv6?.vips ?? [])]) vipHolders[vip] = hosts.filter((h) => h.extraAddresses.includes(vip)).map((h) => h.name);
  const degraded = s.status === 'up' && hosts.some((h) => !h.up);
  return {
    name: s.name, state: degraded ? 'degraded' : s.status, subnet: s.subnet, bridge: s.bridge, admin: s.admin,
    engine: s.engine, vrid: s.vrid, inventory: s.inventory, privateKey: s.privateKey, knownHosts: s.knownHosts,
    vips: s.vips, ...(s.ipv6 ? { ipv6: s.ipv6 } : {}), vipHolders, hosts,
  };
}

export { listLabs };
