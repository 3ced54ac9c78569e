/**
 * VRRP advert codec: VRRPv2 over IPv4 (RFC 3768 §5), VRRPv3 over IPv4 and IPv6 (RFC 5798 §5).
 * Pure: bytes in, values out. Decoding never throws; a packet that is not a valid advert comes back with the reason, so
 * the caller can count it. Whether an advert is *for us* (VRID, address list, interval) is the
 * state machine's decision, not the codec's.
 */

import ipaddr from 'ipaddr.js';

export const VRRP_PROTO = 112;
export const VRRP_MCAST_GROUP = '224.0.0.18';
/** RFC 5798 §5.1.2.2: the IPv6 group, link-local scope. */
export const VRRP_MCAST_GROUP6 = 'ff02::12';

/** IP version of an address or an instance. */
export type Family = 4 | 6;

export type VrrpVersion = 2 | 3;

export interface Advert {
  version: VrrpVersion;
  vrid: number;
  priority: number;
  /** Centiseconds. v2 carries whole seconds, so a v2 value is a multiple of 100. */
  advertIntervalCs: number;
  /** Virtual addresses in packet order: dotted quads, or IPv6 in canonical (RFC 5952) text. */
  addresses: string[];
}

/** What the IP header said about a received advert (IPv6: `ttl` is the hop limit). */
export interface Envelope {
  src: string;
  dst: string;
  ttl: number;
}

export type DropReason =
  | 'truncated'
  | 'bad-ip-header'
  | 'bad-protocol'
  | 'bad-ttl'
  | 'bad-version'
  | 'bad-type'
  | 'bad-addr-count'
  | 'bad-interval'
  | 'bad-checksum'
  | 'auth-mismatch'
  | 'unknown-unicast-src';

export type DecodeResult =
  | { ok: true; advert: Advert; envelope: Envelope }
  | { ok: false; reason: DropReason; detail?: string };

export interface DecodeOptions {
  /** VRRPv2 simple password; undefined = the instance uses no authentication. */
  authPass?: string;
  /**
   * Unicast peers: accept any TTL / hop limit. The RFCs' 255 rule guards the multicast group;
   * keepalived does not apply it to unicast, and sends IPv6 unicast adverts with the kernel's
   * default hop limit (64). The receiver checks the source against its peer list instead.
   */
  anyTtl?: boolean;
}

export interface EncodeOptions {
  authPass?: string;
  /** Source and destination of the IP packet: the v3 checksum covers them (RFC 5798 §5.2.8). */
  src: string;
  dst: string;
}

const V2_AUTH_LEN = 8;

export function ipv4ToBytes(ip: string): number[] | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  const out = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return out.every((n) => n >= 0 && n <= 255) ? out : undefined;
}

/** The 16 bytes of an IPv6 address (no zone), or undefined. */
export function ipv6ToBytes(ip: string): number[] | undefined {
  if (!ip.includes(':') || ip.includes('%') || !ipaddr.IPv6.isValid(ip)) return undefined;
  return ipaddr.IPv6.parse(ip).toByteArray();
}

export function familyOf(ip: string): Family {
  return ip.includes(':') ? 6 : 4;
}

/** Bytes of an IPv4 or IPv6 address, or undefined when it is neither. */
export function ipToBytes(ip: string): number[] | undefined {
  return familyOf(ip) === 6 ? ipv6ToBytes(ip) : ipv4ToBytes(ip);
}

/**
 * One spelling per address (IPv6 has many: 2001:2:0:0::1, 2001:2::1, upper case…), so addresses
 * from a config and from a packet compare as strings. Undefined when `ip` is not an address.
 */
export function canonicalIp(ip: string): string | undefined {
  const b = ipToBytes(ip);
  return b && (b.length === 4 ? ip.split('.').map(Number).join('.') : bytesToIpv6(Uint8Array.from(b), 0));
}

function mustIp(ip: string, family: Family): number[] {
  const b = family === 6 ? ipv6ToBytes(ip) : ipv4ToBytes(ip);
  if (!b) throw new Error(`bug: not an IPv${family} address: ${ip}`);
  return b;
}

export function bytesToIpv4(b: Uint8Array, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

export function bytesToIpv6(b: Uint8Array, off: number): string {
  return ipaddr.fromByteArray([...b.subarray(off, off + 16)]).toString();
}

/**
 * Orders two addresses of one family as unsigned numbers (the equal-priority tie-break, RFC 5798
 * §6.4.3: the higher primary address wins): < 0, 0, > 0.
 */
export function compareIp(a: string, b: string): number {
  const x = ipToBytes(a);
  const y = ipToBytes(b);
  if (!x || !y || x.length !== y.length) throw new Error(`bug: cannot compare ${a} with ${b}`);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** A group adverts may go to: IPv4 224.0.0.0/4; IPv6 link-local scope ff02::/16 (keepalived's rule). */
export function isMulticastGroup(ip: string, family: Family): boolean {
  const b = ipToBytes(ip);
  if (!b || (b.length === 16) !== (family === 6)) return false;
  return family === 6 ? b[0] === 0xff && (b[1]! & 0x0f) === 2 : (b[0]! & 0xf0) === 0xe0;
}

/** RFC 4291 §2.5.6: fe80::/10. */
export function isLinkLocal6(ip: string): boolean {
  const b = ipv6ToBytes(ip);
  return b !== undefined && b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
}

/** RFC 1071 one's-complement sum of 16-bit words, folded; `init` chains a pseudo-header. */
export function onesSum(b: Uint8Array, off: number, len: number, init = 0): number {
  let sum = init;
  for (let i = 0; i + 1 < len; i += 2) sum += (b[off + i]! << 8) | b[off + i + 1]!;
  if (len & 1) sum += b[off + len - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** IPv4 (RFC 768 style, 12 bytes) or IPv6 (RFC 8200 §8.1, 40 bytes) pseudo-header, summed. */
export function pseudoHeaderSum(src: string, dst: string, length: number, proto = VRRP_PROTO): number {
  if (familyOf(src) === 6) {
    const ph = new Uint8Array(40);
    ph.set(mustIp(src, 6), 0);
    ph.set(mustIp(dst, 6), 16);
    ph[34] = length >> 8;
    ph[35] = length & 0xff;
    ph[39] = proto;
    return onesSum(ph, 0, 40);
  }
  const ph = new Uint8Array(12);
  ph.set(mustIp(src, 4), 0);
  ph.set(mustIp(dst, 4), 4);
  ph[9] = proto;
  ph[10] = length >> 8;
  ph[11] = length & 0xff;
  return onesSum(ph, 0, 12);
}

/**
 * The same sum straight from a received packet's address bytes, without a round trip through
 * text: source and destination are adjacent in both headers (IPv4 12–19, IPv6 8–39), and the
 * pseudo-header's other words are the length and the protocol.
 */
function pseudoHeaderSumAt(pkt: Uint8Array, srcOff: number, alen: number, length: number): number {
  let sum = onesSum(pkt, srcOff, 2 * alen) + length + VRRP_PROTO;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

const utf8 = new TextEncoder();
/** The last auth_pass as its 8 wire bytes: one instance checks the same password on every advert. */
let authBytes: { pass: string; bytes: Uint8Array } | undefined;

function authWire(pass: string): Uint8Array {
  if (authBytes?.pass !== pass) {
    const bytes = new Uint8Array(V2_AUTH_LEN);
    bytes.set(utf8.encode(pass).subarray(0, V2_AUTH_LEN));
    authBytes = { pass, bytes };
  }
  return authBytes.bytes;
}

function addrLen(family: Family): number {
  return family === 6 ? 16 : 4;
}

function vrrpLength(version: VrrpVersion, count: number, family: Family): number {
  return 8 + addrLen(family) * count + (version === 2 ? V2_AUTH_LEN : 0);
}

/**
 * The VRRP message (the IP payload); the kernel adds the IP header. The family is the source
 * address's: IPv6 adverts carry 16-byte addresses and are VRRPv3 only.
 */
export function encodeAdvert(a: Advert, o: EncodeOptions): Uint8Array {
  const family = familyOf(o.src);
  if (family === 6 && a.version !== 3) throw new Error('bug: VRRPv2 has no IPv6 form');
  const alen = addrLen(family);
  const len = vrrpLength(a.version, a.addresses.length, family);
  const b = new Uint8Array(len);
  b[0] = (a.version << 4) | 1;
  b[1] = a.vrid;
  b[2] = a.priority;
  b[3] = a.addresses.length;
  if (a.version === 2) {
    b[4] = o.authPass !== undefined ? 1 : 0;
    b[5] = Math.round(a.advertIntervalCs / 100);
  } else {
    const cs = a.advertIntervalCs & 0x0fff;
    b[4] = cs >> 8;
    b[5] = cs & 0xff;
  }
  a.addresses.forEach((ip, i) => b.set(mustIp(ip, family), 8 + alen * i));
  if (a.version === 2 && o.authPass !== undefined) {
    // RFC 3768 §5.3.11: up to 8 octets, zero-padded.
    b.set(new TextEncoder().encode(o.authPass).subarray(0, V2_AUTH_LEN), 8 + 4 * a.addresses.length);
  }
  const init = a.version === 3 ? pseudoHeaderSum(o.src, o.dst, len) : 0;
  const ck = ~onesSum(b, 0, len, init) & 0xffff;
  b[6] = ck >> 8;
  b[7] = ck & 0xff;
  return b;
}

/** A whole IPv4 packet as a raw socket receives it: for tests, fuzzing and the simulations. */
export function encodeIpv4Packet(payload: Uint8Array, env: Envelope): Uint8Array {
  const b = new Uint8Array(20 + payload.length);
  b[0] = 0x45;
  b[1] = 0xc0;
  const total = b.length;
  b[2] = total >> 8;
  b[3] = total & 0xff;
  b[8] = env.ttl;
  b[9] = VRRP_PROTO;
  b.set(mustIp(env.src, 4), 12);
  b.set(mustIp(env.dst, 4), 16);
  const ck = ~onesSum(b, 0, 20) & 0xffff;
  b[10] = ck >> 8;
  b[11] = ck & 0xff;
  b.set(payload, 20);
  return b;
}

/**
 * A whole IPv6 packet (fixed header, no extension headers): for tests, and for the receive worker,
 * which rebuilds the header a raw IPv6 socket strips from what recvmsg reports (source, the
 * destination from IPV6_PKTINFO, the hop limit from IPV6_HOPLIMIT), so one decoder serves both.
 */
export function encodeIpv6Packet(payload: Uint8Array, env: Envelope, trafficClass = 0xc0): Uint8Array {
  return frameIpv6(payload, mustIp(env.src, 6), mustIp(env.dst, 6), env.ttl, trafficClass);
}

/** `encodeIpv6Packet` on raw address bytes (the receive worker has bytes, not text). */
export function frameIpv6(payload: Uint8Array, src: ArrayLike<number>, dst: ArrayLike<number>, hopLimit: number, trafficClass = 0): Uint8Array {
  const b = new Uint8Array(40 + payload.length);
  b[0] = 0x60 | (trafficClass >> 4);
  b[1] = (trafficClass & 0x0f) << 4;
  b[4] = payload.length >> 8;
  b[5] = payload.length & 0xff;
  b[6] = VRRP_PROTO;
  b[7] = hopLimit;
  b.set(src, 8);
  b.set(dst, 24);
  b.set(payload, 40);
  return b;
}

/** The source address of a received packet, for the log line of one that failed to decode. */
export function packetSource(pkt: Uint8Array): string | undefined {
  const v = (pkt[0] ?? 0) >> 4;
  if (v === 4 && pkt.length >= 20) return bytesToIpv4(pkt, 12);
  if (v === 6 && pkt.length >= 40) return bytesToIpv6(pkt, 8);
  return undefined;
}

/** Offset of the VRRP message in a packet `decodePacket` takes (IPv4 or IPv6), for dispatch by VRID. */
export function payloadOffset(pkt: Uint8Array): number {
  return (pkt[0] ?? 0) >> 4 === 6 ? 40 : ((pkt[0] ?? 0) & 0x0f) * 4;
}

function decodeIpv6(pkt: Uint8Array, o: DecodeOptions): DecodeResult {
  if (pkt.length < 40) return { ok: false, reason: 'truncated', detail: `${pkt.length} bytes` };
  const plen = (pkt[4]! << 8) | pkt[5]!;
  if (40 + plen > pkt.length) return { ok: false, reason: 'truncated', detail: `IPv6 payload length ${plen}, have ${pkt.length - 40}` };
  // Extension headers never reach us: the kernel has consumed them before a raw socket sees the payload.
  if (pkt[6] !== VRRP_PROTO) return { ok: false, reason: 'bad-protocol', detail: `next header ${pkt[6]}` };
  const envelope: Envelope = { src: bytesToIpv6(pkt, 8), dst: bytesToIpv6(pkt, 24), ttl: pkt[7]! };
  // RFC 5798 §7.1: the hop limit must be 255.
  if (envelope.ttl !== 255 && !o.anyTtl) return { ok: false, reason: 'bad-ttl', detail: `hop limit ${envelope.ttl}` };
  return decodeMessage(pkt.subarray(40, 40 + plen), envelope, o, pkt, 8);
}

/**
 * Decode a received packet, IP header included: IPv4 as a raw IPv4 socket delivers it, IPv6 as
 * `encodeIpv6Packet` rebuilds it.
 */
export function decodePacket(pkt: Uint8Array, o: DecodeOptions = {}): DecodeResult {
  if (pkt.length >= 1 && pkt[0]! >> 4 === 6) return decodeIpv6(pkt, o);
  if (pkt.length < 20) return { ok: false, reason: 'truncated', detail: `${pkt.length} bytes` };
  if (pkt[0]! >> 4 !== 4) return { ok: false, reason: 'bad-ip-header', detail: `IP version ${pkt[0]! >> 4}` };
  const ihl = (pkt[0]! & 0x0f) * 4;
  if (ihl < 20) return { ok: false, reason: 'bad-ip-header', detail: `header length ${ihl}` };
  const total = (pkt[2]! << 8) | pkt[3]!;
  if (total < ihl || total > pkt.length) return { ok: false, reason: 'truncated', detail: `IP length ${total}, have ${pkt.length}` };
  if (pkt[9] !== VRRP_PROTO) return { ok: false, reason: 'bad-protocol', detail: `protocol ${pkt[9]}` };
  const envelope: Envelope = { src: bytesToIpv4(pkt, 12), dst: bytesToIpv4(pkt, 16), ttl: pkt[8]! };
  // RFC 3768 §7.1 / RFC 5798 §7.1: TTL must be 255, so an advert cannot come from off-link.
  if (envelope.ttl !== 255 && !o.anyTtl) return { ok: false, reason: 'bad-ttl', detail: `TTL ${envelope.ttl}` };
  return decodeMessage(pkt.subarray(ihl, total), envelope, o, pkt, 12);
}

/** Decode the VRRP message itself, given what the IP header said. */
export function decodeVrrp(b: Uint8Array, envelope: Envelope, o: DecodeOptions = {}): DecodeResult {
  return decodeMessage(b, envelope, o);
}

/** `pkt` and `srcOff`: the whole packet and where its addresses are, when the caller has them. */
function decodeMessage(b: Uint8Array, envelope: Envelope, o: DecodeOptions, pkt?: Uint8Array, srcOff = 0): DecodeResult {
  if (b.length < 8) return { ok: false, reason: 'truncated', detail: `${b.length} bytes of VRRP` };
  const version = b[0]! >> 4;
  if (version !== 2 && version !== 3) return { ok: false, reason: 'bad-version', detail: `version ${version}` };
  const family = familyOf(envelope.src);
  // RFC 3768 defines VRRPv2 for IPv4 only.
  if (version === 2 && family === 6) return { ok: false, reason: 'bad-version', detail: 'VRRPv2 over IPv6' };
  if ((b[0]! & 0x0f) !== 1) return { ok: false, reason: 'bad-type', detail: `type ${b[0]! & 0x0f}` };
  const count = b[3]!;
  if (count === 0) return { ok: false, reason: 'bad-addr-count', detail: 'no addresses' };
  const alen = addrLen(family);
  const len = vrrpLength(version, count, family);
  if (b.length < len) return { ok: false, reason: 'truncated', detail: `${count} addresses need ${len} bytes, have ${b.length}` };
  const init = version !== 3 ? 0 : pkt ? pseudoHeaderSumAt(pkt, srcOff, alen, b.length) : pseudoHeaderSum(envelope.src, envelope.dst, b.length);
  // Over the whole message, as keepalived does: a valid one sums to 0xffff.
  if (onesSum(b, 0, version === 3 ? b.length : len, init) !== 0xffff) return { ok: false, reason: 'bad-checksum' };
  const advertIntervalCs = version === 2 ? b[5]! * 100 : ((b[4]! & 0x0f) << 8) | b[5]!;
  if (advertIntervalCs === 0) return { ok: false, reason: 'bad-interval', detail: 'advert interval 0' };
  if (version === 2) {
    const authType = b[4]!;
    if (o.authPass === undefined) {
      if (authType !== 0) return { ok: false, reason: 'auth-mismatch', detail: `auth type ${authType}, expected none` };
    } else {
      if (authType !== 1) return { ok: false, reason: 'auth-mismatch', detail: `auth type ${authType}, expected PASS` };
      const want = authWire(o.authPass);
      const off = 8 + 4 * count;
      for (let i = 0; i < V2_AUTH_LEN; i++)
        if (b[off + i] !== want[i]) return { ok: false, reason: 'auth-mismatch', detail: 'password differs' };
    }
  }
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) addresses.push(family === 6 ? bytesToIpv6(b, 8 + alen * i) : bytesToIpv4(b, 8 + alen * i));
  return {
    ok: true,
    advert: { version: version as VrrpVersion, vrid: b[1]!, priority: b[2]!, advertIntervalCs, addresses },
    envelope,
  };
}
