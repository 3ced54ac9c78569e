/**
 * The Linux capabilities the agent needs, instead of uid 0. Always CAP_NET_RAW (raw VRRP
 * sockets, AF_PACKET for gratuitous ARP) and CAP_NET_ADMIN (addresses, multicast membership,
 * VMAC links, routes). Only when a script runs as someone else: CAP_SETUID + CAP_SETGID (the
 * child's setgroups/setgid/setuid) and, for track scripts, CAP_KILL (a timed-out check of
 * another uid is killed). Its own user also gets CAP_DAC_READ_SEARCH (in CAP: the unit and the
 * wrapper grant it) to read root's config (auth_pass) and the day-2 track files in root's 0700
 * state dir without owning them; as root it needs none of it. Never CAP_DAC_OVERRIDE (it writes
 * nothing of root's) nor CAP_SYS_ADMIN. Pure: CapEff comes in as a number.
 */
import type { AgentConfig } from '../keepalived-conf/config-types.js';

export const CAP = { CAP_DAC_READ_SEARCH: 2, CAP_KILL: 5, CAP_SETGID: 6, CAP_SETUID: 7, CAP_NET_ADMIN: 12, CAP_NET_RAW: 13 } as const;
export type CapName = keyof typeof CAP;

/** CapEff: from /proc/self/status (hex). */
export function parseCapEff(status: string): bigint | undefined {
  const m = /^CapEff:\s*([0-9a-fA-F]+)$/m.exec(status);
  return m ? BigInt('0x' + m[1]) : undefined;
}

/** What a secured config (scripts resolved) needs, for an agent running as own uid/gid. */
export function requiredCapabilities(cfg: AgentConfig, own: { uid: number; gid: number }): CapName[] {
  const need: CapName[] = ['CAP_NET_RAW', 'CAP_NET_ADMIN'];
  const other = (e: { uid: number; gid: number } | undefined) => e !== undefined && (e.uid !== own.uid || e.gid !== own.gid);
  const notify = [...cfg.instances.map((i) => i.notify), ...cfg.syncGroups.map((g) => g.notify)].flatMap((n) => Object.values(n)).map((n) => n?.exec);
  const used = new Set(cfg.instances.flatMap((i) => i.trackScripts.map((t) => t.name)));
  const track = cfg.scripts.filter((s) => used.has(s.name)).map((s) => s.exec);
  if ([...notify, ...track].some(other)) need.push('CAP_SETUID', 'CAP_SETGID');
  if (track.some((e) => e !== undefined && e.uid !== own.uid)) need.push('CAP_KILL');
  return need;
}

export function missingCapabilities(capEff: bigint, need: readonly CapName[]): CapName[] {
  return need.filter((c) => (capEff & (1n << BigInt(CAP[c]))) === 0n);
}
