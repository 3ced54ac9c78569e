/**
 * Fuzz: ≥ 100,000 random and mutated packets (seeded, so a failure replays) through the codec
 * and the state machine. Nothing throws; every packet is either an accepted advert or a drop
 * counted by reason; wrong-password and TTL-254 adverts never change anything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePacket, encodeAdvert, encodeIpv4Packet, encodeIpv6Packet, familyOf, type Advert } from '../../../src/vrrp/packet.js';
import { initialMachine, step, type MachineEvent, type MachineState } from '../../../src/vrrp/machine.js';
import { params } from './sim.js';
import { mulberry32 } from '../../support/mulberry32.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const N = 120_000;
const PASS = 'secret';
const LOCAL = '198.18.250.1';
const PEER = '198.18.250.2';
const LOCAL6 = 'fe80::11';
const PEER6 = 'fe80::12';
const VIP6 = 'fe80::100';
const rnd = mulberry32(SEED);
const int = (n: number) => Math.floor(rnd() * n);

function validAdvert(over: Partial<Advert> = {}): Advert {
  return { version: 2, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100'], ...over };
}

function packetFor(a: Advert, o: { pass?: string; ttl?: number; src?: string } = {}): Uint8Array {
  const src = o.src ?? PEER;
  if (familyOf(src) === 6) return encodeIpv6Packet(encodeAdvert(a, { src, dst: 'ff02::12' }), { src, dst: 'ff02::12', ttl: o.ttl ?? 255 });
  return encodeIpv4Packet(encodeAdvert(a, { authPass: a.version === 2 ? o.pass : undefined, src, dst: '224.0.0.18' }), { src, dst: '224.0.0.18', ttl: o.ttl ?? 255 });
}

/** VRRPv3 over IPv6, with the same spread of right and wrong fields. */
function randomFields6(): Uint8Array {
  const a: Advert = {
    version: 3,
    vrid: rnd() < 0.7 ? 51 : int(256),
    priority: int(256),
    advertIntervalCs: rnd() < 0.5 ? 100 : int(4096),
    addresses: Array.from({ length: 1 + int(3) }, (_, i) => (i === 0 && rnd() < 0.8 ? VIP6 : `2001:2:${int(65536).toString(16)}::${int(65536).toString(16)}`)),
  };
  return packetFor(a, { ttl: rnd() < 0.9 ? 255 : int(256), src: rnd() < 0.05 ? LOCAL6 : PEER6 });
}

function randomFields(): Uint8Array {
  if (rnd() < 0.3) return randomFields6();
  const version = rnd() < 0.5 ? 2 : 3;
  const n = 1 + int(4);
  const a: Advert = {
    version,
    vrid: rnd() < 0.7 ? 51 : int(256),
    priority: int(256),
    advertIntervalCs: version === 2 ? 100 * (rnd() < 0.7 ? 1 : int(256)) : rnd() < 0.5 ? 100 : int(4096),
    addresses: Array.from({ length: n }, (_, i) => (i === 0 && rnd() < 0.8 ? '198.18.0.100' : `198.18.${int(256)}.${int(256)}`)),
  };
  return packetFor(a, { pass: rnd() < 0.8 ? PASS : 'x'.repeat(int(10)), ttl: rnd() < 0.9 ? 255 : int(256), src: rnd() < 0.05 ? LOCAL : PEER });
}

function mutate(p: Uint8Array): Uint8Array {
  const kind = int(5);
  if (kind === 0) return p.subarray(0, int(p.length + 1));
  if (kind === 1) return Uint8Array.from([...p, ...Array.from({ length: 1 + int(16) }, () => int(256))]);
  const b = Uint8Array.from(p);
  for (let k = 1 + int(4); k > 0; k--) {
    const i = int(b.length);
    b[i] = kind === 2 ? b[i]! ^ (1 << int(8)) : int(256);
  }
  return b;
}

function generate(): Uint8Array {
  const r = rnd();
  if (r < 0.25) return Uint8Array.from({ length: int(80) }, () => int(256));
  if (r < 0.6) return randomFields();
  return mutate(randomFields());
}

function feedPacket(s: MachineState, pkt: Uint8Array): { s: MachineState; actions: number } {
  const d = decodePacket(pkt, { authPass: PASS });
  const e: MachineEvent = d.ok ? { kind: 'advert', advert: d.advert, src: d.envelope.src } : { kind: 'drop', reason: d.reason };
  const r = step(s, e);
  return { s: r.state, actions: r.actions.length };
}

const accounted = (s: MachineState) => s.counters.advertsReceived + Object.values(s.counters.drops).reduce((a, b) => a + (b ?? 0), 0);
const withoutCounters = (s: MachineState) => ({ ...s, counters: undefined });

function baseStates(): MachineState[] {
  const p = params({ primaryIp: LOCAL });
  const backup = step(initialMachine(p), { kind: 'startup' }).state;
  const master = step(backup, { kind: 'timer', timer: 'masterDown' }).state;
  const v3 = step(initialMachine(params({ primaryIp: LOCAL, version: 3 })), { kind: 'startup' }).state;
  const v6 = step(initialMachine(params({ primaryIp: LOCAL6, version: 3, vips: [VIP6] })), { kind: 'startup' }).state;
  const v6master = step(v6, { kind: 'timer', timer: 'masterDown' }).state;
  return [backup, master, v3, v6, v6master];
}

test(`fuzz: ${N} random and mutated packets (seed ${SEED}): no throw, every packet accounted`, () => {
  const bases = baseStates();
  let evolving = bases[0]!;
  const reasons = new Map<string, number>();
  let accepted = 0;
  let accepted6 = 0;
  const machineDrops = new Map<string, number>();
  for (let i = 0; i < N; i++) {
    const pkt = generate();
    const d = decodePacket(pkt, { authPass: PASS });
    if (d.ok) accepted++;
    if (d.ok && familyOf(d.envelope.src) === 6) accepted6++;
    else if (!d.ok) reasons.set(d.reason, (reasons.get(d.reason) ?? 0) + 1);
    for (const b of bases) {
      const r = feedPacket(b, pkt);
      assert.equal(accounted(r.s), accounted(b) + 1, `packet ${i} not accounted: ${Buffer.from(pkt).toString('hex')}`);
      for (const [k, v] of Object.entries(r.s.counters.drops)) if (v !== (b.counters.drops[k as 'own-advert'] ?? 0)) machineDrops.set(k, (machineDrops.get(k) ?? 0) + 1);
    }
    const before = accounted(evolving);
    evolving = feedPacket(evolving, pkt).s;
    assert.equal(accounted(evolving), before + 1);
    // Let time pass now and then so the evolving machine visits every state.
    if (rnd() < 0.02) evolving = step(evolving, { kind: 'timer', timer: (['masterDown', 'advert', 'preemptDelay'] as const)[int(3)]! }).state;
    if (rnd() < 0.001) evolving = step(evolving, { kind: 'fault', cause: 'f', active: rnd() < 0.5 }).state;
  }
  // The generator must reach deep into the codec, not only fail the first check.
  for (const r of ['truncated', 'bad-ttl', 'bad-checksum', 'auth-mismatch', 'bad-version', 'bad-type', 'bad-addr-count', 'bad-ip-header', 'bad-protocol']) {
    assert.ok((reasons.get(r) ?? 0) > 0, `no packet dropped as ${r}`);
  }
  assert.ok(accepted > 1000, `only ${accepted} valid adverts generated`);
  assert.ok(accepted6 > 1000, `only ${accepted6} valid IPv6 adverts generated`);
  for (const r of ['family-mismatch', 'version-mismatch', 'addr-list-mismatch', 'own-advert']) assert.ok((machineDrops.get(r) ?? 0) > 0, `no machine dropped ${r}`);
  const drops = evolving.counters.drops;
  for (const r of ['wrong-vrid', 'addr-list-mismatch', 'own-advert']) assert.ok((drops[r as 'wrong-vrid'] ?? 0) > 0, `machine never dropped ${r}`);
});

test('a wrong-password or TTL-254 (hop-limit-254) advert never changes state, in any state', () => {
  const bases = baseStates();
  for (let i = 0; i < 3000; i++) {
    const a = validAdvert({ priority: int(256), vrid: rnd() < 0.8 ? 51 : int(256) });
    const r3 = rnd();
    const bad = r3 < 0.33 ? packetFor(a, { pass: 'wrong' + int(1000) })
      : r3 < 0.66 ? packetFor(a, { pass: PASS, ttl: 254 })
      : packetFor({ ...a, version: 3, addresses: [VIP6] }, { src: PEER6, ttl: 254 });
    for (const b of bases) {
      const d = decodePacket(bad, { authPass: PASS });
      if (d.ok) assert.fail(`accepted a bad advert: ${Buffer.from(bad).toString('hex')}`);
      const r = step(b, { kind: 'drop', reason: d.reason });
      assert.deepEqual(r.actions, []);
      assert.deepEqual(withoutCounters(r.state), withoutCounters(b));
      assert.equal(accounted(r.state), accounted(b) + 1);
    }
  }
});
