import type { Cluster, VrrpInstance, VrrpMember } from '../topology/types.js';
import { encodeAdvert, ipv4ToBytes, VRRP_MCAST_GROUP, type Advert } from '../vrrp/packet.js';
import { rfcSkewTimeMs } from '../vrrp/timing.js';
import type { DirectorLane } from './rolling.js';
import type { HostResult } from './types.js';

/**
 * A first deploy's election, hastened the protocol's own way. keepalived starts every
 * non-owner instance in BACKUP and elects only when Master_Down_Interval (3 × advert_int +
 * Skew_Time) runs out, even with `state MASTER` (keepalived 2.2.7 vrrp_init_state: the short
 * path is for sync-group members only): ≈3.4 s at advert_int 1. RFC 3768 §6.4.2 / RFC 5798
 * §6.4.2: a Backup that receives an ADVERTISEMENT with priority 0 sets its Master_Down_Timer to
 * Skew_Time ((256 − priority)/256 s in v2), keepalived's vrrp_state_backup does so from any
 * sender that passes vrrp_check_packet (VRID, version, auth, advert_int in v2, the address
 * list), and so does the agent's machine (backupAdvert). So one director that is not the
 * intended holder says "priority 0" once per instance, as itself, and the intended holder
 * elects itself after its own Skew_Time (≈0.41 s at 150); the others' skews are longer and
 * the new master's first advert reaches them first.
 *
 * Pure: which packets, from which director, or why not. Every value that reaches the remote
 * sender is checked here by type (an IPv4 literal, an interface name, bytes).
 */

/** One advert as the remote sender gets it: out of `dev`, from `src` to `dst`. */
export interface AdvertPacket {
  dev: string;
  src: string;
  dst: string;
  /** The VRRP message; the sender's kernel adds the IP header (TTL 255). May carry auth_pass. */
  bytes: Uint8Array;
}

export interface ElectionSender {
  host: string;
  /** The instances it speaks for (their names, for messages). */
  instances: string[];
  packets: AdvertPacket[];
}

export type ElectionShortcut =
  /** `skewMs`: the longest Skew_Time of an intended holder, how long after the advert it elects. */
  | { take: true; senders: ElectionSender[]; skipped: string[]; skewMs: number }
  | { take: false; why: string };

/** Both speakers hafleet runs honour priority 0 in BACKUP (keepalived vrrp_state_backup, the agent's backupAdvert). */
const HONOURS_PRIORITY_ZERO = new Set<string>(['keepalived', 'agent']);

/** Linux IFNAMSIZ − 1, and only characters an interface name made by ip(8) or udev has. */
const IFNAME = /^[A-Za-z0-9_.:@+-]{1,15}$/;

/** A dotted quad in its one spelling (no leading zeros, no DNS name), or undefined. */
export function ipv4Literal(ip: unknown): string | undefined {
  if (typeof ip !== 'string') return undefined;
  const b = ipv4ToBytes(ip);
  return b && b.join('.') === ip ? ip : undefined;
}

export function ifname(dev: unknown): string | undefined {
  return typeof dev === 'string' && IFNAME.test(dev) && dev !== '.' && dev !== '..' ? dev : undefined;
}

/** The director deploy restarted or reloaded the VRRP speaker on. */
function speakerRestarted(r: HostResult | undefined): boolean {
  return r?.status === 'changed' && r.handlers.some((h) => /keepalived|agent/.test(h));
}

/**
 * Should the lane hasten the first election, and with which packets. Only for a cluster that
 * served nothing when the deploy started (no VIP anywhere: no master to unseat, no traffic to
 * move), where every director deployed in this run and (re)started its speaker, so each one
 * already runs the config the packets are built from.
 */
export function firstElectionShortcut(cluster: Cluster | undefined, lane: DirectorLane, results: ReadonlyMap<string, HostResult>): ElectionShortcut {
  if (lane.served) return { take: false, why: 'a VIP was held when the deploy started' };
  // A speaker that ran before may hold addresses the inventory no longer names: a master of the
  // old config this advert must not disturb.
  if (!lane.quietBefore) return { take: false, why: 'a VRRP speaker ran on a director before the deploy' };
  if (!cluster) return { take: false, why: 'no topology for the cluster' };
  const idle = lane.directors.find((d) => !speakerRestarted(results.get(d)));
  if (idle) return { take: false, why: `director ${idle} did not (re)start its VRRP speaker in this deploy` };
  const skipped: string[] = [];
  const byHost = new Map<string, ElectionSender>();
  let skewMs = 0;
  for (const inst of cluster.instances) {
    const p = instancePackets(inst);
    if ('why' in p) {
      skipped.push(`${inst.name}: ${p.why}`);
      continue;
    }
    const s = byHost.get(p.sender) ?? { host: p.sender, instances: [], packets: [] };
    s.instances.push(inst.name);
    s.packets.push(...p.packets);
    byHost.set(p.sender, s);
    skewMs = Math.max(skewMs, p.skewMs);
  }
  if (byHost.size === 0) return { take: false, why: skipped.join('; ') || 'no VRRP instance' };
  return { take: true, senders: [...byHost.values()], skipped, skewMs };
}

/** One instance's priority-0 adverts and who sends them, or why this instance waits. */
export function instancePackets(inst: VrrpInstance): { sender: string; packets: AdvertPacket[]; skewMs: number } | { why: string } {
  const members: VrrpMember[] = inst.members ?? [];
  if (members.length < 2) return { why: 'fewer than two directors' };
  const engine = members.find((m) => !HONOURS_PRIORITY_ZERO.has(m.engine));
  if (engine) return { why: `engine ${String(engine.engine)} on ${engine.host}` };
  const vips = (inst.vips ?? []).map((v) => v.address);
  // IPv6 adverts go from the link-local address with the kernel's IPv6 checksum rules: not worth
  // a second sender; an IPv6 instance waits for its timer as before.
  if (vips.length === 0 || vips.some((v) => v.includes(':'))) return { why: 'IPv6 (or no) virtual addresses' };
  if (vips.length > 255 || vips.some((v) => !ipv4Literal(v))) return { why: 'a virtual address is not a dotted quad' };
  const top = Math.max(...members.map((m) => m.priority));
  const tops = members.filter((m) => m.priority === top);
  // Equal priorities elect by address after equal skews (two masters for a moment): no one to hasten.
  if (tops.length !== 1) return { why: `${tops.length} directors share the top priority ${top}` };
  // The address owner starts MASTER at once (keepalived: ms_down_timer 1).
  if (top >= 255) return { why: 'the intended holder owns the address (priority 255): it starts MASTER' };
  const sender = [...members].sort((a, b) => a.priority - b.priority)[0]!;
  if (sender.host === tops[0]!.host) return { why: 'no director below the intended holder' };
  const dev = ifname(sender.interface || inst.interface);
  if (!dev) return { why: `interface of ${sender.host} is not an interface name` };
  const src = ipv4Literal(inst.unicast ? (sender.unicastSrcIp ?? sender.address) : sender.address);
  if (!src) return { why: `${sender.host}'s address is not a dotted quad` };
  const dsts = inst.unicast ? (sender.unicastPeers ?? []).map(ipv4Literal) : [VRRP_MCAST_GROUP];
  if (dsts.length === 0 || dsts.some((d) => !d)) return { why: `${sender.host}'s unicast peers are not dotted quads` };
  const interval = advertIntervalCs(inst);
  if (interval === undefined) return { why: `advert_int ${inst.advertInt} does not fit VRRPv${inst.version}` };
  const advert: Advert = { version: inst.version, vrid: inst.vrid, priority: 0, advertIntervalCs: interval, addresses: vips };
  if (!Number.isInteger(inst.vrid) || inst.vrid < 1 || inst.vrid > 255) return { why: `VRID ${inst.vrid}` };
  // VRRPv3 has no authentication (keepalived ignores it there); v2 carries the PASS data.
  const auth = inst.version === 2 && inst.authPass !== undefined ? { authPass: inst.authPass } : {};
  const packets = (dsts as string[]).map((dst) => ({ dev, src, dst, bytes: encodeAdvert(advert, { src, dst, ...auth }) }));
  return { sender: sender.host, packets, skewMs: rfcSkewTimeMs(inst.version, top, interval * 10) };
}

/** v2: whole seconds 1–255 (the receiver drops any other); v3: centiseconds 1–4095. */
function advertIntervalCs(inst: VrrpInstance): number | undefined {
  const cs = Math.round(inst.advertInt * 100);
  if (inst.version === 2) return Number.isInteger(inst.advertInt) && inst.advertInt >= 1 && inst.advertInt <= 255 ? cs : undefined;
  return cs >= 1 && cs <= 4095 ? cs : undefined;
}
