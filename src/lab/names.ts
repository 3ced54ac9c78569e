/**
 * Every kernel object and address of a lab derives from its name and index, so `down` (and the
 * next `up` after a crash) can find exactly what a lab owns without guessing.
 */

export const LAB_NAME_RE = /^[a-z0-9]{1,8}$/;
export const DEFAULT_LAB_NAME = 'default';

export type HostRole = 'director' | 'realserver';

export interface LabHostPlan {
  name: string;           // lb1, web1
  role: HostRole;
  /** 1-based position in its role (lb2 → 2). */
  ordinal: number;
  /** Position among all hosts, 1-based: names the host-side veth. */
  slot: number;
  netns: string;
  vethHost: string;
  address: string;
  /** Its 2001:2::/48 address, only in a lab brought up with IPv6 (see ipv6.ts). */
  address6?: string;
}

/**
 * A lab's first /24 keeps one layout whatever its size: admin .1, bastion .5, directors .11–.19,
 * VIPs .100–.109, realservers .21–.99 then .110–.254 (224). A bigger lab takes 2 or 4 adjacent
 * /24s as one aligned /23 or /22 (its span): realservers 225 on fill the next /24s from .1 to
 * .254 (.0 and .255 of every /24 stay unused, so no address looks like a network or broadcast).
 */
export const MAX_DIRECTORS = 9;
export const REALSERVERS_PER_SPAN_1 = 79 + 145;
const PER_EXTRA_24 = 254;
/** The widest lab is a /22: 224 + 3 × 254 realservers. */
export const MAX_SPAN = 4;
export const MAX_REALSERVERS = REALSERVERS_PER_SPAN_1 + (MAX_SPAN - 1) * PER_EXTRA_24;
/** 198.18.0.0/15 holds 512 /24s; index 0 is left for documentation examples. */
export const MAX_LAB_INDEX = 511;

/** How many /24s a lab of `realservers` takes: 1, 2 (a /23) or 4 (a /22). */
export function labSpan(realservers: number): number {
  for (let span = 1; span <= MAX_SPAN; span *= 2) {
    if (realservers <= REALSERVERS_PER_SPAN_1 + (span - 1) * PER_EXTRA_24) return span;
  }
  throw new Error(`a lab holds at most ${MAX_REALSERVERS} realservers, not ${realservers}`);
}

/** The prefix length of a lab's subnet: /24, /23, /22. */
export function prefixLength(span = 1): number {
  return 24 - Math.log2(span);
}

export function netnsName(lab: string, host: string): string {
  return `hf-${lab}-${host}`;
}

export function bridgeName(lab: string): string {
  return `hfbr-${lab}`;
}

/** `hfv<lab>-<slot>`: at most 3 + 8 + 1 + 3 = 15 characters (IFNAMSIZ - 1). */
export function vethName(lab: string, slot: number | 'a' | 'b'): string {
  return `hfv${lab}-${slot}`;
}

export const ADMIN_HOST = 'admin';
/** The optional jump host (`lab up --bastion`): the admin namespace reaches only it. */
export const BASTION_HOST = 'bastion';

/** .5: below the directors' .11–.19, outside every other block. */
export function bastionAddress(index: number): string {
  return `${subnetPrefix(index)}.5`;
}

/** First three octets of the lab's (first) /24: index 1 → 198.18.1, index 256 → 198.19.0. */
export function subnetPrefix(index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > MAX_LAB_INDEX) throw new Error(`lab index out of range: ${index}`);
  return `${198}.${18 + (index >> 8)}.${index & 255}`;
}

/**
 * The lab's subnet: `198.18.<index>.0/24`, or the /23, /22 of a bigger lab, which starts at an
 * index aligned to its span (so it is a real CIDR block and two labs' blocks nest or part).
 */
export function subnetCidr(index: number, span = 1): string {
  if (![1, 2, 4].includes(span) || !Number.isInteger(index) || index < 1 || index % span !== 0 || index + span - 1 > MAX_LAB_INDEX) throw new Error(`lab index ${index} cannot start a block of ${span} /24s`);
  return `${subnetPrefix(index)}.0/${prefixLength(span)}`;
}

export function adminAddress(index: number): string {
  return `${subnetPrefix(index)}.1`;
}

export function vipAddress(index: number): string {
  return `${subnetPrefix(index)}.100`;
}

function hostAddress(index: number, role: HostRole, ordinal: number): string {
  if (role === 'director') return `${subnetPrefix(index)}.${10 + ordinal}`;
  if (ordinal <= REALSERVERS_PER_SPAN_1) return `${subnetPrefix(index)}.${ordinal <= 79 ? 20 + ordinal : 30 + ordinal}`; // skip the VIP block .100–.109
  const k = ordinal - REALSERVERS_PER_SPAN_1 - 1;
  return `${subnetPrefix(index + 1 + Math.floor(k / PER_EXTRA_24))}.${1 + (k % PER_EXTRA_24)}`;
}

/** VRIDs are 1–255; labs sit on separate bridges, so a wrap past 255 cannot collide on a wire. */
export function labVrid(index: number): number {
  return ((index - 1) % 255) + 1;
}

export function planHosts(lab: string, index: number, directors: number, realservers: number): LabHostPlan[] {
  subnetCidr(index, labSpan(realservers)); // the block must be one the lab can own
  const out: LabHostPlan[] = [];
  const add = (role: HostRole, prefix: string, count: number) => {
    for (let i = 1; i <= count; i++) {
      const name = `${prefix}${i}`;
      const slot = out.length + 1;
      out.push({
        name, role, ordinal: i, slot,
        netns: netnsName(lab, name),
        vethHost: vethName(lab, slot),
        address: hostAddress(index, role, i),
      });
    }
  };
  add('director', 'lb', directors);
  add('realserver', 'web', realservers);
  return out;
}
