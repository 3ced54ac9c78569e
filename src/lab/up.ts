import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mapLimit } from '../async/index.js';
import { error, type Diagnostic, type Result } from '../diagnostics/index.js';
import { labDown } from './down.js';
import { hostDir, prepareHostFiles } from './host-files.js';
import { startHost } from './host-start.js';
import { LAB_LOGIN_USERS, LAB_USER } from './host-users.js';
import { generateHostKey, generateUserKey, writeKnownHosts } from './keys.js';
import { writeInventory } from './inventory-files.js';
import { address6, ipv6Setup, subnet6Cidr } from './ipv6.js';
import {
  ADMIN_HOST, adminAddress, BASTION_HOST, bastionAddress, bridgeName, DEFAULT_LAB_NAME, labSpan, labVrid, LAB_NAME_RE, MAX_DIRECTORS, MAX_REALSERVERS,
  netnsName, planHosts, prefixLength, subnetCidr, vethName, vipAddress, type LabHostPlan,
} from './names.js';
import { findBinary, ipv6Preflight, preflight } from './preflight.js';
import { aliveIn } from './procs.js';
import { LabStepError, must } from './run.js';
import { DEFAULT_LABS_ROOT, labRoot, listLabs, readState, stateWriter, writeState, type LabEngine, type LabHostState, type LabState } from './state.js';
import { allocateIndex } from './subnet.js';
import { labNeighbourEntries, raiseNeighbourLimits } from './neighbours.js';

export interface LabUpOptions {
  name?: string;
  directors?: number;
  realservers?: number;
  engine?: LabEngine;
  /**
   * The inventory's `ansible_user`: `root` (default) or the lab's non-root user `hafleet`,
   * which then logs in and becomes root through sudo (`ansible_become: true`).
   */
  user?: string;
  /**
   * Keep IPv6 on in every namespace (DAD off, no router solicitations) and give each host and
   * VIP an address in 2001:2:0:<index hex>::/64 (see ipv6.ts). Off (default): IPv6 disabled.
   */
  ipv6?: boolean;
  /**
   * A jump host (`bastion`, .5) in no inventory group: the admin namespace reaches only it
   * (nftables there), the inventory sets `hafleet_proxy_jump` to it. IPv4 only.
   */
  bastion?: boolean;
  /** Hosts brought up at once (default 8). */
  forks?: number;
  /** The lab belongs to this process (a test run): `reapOrphanLabs` removes it once it is gone. */
  ownerPid?: number;
  /** Where the lab's folder goes (default DEFAULT_LABS_ROOT; the CLI passes what $HAFLEET_LAB_ROOT says). */
  labsRoot?: string;
  /** The caller's PATH, searched for sshd, nginx… before the system directories (the CLI passes its own). */
  path?: string;
  signal?: AbortSignal;
  /** Progress lines for a human (stderr in the CLI). */
  onProgress?: (line: string) => void;
}

export function validateUpOptions(o: LabUpOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const name = o.name ?? DEFAULT_LAB_NAME;
  if (!LAB_NAME_RE.test(name)) out.push(error('lab-name', `lab name "${name}" is not 1–8 characters of a-z and 0-9`, { key: '--name' }, 'kernel interface names are at most 15 characters; pick a short name like "x1"'));
  const count = (v: number | undefined, min: number, max: number, key: string) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) out.push(error('lab-size', `${key} ${v} is outside ${min}–${max}`, { key }));
  };
  count(o.directors, 1, MAX_DIRECTORS, '--directors');
  count(o.realservers, 1, MAX_REALSERVERS, '--realservers');
  if (o.engine !== undefined && o.engine !== 'keepalived' && o.engine !== 'agent') out.push(error('lab-engine', `--engine ${o.engine} is not keepalived or agent`, { key: '--engine' }));
  if (o.user !== undefined && !(LAB_LOGIN_USERS as readonly string[]).includes(o.user)) {
    out.push(error('lab-user', `--user ${o.user} is not ${LAB_LOGIN_USERS.join(' or ')}`, { key: '--user' }, `lab hosts have root and the non-root ${LAB_USER}, who becomes root through sudo`));
  }
  if (o.bastion && o.ipv6) out.push(error('lab-bastion-ipv6', '--bastion and --ipv6 together are not supported', { key: '--bastion' }, 'the admin namespace\'s filter that leaves only the bastion reachable is IPv4'));
  return out;
}

/** True when every host's init still runs in its namespace: the lab is whole. */
export async function labAlive(s: LabState): Promise<boolean> {
  const alive = await Promise.all(s.hosts.map((h) => aliveIn(h.initPid, h.netns)));
  return alive.every(Boolean);
}

export function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates lab `name`: bridge, admin namespace, hosts (netns + private mounts + sshd, backend nginx
 * on realservers), keys, known_hosts and inventory. A failure midway removes what was created.
 */
export async function labUp(o: LabUpOptions = {}): Promise<Result<LabState>> {
  const find = (bin: string) => findBinary(bin, o.path);
  const diagnostics = [...validateUpOptions(o), ...preflight(undefined, find), ...(o.ipv6 ? ipv6Preflight() : [])];
  if (diagnostics.length) return { ok: false, diagnostics };
  const name = o.name ?? DEFAULT_LAB_NAME;
  const labs = o.labsRoot ?? DEFAULT_LABS_ROOT;
  const say = o.onProgress ?? (() => {});

  const prior = await readState(name, labs).catch(() => null);
  if (prior?.status === 'up' && (await labAlive(prior))) {
    return { ok: false, diagnostics: [error('lab-exists', `lab "${name}" is already up (${prior.subnet})`, { key: '--name' }, `use it, or remove it first: hafleet lab down --name ${name}`)] };
  }
  if (prior?.status === 'creating' && prior.upPid !== process.pid && pidRuns(prior.upPid)) {
    return { ok: false, diagnostics: [error('lab-busy', `lab "${name}" is being created by process ${prior.upPid}`, { key: '--name' }, 'wait for it, or pick another --name')] };
  }
  const leftover = await labDown(name, labs);
  if (leftover.found) say(`removed the remains of an earlier lab "${name}"`);

  const directors = o.directors ?? 2;
  const realservers = o.realservers ?? 2;
  const span = labSpan(realservers);
  const root = labRoot(name, labs);
  await mkdir(root, { recursive: true, mode: 0o700 });
  let index: number;
  try {
    index = await allocateIndex(name, labs, span);
  } catch (e) {
    if (!(e instanceof LabStepError)) throw e;
    await labDown(name, labs);
    return { ok: false, diagnostics: [error('lab-no-subnet', e.message, { key: '--name' }, 'remove labs you no longer need: hafleet lab down --name N')] };
  }
  const v6 = (ipv4: string) => (o.ipv6 ? { address6: address6(index, ipv4) } : {});
  const plans = planHosts(name, index, directors, realservers).map((h) => ({ ...h, ...v6(h.address) }));
  const vips = [vipAddress(index)];
  const s: LabState = {
    version: 1, name, status: 'creating', upPid: process.pid, ...(o.ownerPid ? { ownerPid: o.ownerPid } : {}), createdAt: new Date().toISOString(),
    index, ...(span > 1 ? { span } : {}), subnet: subnetCidr(index, span), bridge: bridgeName(name),
    admin: { netns: netnsName(name, ADMIN_HOST), veth: vethName(name, 'a'), address: adminAddress(index), ...v6(adminAddress(index)) },
    vips, ...(o.ipv6 ? { ipv6: { subnet: subnet6Cidr(index), vips: vips.map((v) => address6(index, v)) } } : {}),
    vrid: labVrid(index), engine: o.engine ?? 'keepalived', loginUser: o.user ?? 'root',
    hosts: plans.map((h) => ({ name: h.name, role: h.role, address: h.address, ...(h.address6 ? { address6: h.address6 } : {}), netns: h.netns, veth: h.vethHost, dir: hostDir(root, h.name) })),
    root, inventory: join(root, 'inventory', 'hosts.yml'), privateKey: join(root, 'id_ed25519'), knownHosts: join(root, 'known_hosts'),
    ...(o.bastion ? { bastion: { name: BASTION_HOST, address: bastionAddress(index), netns: netnsName(name, BASTION_HOST), veth: vethName(name, 'b'), dir: hostDir(root, BASTION_HOST) } } : {}),
  };
  // Written before anything exists, so a crash from here on leaves a list of what to remove.
  await writeState(s);
  try {
    await createLab(s, plans, o, say, find);
  } catch (e) {
    const aborted = o.signal?.aborted;
    await labDown(name, labs);
    // A failed command or a file system error (ENOSPC, EACCES) is this machine's, not a bug.
    if (e instanceof LabStepError || aborted || typeof (e as NodeJS.ErrnoException).code === 'string') {
      return { ok: false, diagnostics: [error('lab-up-failed', `lab "${name}" could not be created: ${aborted ? 'interrupted' : (e as Error).message}`, {}, 'everything it had created was removed; run hafleet lab up again')] };
    }
    throw e;
  }
  return { ok: true, value: s, diagnostics: [] };
}

async function createLab(s: LabState, plans: ReturnType<typeof planHosts>, o: LabUpOptions, say: (l: string) => void, find: (bin: string) => string | null): Promise<void> {
  const check = () => { if (o.signal?.aborted) throw new LabStepError('interrupted'); };
  say(`lab ${s.name}: ${s.subnet}${s.ipv6 ? ` and ${s.ipv6.subnet}` : ''} on bridge ${s.bridge}, ${plans.length} hosts`);
  const len = prefixLength(s.span);
  const raised = await raiseNeighbourLimits(labNeighbourEntries(plans.filter((h) => h.role === 'director').length, plans.filter((h) => h.role === 'realserver').length, Boolean(s.bastion)), Boolean(s.ipv6));
  for (const r of raised) say(`  raised ${r.key} from ${r.from} to ${r.to}: the kernel's neighbour table is shared by every namespace, and a lab this size would overflow it (dropped packets)`);
  // The bastion is dialled like any host (sshd only, no nginx): a director's plan without a role's daemons.
  const bastion: LabHostPlan | null = s.bastion ? { name: BASTION_HOST, role: 'director', ordinal: 0, slot: 0, netns: s.bastion.netns, vethHost: s.bastion.veth, address: s.bastion.address } : null;
  const ends = [{ netns: s.admin.netns, vethHost: s.admin.veth }, ...(bastion ? [bastion] : []), ...plans];
  const adds = [
    `link add ${s.bridge} type bridge forward_delay 0 mcast_snooping 0`,
    ...ends.flatMap((h) => [`netns add ${h.netns}`, `link add ${h.vethHost} type veth peer name eth0 netns ${h.netns}`]),
  ];
  const ups = [`link set ${s.bridge} up`, ...ends.map((h) => `link set ${h.vethHost} master ${s.bridge} up`)];
  if (!s.ipv6) {
    await must('ip', ['-batch', '-'], { input: [...adds, ...ups].join('\n') + '\n' });
  } else {
    // The bridge and its ports (in this machine's namespace) stay a plain switch: with IPv6 they
    // would take link-local addresses through which lab hosts could reach the machine's own
    // services, and could take a router advertisement sent on the lab's wire.
    await must('ip', ['-batch', '-'], { input: adds.join('\n') + '\n' });
    await Promise.all([s.bridge, ...ends.map((h) => h.vethHost)].map((l) => writeFile(`/proc/sys/net/ipv6/conf/${l}/disable_ipv6`, '1')));
    await must('ip', ['-batch', '-'], { input: ups.join('\n') + '\n' });
  }
  check();
  await must('ip', ['netns', 'exec', s.admin.netns, 'sh', '-ec',
    [...ipv6Setup(s.admin.address6), 'ip link set lo up', `ip addr add ${s.admin.address}/${len} dev eth0`, 'ip link set eth0 up'].join('; ')]);

  const user = await generateUserKey(s.root, s.name);
  const save = stateWriter(s);
  const hostKeys: { address: string; publicKey: string }[] = new Array(plans.length);
  let done = 0;
  let failure: unknown = null;
  // Failures become values so every host in flight settles before up cleans up after itself.
  await mapLimit(plans, o.forks ?? 8, async (h, i) => {
    if (failure !== null || o.signal?.aborted) return;
    try {
      const dir = await prepareHostFiles(s.root, h, user.publicKey);
      hostKeys[i] = { address: h.address, publicKey: await generateHostKey(join(dir, 'etc-ssh'), h.name) };
      await startHost(h, dir, len, s.hosts[i]!, save, find);
    } catch (e) {
      failure ??= e;
      return;
    }
    done++;
    if (plans.length > 10 && done % 20 === 0) say(`  ${done}/${plans.length} hosts up`);
  });
  if (failure !== null) throw failure;
  check();
  if (bastion && s.bastion) {
    const dir = await prepareHostFiles(s.root, bastion, user.publicKey);
    hostKeys.push({ address: bastion.address, publicKey: await generateHostKey(join(dir, 'etc-ssh'), bastion.name) });
    await startHost(bastion, dir, len, s.bastion as LabHostState, save, find);
    // Last, so nothing above needed the admin namespace to reach a host: from here on it reaches
    // the bastion only (replies to its own connections still come back: the filter is outbound).
    await must('ip', ['netns', 'exec', s.admin.netns, 'nft', '-f', '-'], { input: bastionOnlyRules(s.subnet, bastion.address) });
  }
  await save();
  await writeKnownHosts(s.knownHosts, hostKeys);
  await writeInventory(s, randomBytes(6).toString('base64url').slice(0, 8));
  s.status = 'up';
  await writeState(s);
}

/**
 * nftables for the admin namespace of a lab with a bastion: SSH to the lab's subnet reaches the
 * bastion only. Other traffic (HTTP to the VIP and backends, which verify probes from the
 * controller as a client would) still flows: the bastion guards management, not the service.
 */
export function bastionOnlyRules(subnet: string, bastion: string): string {
  return `table ip hafleet_lab {
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr ${subnet} ip daddr != ${bastion} tcp dport 22 counter reject
  }
}
`;
}

/**
 * Removes the labs whose owner process (see `ownerPid`) has ended, among `only` when given;
 * returns their names. Labs without an owner (made with the CLI) are never touched.
 */
export async function reapOrphanLabs(only?: readonly string[], labs = DEFAULT_LABS_ROOT): Promise<string[]> {
  const reaped: string[] = [];
  for (const name of only ?? (await listLabs(labs))) {
    const s = await readState(name, labs).catch(() => null);
    if (!s?.ownerPid || pidRuns(s.ownerPid)) continue;
    if (s.status === 'creating' && pidRuns(s.upPid)) continue;
    await labDown(name, labs);
    reaped.push(name);
  }
  return reaped;
}
