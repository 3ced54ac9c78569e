/**
 * VRRP advert codec, IPv4: VRRPv2 (RFC 3768 §5) and VRRPv3 (RFC 5798 §5). Pure: bytes in, values
 * out. Decoding never throws; a packet that is not a valid advert comes back with the reason, so
 * the caller can count it. Whether an advert is *for us* (VRID, address list, interval) is the
 * state machine's decision, not the codec's.
 */

export const VRRP_PROTO = 112;
export const VRRP_MCAST_GROUP = '224.0.0.18';

export type VrrpVersion = 2 | 3;

export interface Advert {
  version: VrrpVersion;
  vrid: number;
  priority: number;
  /** Centiseconds. v2 carries whole seconds, so a v2 value is a multiple of 100. */
  advertIntervalCs: number;
  /** Virtual addresses, dotted quads, in packet order. */
  addresses: string[];
}

/** What the IP header said about a received advert. */
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
  | 'auth-mismatch';

export type DecodeResult =
  | { ok: true; advert: Advert; envelope: Envelope }
  | { ok: false; reason: DropReason; detail?: string };

export interface DecodeOptions {
  /** VRRPv2 simple password; undefined = the instance uses no authentication. */
  authPass?: string;
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

function mustIpv4(ip: string): number[] {
  const b = ipv4ToBytes(ip);
  if (!b) throw new Error(`bug: not an IPv4 address: ${ip}`);
  return b;
}

export function bytesToIpv4(b: Uint8Array, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** IPv4 address as an unsigned 32-bit number, for the equal-priority tie-break. */
export function ipv4ToNumber(ip: string): number {
  const b = mustIpv4(ip);
  return ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
}

/** RFC 1071 one's-complement sum of 16-bit words, folded; `init` chains a pseudo-header. */
export function onesSum(b: Uint8Array, off: number, len: number, init = 0): number {
  let sum = init;
  for (let i = 0; i + 1 < len; i += 2) sum += (b[off + i]! << 8) | b[off + i + 1]!;
  if (len & 1) sum += b[off + len - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function pseudoHeaderSum(src: string, dst: string, length: number): number {
  const ph = new Uint8Array(12);
  ph.set(mustIpv4(src), 0);
  ph.set(mustIpv4(dst), 4);
  ph[9] = VRRP_PROTO;
  ph[10] = length >> 8;
  ph[11] = length & 0xff;
  return onesSum(ph, 0, 12);
}

function vrrpLength(version: VrrpVersion, count: number): number {
  return 8 + 4 * count + (version === 2 ? V2_AUTH_LEN : 0);
}

/** The VRRP message (the IP payload); the kernel adds the IP header. */
export function encodeAdvert(a: Advert, o: EncodeOptions): Uint8Array {
  const len = vrrpLength(a.version, a.addresses.length);
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
  a.addresses.forEach((ip, i) => b.set(mustIpv4(ip), 8 + 4 * i));
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
  b.set(mustIpv4(env.src), 12);
  b.set(mustIpv4(env.dst), 16);
  const ck = ~onesSum(b, 0, 20) & 0xffff;
  b[10] = ck >> 8;
  b[11] = ck & 0xff;
  b.set(payload, 20);
  return b;
}

/** Decode a received IPv4 packet (IP header included, as a raw IPv4 socket delivers it). */
export function decodePacket(pkt: Uint8Array, o: DecodeOptions = {}): DecodeResult {
  if (pkt.length < 20) return { ok: false, reason: 'truncated', detail: `${pkt.length} bytes` };
  if (pkt[0]! >> 4 !== 4) return { ok: false, reason: 'bad-ip-header', detail: 'not IPv4' };
  const ihl = (pkt[0]! & 0x0f) * 4;
  if (ihl < 20) return { ok: false, reason: 'bad-ip-header', detail: `header length ${ihl}` };
  const total = (pkt[2]! << 8) | pkt[3]!;
  if (total < ihl || total > pkt.length) return { ok: false, reason: 'truncated', detail: `IP length ${total}, have ${pkt.length}` };
  if (pkt[9] !== VRRP_PROTO) return { ok: false, reason: 'bad-protocol', detail: `protocol ${pkt[9]}` };
  const envelope: Envelope = { src: bytesToIpv4(pkt, 12), dst: bytesToIpv4(pkt, 16), ttl: pkt[8]! };
  // RFC 3768 §7.1 / RFC 5798 §7.1: TTL must be 255, so an advert cannot come from off-link.
  if (envelope.ttl !== 255) return { ok: false, reason: 'bad-ttl', detail: `TTL ${envelope.ttl}` };
  return decodeVrrp(pkt.subarray(ihl, total), envelope, o);
}

/** Decode the VRRP message itself, given what the IP header said. */
export function decodeVrrp(b: Uint8Array, envelope: Envelope, o: DecodeOptions = {}): DecodeResult {
  if (b.length < 8) return { ok: false, reason: 'truncated', detail: `${b.length} bytes of VRRP` };
  const version = b[0]! >> 4;
  if (version !== 2 && version !== 3) return { ok: false, reason: 'bad-version', detail: `version ${version}` };
  if ((b[0]! & 0x0f) !== 1) return { ok: false, reason: 'bad-type', detail: `type ${b[0]! & 0x0f}` };
  const count = b[3]!;
  if (count === 0) return { ok: false, reason: 'bad-addr-count', detail: 'no addresses' };
  const len = vrrpLength(version, count);
  if (b.length < len) return { ok: false, reason: 'truncated', detail: `${count} addresses need ${len} bytes, have ${b.length}` };
  const init = version === 3 ? pseudoHeaderSum(envelope.src, envelope.dst, b.length) : 0;
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
      const want = new Uint8Array(V2_AUTH_LEN);
      want.set(new TextEncoder().encode(o.authPass).subarray(0, V2_AUTH_LEN));
      const off = 8 + 4 * count;
      for (let i = 0; i < V2_AUTH_LEN; i++)
        if (b[off + i] !== want[i]) return { ok: false, reason: 'auth-mismatch', detail: 'password differs' };
    }
  }
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) addresses.push(bytesToIpv4(b, 8 + 4 * i));
  return {
    ok: true,
    advert: { version: version as VrrpVersion, vrid: b[1]!, priority: b[2]!, advertIntervalCs, addresses },
    envelope,
  };
}
