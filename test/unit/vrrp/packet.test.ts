import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalIp, compareIp, decodePacket, decodeVrrp, encodeAdvert, encodeIpv4Packet, encodeIpv6Packet, isLinkLocal6, onesSum, pseudoHeaderSum, type Advert,
} from '../../../src/vrrp/packet.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const env = { src: '198.18.250.1', dst: '224.0.0.18', ttl: 255 };

// Vectors computed by hand from the RFC layouts (sums worked in the comments).
test('v2 advert with auth PASS encodes byte for byte', () => {
  const a: Advert = { version: 2, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100'] };
  // 21 33 64 01 | auth 01 | int 01 | ck | c6120064 | "secret\0\0"; sum 0x288f6 → 0x88f8 → ~ 0x7707
  assert.equal(hex(encodeAdvert(a, { authPass: 'secret', src: env.src, dst: env.dst })), '2133640101017707c612006473656372657400' + '00');
});

test('v3 advert checksum covers the IPv4 pseudo-header', () => {
  const a: Advert = { version: 3, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100'] };
  // pseudo c612 fa01 e000 0012 0070 000c = 0x2a0a1; message 0x15c0e; total folds to 0xfcb2 → ~ 0x034d
  assert.equal(hex(encodeAdvert(a, { src: env.src, dst: env.dst })), '31336401' + '0064' + '034d' + 'c6120064');
});

test('a whole packet: the v3 pseudo-header is summed from its address bytes, and agrees with the text path', () => {
  const a3: Advert = { version: 3, vrid: 1, priority: 100, advertIntervalCs: 10, addresses: ['198.18.0.1', '198.18.0.2'] };
  const v4 = encodeIpv4Packet(encodeAdvert(a3, { src: env.src, dst: env.dst }), env);
  assert.deepEqual(decodePacket(v4), { ok: true, advert: a3, envelope: env });
  for (const at of [12, 15, 16, 19]) {
    const b = Uint8Array.from(v4);
    b[at]! ^= 1;
    assert.deepEqual(decodePacket(b), { ok: false, reason: 'bad-checksum' }, `address byte ${at} is covered`);
  }
  const e6 = { src: 'fe80::1', dst: 'ff02::12', ttl: 255 };
  const a6: Advert = { ...a3, addresses: ['2001:db8::1'] };
  const v6 = encodeIpv6Packet(encodeAdvert(a6, e6), e6);
  assert.deepEqual(decodePacket(v6), { ok: true, advert: a6, envelope: e6 });
  const b6 = Uint8Array.from(v6);
  b6[39]! ^= 1;
  assert.deepEqual(decodePacket(b6), { ok: false, reason: 'bad-checksum' }, 'the last destination byte is covered');
});

test('v3 checksum changes with the source address (pseudo-header), v2 does not', () => {
  const a3: Advert = { version: 3, vrid: 1, priority: 100, advertIntervalCs: 10, addresses: ['198.18.0.1'] };
  const p = encodeAdvert(a3, { src: '198.18.250.1', dst: env.dst });
  const r = decodeVrrp(p, { ...env, src: '198.18.250.2' });
  assert.deepEqual(r, { ok: false, reason: 'bad-checksum' });
  const a2: Advert = { ...a3, version: 2, advertIntervalCs: 100 };
  assert.equal(decodeVrrp(encodeAdvert(a2, { src: '198.18.250.1', dst: env.dst }), { ...env, src: '198.18.250.2' }).ok, true);
});

test('round trip v2 and v3 through a whole IP packet', () => {
  for (const a of [
    { version: 2, vrid: 7, priority: 254, advertIntervalCs: 300, addresses: ['198.18.0.10', '198.18.0.11'] },
    { version: 3, vrid: 255, priority: 0, advertIntervalCs: 4095, addresses: ['198.18.0.10'] },
  ] as Advert[]) {
    const pkt = encodeIpv4Packet(encodeAdvert(a, { src: env.src, dst: env.dst, authPass: a.version === 2 ? 'pw' : undefined }), env);
    const r = decodePacket(pkt, { authPass: a.version === 2 ? 'pw' : undefined });
    assert.deepEqual(r, { ok: true, advert: a, envelope: env });
  }
});

function v2(pass?: string, over: Partial<Advert> = {}) {
  const a: Advert = { version: 2, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100'], ...over };
  return encodeAdvert(a, { authPass: pass, src: env.src, dst: env.dst });
}

test('drops with the reason, never throws', () => {
  const good = encodeIpv4Packet(v2('secret'), env);
  const cases: [string, Uint8Array, string | undefined, string][] = [
    ['empty', new Uint8Array(0), 'secret', 'truncated'],
    ['ip only', good.subarray(0, 20), 'secret', 'truncated'],
    ['ttl 254', encodeIpv4Packet(v2('secret'), { ...env, ttl: 254 }), 'secret', 'bad-ttl'],
    ['wrong password', good, 'secreT', 'auth-mismatch'],
    ['password where none', good, undefined, 'auth-mismatch'],
    ['none where password', encodeIpv4Packet(v2(undefined), env), 'secret', 'auth-mismatch'],
  ];
  const mut = (f: (b: Uint8Array) => void) => { const b = Uint8Array.from(good); f(b); return b; };
  cases.push(['version 4', mut((b) => (b[20] = 0x41)), 'secret', 'bad-version']);
  cases.push(['type 2', mut((b) => (b[20] = 0x22)), 'secret', 'bad-type']);
  cases.push(['flipped bit', mut((b) => (b[25] ^= 0x10)), 'secret', 'bad-checksum']);
  cases.push(['zero addresses', mut((b) => (b[23] = 0)), 'secret', 'bad-addr-count']);
  cases.push(['more addresses than bytes', mut((b) => (b[23] = 9)), 'secret', 'truncated']);
  cases.push(['protocol 6', mut((b) => (b[9] = 6)), 'secret', 'bad-protocol']);
  cases.push(['IP version 5', mut((b) => (b[0] = 0x55)), 'secret', 'bad-ip-header']);
  cases.push(['IP length past end', mut((b) => (b[3] = 200)), 'secret', 'truncated']);
  cases.push(['interval 0', encodeIpv4Packet(v2('secret', { advertIntervalCs: 0 }), env), 'secret', 'bad-interval']);
  for (const [name, pkt, pass, reason] of cases) {
    const r = decodePacket(pkt, { authPass: pass });
    assert.equal(r.ok, false, name);
    assert.equal(!r.ok && r.reason, reason, name);
  }
});

test('passwords longer than 8 bytes compare on the first 8, as keepalived truncates them', () => {
  const pkt = encodeIpv4Packet(v2('12345678xyz'), env);
  assert.equal(decodePacket(pkt, { authPass: '12345678' }).ok, true);
});

test('compareIp orders addresses of one family as unsigned numbers, for the tie-break', () => {
  assert.ok(compareIp('198.18.250.2', '198.18.250.1') > 0);
  assert.ok(compareIp('255.0.0.1', '198.18.0.1') > 0);
  assert.equal(compareIp('198.18.0.1', '198.18.0.1'), 0);
  assert.ok(compareIp('fe80::2', 'fe80::1') > 0);
  assert.ok(compareIp('fe80::1:0', 'fe80::ffff') > 0);
  assert.ok(compareIp('fe80::ff00:0:0:1', 'fe80::1ff:ffff:ffff:ffff') > 0, 'high bytes first');
  assert.throws(() => compareIp('fe80::1', '198.18.0.1'));
});

test('canonicalIp gives every address one spelling; zones and junk are refused', () => {
  assert.equal(canonicalIp('2001:0002:0000:0000::0100'), '2001:2::100');
  assert.equal(canonicalIp('FE80::A:1'), 'fe80::a:1');
  assert.equal(canonicalIp('2001:2:0:1:0:0:0:11'), '2001:2:0:1::11');
  assert.equal(canonicalIp('198.18.0.100'), '198.18.0.100');
  for (const bad of ['fe80::1%eth0', '198.18.0', '198.18.0.256', '2001:2::1::2', 'eth0', '']) assert.equal(canonicalIp(bad), undefined, bad);
  assert.equal(isLinkLocal6('fe80::1'), true);
  assert.equal(isLinkLocal6('febf::1'), true);
  assert.equal(isLinkLocal6('fec0::1'), false);
  assert.equal(isLinkLocal6('2001:2::1'), false);
});

const env6 = { src: 'fe80::11', dst: 'ff02::12', ttl: 255 };

test('v3 over IPv6: 16-byte addresses, checksum over the IPv6 pseudo-header', () => {
  const a: Advert = { version: 3, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['fe80::100'] };
  const p = encodeAdvert(a, { src: env6.src, dst: env6.dst });
  assert.equal(p.length, 8 + 16);
  assert.equal(hex(p.subarray(0, 6)), '313364010064');
  assert.equal(hex(p.subarray(8)), 'fe800000000000000000000000000100');
  // RFC 8200 §8.1: src, dst, 32-bit length, 3 zero bytes, next header. Worked by hand:
  // fe80+0011 (src) + ff02+0012 (dst) + 0018 (length) + 0070 (next header) = 0x1fe2d → 0xfe2e;
  // message 3133+6401+0064+fe80+0100 = 0x19518; together 0x39345 → folds to 0x9348 → ~ 0x6cb7.
  assert.equal(pseudoHeaderSum(env6.src, env6.dst, 24), 0xfe2e, 'pseudo-header alone, folded');
  assert.equal(hex(p.subarray(6, 8)), '6cb7');
  assert.equal(onesSum(p, 0, p.length, pseudoHeaderSum(env6.src, env6.dst, p.length)), 0xffff);
  // The pseudo-header binds the checksum to both addresses.
  assert.deepEqual(decodeVrrp(p, { ...env6, src: 'fe80::12' }), { ok: false, reason: 'bad-checksum' });
  assert.deepEqual(decodeVrrp(p, { ...env6, dst: 'fe80::12' }), { ok: false, reason: 'bad-checksum' });
  assert.throws(() => encodeAdvert({ ...a, version: 2 }, { src: env6.src, dst: env6.dst }), /VRRPv2/);
});

test('round trip v3 over IPv6 through a whole packet, addresses in canonical form', () => {
  const a: Advert = { version: 3, vrid: 200, priority: 254, advertIntervalCs: 10, addresses: ['fe80::100', '2001:2:0:1::100', '2001:2:0:1::101'] };
  const e = { src: 'fe80::a8c1:abff:fe00:11', dst: 'ff02::12', ttl: 255 };
  const pkt = encodeIpv6Packet(encodeAdvert(a, { src: e.src, dst: e.dst }), e);
  assert.equal(pkt.length, 40 + 8 + 48);
  assert.equal(pkt[0]! >> 4, 6);
  assert.equal(pkt[6], 112);
  assert.deepEqual(decodePacket(pkt), { ok: true, advert: a, envelope: e });
  // Unicast to a global peer.
  const u = { src: '2001:2:0:1::11', dst: '2001:2:0:1::12', ttl: 255 };
  assert.deepEqual(decodePacket(encodeIpv6Packet(encodeAdvert(a, u), u)), { ok: true, advert: a, envelope: u });
});

test('IPv6 drops with the reason, never throws', () => {
  const a: Advert = { version: 3, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['fe80::100'] };
  const good = encodeIpv6Packet(encodeAdvert(a, env6), env6);
  const mut = (f: (b: Uint8Array) => void) => { const b = Uint8Array.from(good); f(b); return b; };
  const v2in6 = Uint8Array.from(good);
  v2in6[40] = 0x21;
  const cases: [string, Uint8Array, string][] = [
    ['header only', good.subarray(0, 39), 'truncated'],
    ['hop limit 254', encodeIpv6Packet(encodeAdvert(a, env6), { ...env6, ttl: 254 }), 'bad-ttl'],
    ['hop limit 0 (none reported)', encodeIpv6Packet(encodeAdvert(a, env6), { ...env6, ttl: 0 }), 'bad-ttl'],
    ['next header 6', mut((b) => (b[6] = 6)), 'bad-protocol'],
    ['payload length past end', mut((b) => (b[5] = 200)), 'truncated'],
    ['VRRPv2 over IPv6', v2in6, 'bad-version'],
    ['flipped address bit', mut((b) => (b[63] ^= 1)), 'bad-checksum'],
    ['two addresses claimed, one sent', mut((b) => (b[43] = 2)), 'truncated'],
    ['destination unknown (no IPV6_PKTINFO)', encodeIpv6Packet(encodeAdvert(a, env6), { ...env6, dst: '::' }), 'bad-checksum'],
  ];
  for (const [name, pkt, reason] of cases) {
    const r = decodePacket(pkt);
    assert.equal(r.ok, false, name);
    assert.equal(!r.ok && r.reason, reason, name);
  }
});

test('real keepalived 2.2.7 adverts decode, and our encoder produces the same VRRP bytes', async () => {
  const { readFileSync } = await import('node:fs');
  const fx = JSON.parse(readFileSync(new URL('../../fixtures/vrrp/packets/keepalived-2.2.7.json', import.meta.url), 'utf8')) as {
    packets: { name: string; hex: string; authPass?: string; envelope: typeof env; advert: Advert }[];
  };
  assert.equal(fx.packets.length, 3);
  for (const p of fx.packets) {
    const pkt = Uint8Array.from(Buffer.from(p.hex, 'hex'));
    assert.deepEqual(decodePacket(pkt, { authPass: p.authPass }), { ok: true, advert: p.advert, envelope: p.envelope }, p.name);
    const ours = encodeAdvert(p.advert, { authPass: p.authPass, src: p.envelope.src, dst: p.envelope.dst });
    assert.equal(hex(ours), p.hex.slice(40), p.name);
    if (p.authPass) assert.equal(decodePacket(pkt, { authPass: 'wrong' }).ok, false);
  }
});
