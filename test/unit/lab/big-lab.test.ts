import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminAddress, bastionAddress, labSpan, MAX_REALSERVERS, planHosts, subnetCidr, vipAddress } from '../../../src/lab/names.js';
import { address6 } from '../../../src/lab/ipv6.js';
import { allocateIndex, releaseIndex } from '../../../src/lab/subnet.js';
import { labNeighbourEntries, neighbourLimits } from '../../../src/lab/neighbours.js';

test('a lab spans one /24 up to 224 realservers, a /23 up to 478, a /22 up to 986', () => {
  assert.deepEqual([1, 224, 225, 478, 479, 986].map(labSpan), [1, 1, 2, 2, 4, 4]);
  assert.equal(MAX_REALSERVERS, 986);
  assert.throws(() => labSpan(987), /at most 986/);
  assert.equal(subnetCidr(1), '198.18.1.0/24');
  assert.equal(subnetCidr(4, 4), '198.18.4.0/22');
  assert.equal(subnetCidr(258, 2), '198.19.2.0/23');
  assert.equal(subnetCidr(508, 4), '198.19.252.0/22');
  for (const [i, span] of [[2, 4], [3, 2], [510, 4], [0, 4], [1, 3]] as const) assert.throws(() => subnetCidr(i, span), /cannot start a block/, `${i}/${span}`);
});

test('a small lab keeps its addresses; a 500-host lab fills its /22 without .0, .255 or the first /24\'s reserved blocks', () => {
  const small = planHosts('x', 1, 2, 2).map((h) => `${h.name} ${h.address}`);
  assert.deepEqual(small, ['lb1 198.18.1.11', 'lb2 198.18.1.12', 'web1 198.18.1.21', 'web2 198.18.1.22']);
  const big = planHosts('abcdefgh', 4, 2, 498);
  const at = (n: string) => big.find((h) => h.name === n)!.address;
  assert.deepEqual(['lb1', 'web1', 'web79', 'web80', 'web224', 'web225', 'web478', 'web479', 'web498'].map(at),
    ['198.18.4.11', '198.18.4.21', '198.18.4.99', '198.18.4.110', '198.18.4.254', '198.18.5.1', '198.18.5.254', '198.18.6.1', '198.18.6.20']);
  const block = new BlockList();
  block.addSubnet('198.18.4.0', 22);
  const reserved = [adminAddress(4), bastionAddress(4), vipAddress(4)];
  const addrs = big.map((h) => h.address);
  assert.equal(new Set([...addrs, ...reserved]).size, addrs.length + reserved.length, 'unique, and none is the admin, bastion or VIP');
  for (const a of addrs) {
    assert.ok(block.check(a), `${a} inside 198.18.4.0/22`);
    assert.ok(!/\.(0|255)$/.test(a), a);
  }
  assert.ok(!addrs.some((a) => /^198\.18\.4\.10\d$/.test(a)), 'the VIP block .100–.109 stays free');
  assert.ok(big.every((h) => h.vethHost.length <= 15), 'veth names fit IFNAMSIZ');
  assert.equal(new Set(big.map((h) => h.vethHost)).size, big.length);
  const widest = planHosts('abcdefgh', 508, 9, MAX_REALSERVERS);
  assert.ok(widest.every((h) => h.vethHost.length <= 15) && widest.at(-1)!.address === '198.19.255.254');
  assert.throws(() => planHosts('x', 5, 2, 498), /cannot start a block/, 'a /22 lab at an unaligned index');
  const v6 = [adminAddress(4), vipAddress(4), ...addrs].map((a) => address6(4, a));
  assert.equal(new Set(v6).size, v6.length, 'IPv6 twins stay unique across the /22');
  assert.equal(address6(4, '198.18.6.7'), '2001:2:0:4::2:7');
  assert.throws(() => address6(4, '198.18.8.7'), /not in the lab block/);
});

test('claims: big labs take aligned free blocks, small labs keep the lowest free /24, no two labs share one', async () => {
  const labs = await mkdtemp(join(tmpdir(), 'hf-claims-'));
  try {
    const up = async (name: string, span: number) => {
      await mkdir(join(labs, name), { recursive: true });
      return allocateIndex(name, labs, span);
    };
    assert.equal(await up('a', 1), 1);
    assert.equal(await up('b', 4), 4, '1 is taken: the first aligned free /22 is 4–7');
    assert.equal(await up('c', 1), 2);
    assert.equal(await up('d', 1), 3);
    assert.equal(await up('e', 1), 8, '4–7 belong to b');
    assert.equal(await up('f', 2), 10);
    assert.equal(await up('b', 4), 4, 'a lab asking again keeps its block');
    assert.deepEqual((await readdir(join(labs, '.index'))).map(Number).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 10, 11]);
    assert.equal(await up('a', 2), 12, 'a lab that grows moves to a free block and drops its old claim');
    assert.ok(!(await readdir(join(labs, '.index'))).includes('1'));
    await releaseIndex('b', labs);
    assert.equal(await up('g', 1), 1);
    assert.equal(await up('h', 4), 4);
  } finally {
    await rm(labs, { recursive: true, force: true });
  }
});

test('neighbour table: a 500-host lab behind a bastion needs ≈ 4,000 entries; limits only grow', () => {
  assert.equal(labNeighbourEntries(2, 498, true), 2 * 500 * 2 + 2 * 2 * 498 + 4 + 1);
  assert.ok(labNeighbourEntries(2, 2, false) < 512, 'a small lab fits the kernel defaults');
  assert.deepEqual(neighbourLimits(3997, { thresh2: 512, thresh3: 1024 }), { thresh2: 3997, thresh3: 7994 });
  assert.deepEqual(neighbourLimits(100, { thresh2: 512, thresh3: 1024 }), { thresh2: 512, thresh3: 1024 });
  assert.deepEqual(neighbourLimits(3000, { thresh2: 5000, thresh3: 8000 }), { thresh2: 5000, thresh3: 8000 });
});
