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

/** Directors take .11–.19, VIPs .100–.109, realservers .21–.99 then .110–.254. */
export const MAX_DIRECTORS = 9;
export const MAX_REALSERVERS = 79 + 145;
/** 198.18.0.0/15 holds 512 /24s; index 0 is left for documentation examples. */
export const MAX_LAB_INDEX = 511;

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

/** First three octets of the lab's /24: index 1 → 198.18.1, index 256 → 198.19.0. */
export function subnetPrefix(index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > MAX_LAB_INDEX) throw new Error(`lab index out of range: ${index}`);
  return `${198}.${18 + (index >> 8)}.${index & 255}`;
}

export function subnetCidr(index: number): string {
  return `${subnetPrefix(index)}.0/24`;
}

export function adminAddress(index: number): string {
  return `${subnetPrefix(index)}.1`;
}

export function vipAddress(index: number): string {
  return `${subnetPrefix(index)}.100`;
}

function hostOctet(role: HostRole, ordinal: number): number {
  if (role === 'director') return 10 + ordinal;
  return ordinal <= 79 ? 20 + ordinal : 30 + ordinal; // skip the VIP block .100–.109
}

/** VRIDs are 1–255; labs sit on separate bridges, so a wrap past 255 cannot collide on a wire. */
export function labVrid(index: number): number {
  return ((index - 1) % 255) + 1;
}

export function planHosts(lab: string, index: number, directors: number, realservers: number): LabHostPlan[] {
  const out: LabHostPlan[] = [];
  const add = (role: HostRole, prefix: string, count: number) => {
    for (let i = 1; i <= count; i++) {
      const name = `${prefix}${i}`;
      const slot = out.length + 1;
      out.push({
        name, role, ordinal: i, slot,
        netns: netnsName(lab, name),
        vethHost: vethName(lab, slot),
        address: `${subnetPrefix(index)}.${hostOctet(role, i)}`,
      });
    }
  };
  add('director', 'lb', directors);
  add('realserver', 'web', realservers);
  return out;
}
