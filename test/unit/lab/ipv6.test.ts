import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import { adminAddress, planHosts, vipAddress } from '../../../src/lab/names.js';
import { address6, ipv6Setup, LAB_IPV6_PREFIX, subnet6Cidr } from '../../../src/lab/ipv6.js';

/** How a URL (WHATWG, RFC 5952 form) writes the address: what `ip` prints too. */
const canonical = (a: string) => new URL(`http://[${a}]/`).hostname.slice(1, -1);

test('the lab index in hex names the /64 inside 2001:2::/48', () => {
  assert.equal(LAB_IPV6_PREFIX, '2001:2::/48');
  assert.equal(subnet6Cidr(1), '2001:2:0:1::/64');
  assert.equal(subnet6Cidr(10), '2001:2:0:a::/64');
  assert.equal(subnet6Cidr(256), '2001:2:0:100::/64');
  assert.equal(subnet6Cidr(511), '2001:2:0:1ff::/64');
  assert.throws(() => subnet6Cidr(0), /lab index out of range/);
  assert.throws(() => subnet6Cidr(512), /lab index out of range/);
});

test('every address mirrors its IPv4 host number, is unique, canonical and inside the lab /64', () => {
  for (const index of [1, 42, 255, 256, 511]) {
    const hosts = planHosts('x', index, 9, 224);
    const all = [adminAddress(index), vipAddress(index), ...hosts.map((h) => h.address)].map((a) => [a, address6(index, a)] as const);
    const lab = new BlockList();
    lab.addSubnet(subnet6Cidr(index).split('/')[0]!, 64, 'ipv6');
    const prefix = new BlockList();
    prefix.addSubnet('2001:2::', 48, 'ipv6');
    for (const [v4, v6] of all) {
      assert.equal(v6.slice(v6.lastIndexOf(':') + 1), v4.slice(v4.lastIndexOf('.') + 1), `${v4} → ${v6}`);
      assert.equal(canonical(v6), v6);
      assert.ok(lab.check(v6, 'ipv6') && prefix.check(v6, 'ipv6'), `${v6} outside ${subnet6Cidr(index)}`);
    }
    assert.equal(new Set(all.map(([, v6]) => v6)).size, all.length, `index ${index}: unique`);
  }
  assert.equal(address6(1, '198.18.1.1'), '2001:2:0:1::1');
  assert.equal(address6(1, '198.18.1.11'), '2001:2:0:1::11');
  assert.equal(address6(1, '198.18.1.100'), '2001:2:0:1::100');
  assert.equal(address6(300, '198.19.44.254'), '2001:2:0:12c::254');
  assert.throws(() => address6(1, '198.18.1.x'), /not an IPv4 address/);
});

test('namespace set-up: disabled without an address, DAD and router solicitations off with one', () => {
  assert.deepEqual(ipv6Setup(undefined), ['echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 || true']);
  const [sysctls, addr] = ipv6Setup('2001:2:0:1::11');
  assert.match(sysctls!, /^for c in all default eth0; do for k in (.*); do echo 0 > \/proc\/sys\/net\/ipv6\/conf\/\$c\/\$k; done; done$/);
  const keys = sysctls!.match(/for k in ([^;]*);/)![1]!.split(' ');
  for (const k of ['accept_dad', 'dad_transmits', 'router_solicitations', 'accept_ra', 'disable_ipv6']) assert.ok(keys.includes(k), k);
  assert.equal(keys.at(-1), 'disable_ipv6', 'IPv6 goes on only once DAD is off');
  assert.equal(addr, 'ip -6 addr add 2001:2:0:1::11/64 dev eth0 nodad');
});
