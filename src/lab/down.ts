import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { ADMIN_HOST, BASTION_HOST, bridgeName } from './names.js';
import { pidsByNetns, terminate } from './procs.js';
import { run } from './run.js';
import { DEFAULT_LABS_ROOT, labRoot, readState, removeLabRoot, type LabState } from './state.js';
import { releaseIndex } from './subnet.js';

export interface LabDownReport {
  name: string;
  /** False when there was nothing left of the lab (down twice is fine). */
  found: boolean;
  killed: number[];
  netns: string[];
  links: string[];
  /** Namespaces or links that still exist after down (a process stuck in the kernel): say so. */
  remaining: string[];
}

const hostPart = new RegExp(`^(${ADMIN_HOST}|${BASTION_HOST}|lb\\d+|web\\d+)$`);

/**
 * The lab's kernel objects: those its state file lists, plus any that follow its naming scheme
 * exactly (an `up` killed before its state file named them, or a lost lab root).
 */
async function ownedObjects(name: string, s: LabState | null): Promise<{ netns: string[]; links: string[] }> {
  const netns = new Set<string>(s ? [s.admin.netns, ...s.hosts.map((h) => h.netns), ...(s.bastion ? [s.bastion.netns] : [])] : []);
  const links = new Set<string>(s ? [s.bridge, s.admin.veth, ...s.hosts.map((h) => h.veth), ...(s.bastion ? [s.bastion.veth] : [])] : []);
  const nsPrefix = `hf-${name}-`;
  for (const n of await readdir('/run/netns').catch(() => [] as string[])) {
    if (n.startsWith(nsPrefix) && hostPart.test(n.slice(nsPrefix.length))) netns.add(n);
  }
  const vethRe = new RegExp(`^hfv${name}-(a|b|\\d+)$`);
  for (const l of await readdir('/sys/class/net').catch(() => [] as string[])) {
    if (l === bridgeName(name) || vethRe.test(l)) links.add(l);
  }
  return { netns: [...netns].filter((n) => existsSync(`/run/netns/${n}`)), links: [...links].filter((l) => existsSync(`/sys/class/net/${l}`)) };
}

/**
 * Removes everything of lab `name`: every process in its namespaces (by PID), its links and
 * namespaces (by name), its folder and subnet claim under the labs root `labs`. Safe to run
 * twice and after a crash.
 */
export async function labDown(name: string, labs = DEFAULT_LABS_ROOT): Promise<LabDownReport> {
  const s = await readState(name, labs).catch(() => null);
  const { netns, links } = await ownedObjects(name, s);
  const killed: number[] = [];
  // A second pass catches what forked while the first was dying (an sshd session, a reload).
  for (let pass = 0; pass < 3; pass++) {
    const pids = [...(await pidsByNetns(netns)).values()].flat().filter((p) => p !== process.pid);
    if (!pids.length) break;
    killed.push(...pids);
    await terminate(pids, pass === 0 ? 2000 : 500);
  }
  // Deleting the root-side veth removes its peer at once; the namespace then has nothing left.
  const batch = [...links.filter((l) => l !== bridgeName(name)).map((l) => `link del ${l}`),
    ...links.filter((l) => l === bridgeName(name)).map((l) => `link del ${l}`),
    ...netns.map((n) => `netns del ${n}`)];
  if (batch.length) await run('ip', ['-force', '-batch', '-'], { input: batch.join('\n') + '\n' });
  const found = Boolean(s) || netns.length > 0 || links.length > 0 || existsSync(labRoot(name, labs));
  const left = await ownedObjects(name, null);
  const remaining = [...left.netns, ...left.links];
  // Keep the state file while something is left, so the next down (or up) knows what to retry.
  if (remaining.length === 0) {
    await removeLabRoot(name, labs);
    await releaseIndex(name, labs);
  }
  return { name, found, killed, netns, links, remaining };
}
