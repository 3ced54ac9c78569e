import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lingerScript, lingerVips } from '../../../src/ops/index.js';
import { instance, member } from './fixtures.js';

test('the old holder keeps the VIP on lo, ARP for it off on its interface, both undone by a detached cleaner', () => {
  const inst = instance([member('lb1', 150, '198.18.0.11'), { ...member('lb2', 100, '198.18.0.12'), interface: 'eth1' }], {
    vips: [{ address: '198.18.0.100', prefix: 24, dev: 'eth0', where: {} }, { address: '2001:2::100', prefix: 64, dev: 'eth0', where: {} }],
  });
  const vips = lingerVips(inst, 'lb2');
  assert.deepEqual(vips, [{ address: '198.18.0.100', dev: 'eth1', family: 4 }, { address: '2001:2::100', dev: 'eth1', family: 6 }], "the holder's own interface unless the VIP names one");
  const s = lingerScript(vips, 2);
  assert.equal(spawnSync('sh', ['-n'], { input: s }).status, 0, s);
  assert.match(s, /ip addr add '198\.18\.0\.100\/32' dev lo/);
  assert.match(s, /echo 1 > \/proc\/sys\/net\/ipv4\/conf\/eth1\/arp_ignore/);
  assert.match(s, /echo 2 > \/proc\/sys\/net\/ipv4\/conf\/eth1\/arp_announce/);
  assert.match(s, /setsid sh -c 'sleep 2; ip addr del '\\''198\.18\.0\.100\/32'\\'' dev lo 2>\/dev\/null; echo "\$ig" > \/proc\/sys\/net\/ipv4\/conf\/eth1\/arp_ignore/);
  assert.match(s, /ip addr add '2001:2::100\/128' dev lo/);
  assert.equal((s.match(/arp_/g) ?? []).length, 6, 'no ARP sysctls for the IPv6 VIP');
  assert.throws(() => lingerScript([{ address: '198.18.0.100', dev: 'eth0;reboot', family: 4 }], 2), /interface name/);
});

test('new connections to the VIPs are held off around the release (nft, its own table, removed by a detached cleaner); sh -n and shellcheck pass', () => {
  const s = lingerScript([{ address: '198.18.0.100', dev: 'eth0', family: 4 }, { address: '2001:2::100', dev: 'eth0', family: 6 }], 2);
  assert.match(s, /add rule inet hafleet_syn_hold input ip daddr 198\.18\.0\.100 tcp flags & \(syn \| ack\) == syn drop/);
  assert.match(s, /add rule inet hafleet_syn_hold input ip6 daddr 2001:2::100 tcp flags/);
  assert.match(s, /setsid sh -c 'sleep 0\.40; nft delete table inet hafleet_syn_hold/);
  assert.match(s, /command -v nft/, 'skipped where nft is missing');
  assert.equal(spawnSync('sh', ['-n'], { input: s }).status, 0, s);
  const sc = spawnSync('shellcheck', ['-s', 'sh', '-S', 'warning', '-'], { input: s, encoding: 'utf8' });
  assert.equal(sc.status, 0, sc.stdout);
  assert.throws(() => lingerScript([{ address: '198.18.0.100;reboot', dev: 'eth0', family: 4 }], 2), /VIP address/);
});
