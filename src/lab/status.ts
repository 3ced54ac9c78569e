import { readFile } from 'node:fs/promises';
import { parseIpJson, vipHolders as holdersOf, type HostAddress } from '../host-addresses/index.js';
import { DEFAULT_LAB_NAME } from './names.js';
import { aliveIn, pidsByNetns } from './procs.js';
import { run } from './run.js';
import { DEFAULT_LABS_ROOT, listLabs, readState, type LabHostState, type LabState } from './state.js';

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
 * `ip -j addr` of one namespace (empty when it cannot be read). IPv6 is asked only in a lab that
 * has it.
 */
async function addressesOf(netns: string, ipv6: boolean): Promise<HostAddress[]> {
  const r = await run('ip', ['-n', netns, '-j', ...(ipv6 ? [] : ['-4']), 'addr']);
  return r.code === 0 ? parseIpJson(r.stdout)?.addresses ?? [] : [];
}

/** Addresses other than loopback and the host's own; the kernel's link-local (fe80::, scope link) is the host's own too. */
function extraAddresses(addrs: readonly HostAddress[], own: readonly string[]): string[] {
  return addrs.filter((a) => a.dev !== 'lo' && !own.includes(a.address) && !(a.family === 'inet6' && a.scope === 'link')).map((a) => a.address);
}

/** One host's status, and the addresses its VIP placement is read from. */
export async function hostStatus(s: LabState, pids: Map<string, number[]>, h: LabHostState, withAddresses: boolean): Promise<{ status: LabHostStatus; addresses: HostAddress[] }> {
  const processes: Record<string, number[]> = {};
  for (const pid of pids.get(h.netns) ?? []) {
    const n = await procName(pid);
    if (n) (processes[n] ??= []).push(pid);
  }
  const addresses = withAddresses ? await addressesOf(h.netns, s.ipv6 !== undefined) : [];
  const status: LabHostStatus = {
    name: h.name, role: h.role, address: h.address, ...(h.address6 ? { address6: h.address6 } : {}), netns: h.netns,
    up: await aliveIn(h.initPid, h.netns),
    processes,
    extraAddresses: extraAddresses(addresses, [h.address, ...(h.address6 ? [h.address6] : [])]),
  };
  return { status, addresses };
}

/** Hosts, processes and VIP placement of lab `name`; null when there is no such lab. */
export async function labStatus(name = DEFAULT_LAB_NAME, labs = DEFAULT_LABS_ROOT): Promise<LabStatus | null> {
  const s = await readState(name, labs).catch(() => null);
  if (!s) return null;
  const pids = await pidsByNetns(s.hosts.map((h) => h.netns));
  // VIPs live on directors; asking realservers too would cost a process per host.
  const seen = await Promise.all(s.hosts.map((h) => hostStatus(s, pids, h, h.role === 'director')));
  const hosts = seen.map((x) => x.status);
  const vipHolders = holdersOf(new Map(seen.map((x) => [x.status.name, x.addresses])), [...s.vips, ...(s.ipv6?.vips ?? [])]);
  const degraded = s.status === 'up' && hosts.some((h) => !h.up);
  return {
    name: s.name, state: degraded ? 'degraded' : s.status, subnet: s.subnet, bridge: s.bridge, admin: s.admin,
    engine: s.engine, vrid: s.vrid, inventory: s.inventory, privateKey: s.privateKey, knownHosts: s.knownHosts,
    vips: s.vips, ...(s.ipv6 ? { ipv6: s.ipv6 } : {}), vipHolders, hosts,
  };
}

export { listLabs };
