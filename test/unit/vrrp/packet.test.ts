import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePacket, decodeVrrp, encodeAdvert, encodeIpv4Packet, ipv4ToNumber, type Advert } from '../../../src/vrrp/packet.js';

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
  cases.push(['IPv6 nibble', mut((b) => (b[0] = 0x65)), 'secret', 'bad-ip-header']);
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

test('ipv4ToNumber orders addresses for the tie-break', () => {
  assert.ok(ipv4ToNumber('198.18.250.2') > ipv4ToNumber('198.18.250.1'));
  assert.ok(ipv4ToNumber('255.0.0.1') > ipv4ToNumber('198.18.0.1'));
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
