import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { addrMessage } from '../../../src/vrrp/io/netlink-addr.js';
import { garpFrame, naFrame } from '../../../src/vrrp/io/garp.js';
import { createVmacMessage, vmacAddress } from '../../../src/vrrp/io/netlink-link.js';
import { onesSum, pseudoHeaderSum } from '../../../src/vrrp/packet.js';

test('netlink RTM_NEWADDR for a labelled VIP, byte for byte', () => {
  const m = addrMessage('add', { address: '198.18.0.100', prefix: 24, dev: 'eth0', label: 'eth0:vip' }, 2, 7);
  const hex = Buffer.from(m).toString('hex');
  // nlmsghdr: len 64, RTM_NEWADDR 20, flags REQUEST|ACK|CREATE|REPLACE 0x505, seq 7, pid 0
  assert.equal(hex.slice(0, 32), '40000000' + '1400' + '0505' + '07000000' + '00000000');
  // ifaddrmsg: AF_INET, /24, flags 0, scope 0, ifindex 2
  assert.equal(hex.slice(32, 48), '02180000' + '02000000');
  // IFA_LOCAL, IFA_ADDRESS, IFA_BROADCAST 198.18.0.255, IFA_LABEL "eth0:vip\0" padded to 4
  assert.equal(hex.slice(48), '08000200c6120064' + '08000100c6120064' + '08000400c61200ff' + '0d000300' + Buffer.from('eth0:vip\0').toString('hex') + '000000');
  assert.equal(m.length, 64);
  const d = addrMessage('del', { address: '198.18.0.100', prefix: 32, dev: 'eth0' }, 3, 8);
  assert.equal(d.readUInt16LE(4), 21);
  assert.equal(d.readUInt16LE(6), 0x5, 'delete: REQUEST|ACK only');
  assert.equal(d.length, 16 + 8 + 16, 'no broadcast for /32, no label');
});

test('gratuitous ARP frame: broadcast request, sender = target = VIP', () => {
  const mac = Buffer.from([0x02, 0, 0, 0, 0, 0x01]);
  const f = garpFrame(mac, '198.18.0.100');
  assert.equal(f.length, 60);
  assert.equal(f.subarray(0, 14).toString('hex'), 'ffffffffffff' + '020000000001' + '0806');
  assert.equal(f.subarray(14, 42).toString('hex'), '0001' + '0800' + '06' + '04' + '0001' + '020000000001' + 'c6120064' + 'ffffffffffff' + 'c6120064');
});

test('netlink RTM_NEWADDR for an IPv6 VIP: AF_INET6, NODAD, 16-byte address, no broadcast or label', () => {
  const m = addrMessage('add', { address: '2001:2:0:1::100', prefix: 64, dev: 'eth0', label: 'eth0:vip' }, 2, 9);
  const hex = Buffer.from(m).toString('hex');
  assert.equal(m.length, 16 + 8 + 20 + 20);
  assert.equal(m.readUInt32LE(0), m.length);
  // ifaddrmsg: AF_INET6 (10), /64, IFA_F_NODAD, scope 0, ifindex 2
  assert.equal(hex.slice(32, 48), '0a400200' + '02000000');
  const addr = '20010002000000010000000000000100';
  assert.equal(hex.slice(48), '14000200' + addr + '14000100' + addr);
  const d = addrMessage('del', { address: '2001:2:0:1::100', prefix: 64, dev: 'eth0' }, 2, 10);
  assert.equal(d[16 + 2], 0, 'delete carries no flags');
  assert.equal(d.readUInt16LE(4), 21);
});

test('unsolicited Neighbor Advertisement: to all-nodes from the VIP, Override, hop limit 255, valid checksum', () => {
  const mac = Buffer.from([0x02, 0, 0, 0, 0, 0x11]);
  const f = naFrame(mac, '2001:2:0:1::100', false);
  assert.equal(f.length, 14 + 40 + 32);
  assert.equal(f.subarray(0, 14).toString('hex'), '333300000001' + '020000000011' + '86dd');
  const ip = f.subarray(14, 54).toString('hex');
  // version 6, payload 32, next header ICMPv6 (58), hop limit 255, src = VIP, dst = ff02::1
  assert.equal(ip, '60000000' + '0020' + '3a' + 'ff' + '20010002000000010000000000000100' + 'ff020000000000000000000000000001');
  const icmp = f.subarray(54);
  assert.equal(icmp[0], 136, 'type: Neighbor Advertisement');
  assert.equal(icmp[1], 0);
  assert.equal(icmp[4], 0x20, 'Override only: not solicited, not a router');
  assert.equal(icmp.subarray(8, 24).toString('hex'), '20010002000000010000000000000100', 'target = VIP');
  assert.equal(icmp.subarray(24).toString('hex'), '0201' + '020000000011', 'target link-layer address option');
  assert.equal(onesSum(icmp, 0, 32, pseudoHeaderSum('2001:2:0:1::100', 'ff02::1', 32, 58)), 0xffff, 'checksum verifies');
  assert.equal(naFrame(mac, '2001:2:0:1::100', true)[54 + 4], 0xa0, 'Router + Override when the interface forwards');
});

test('VMAC: the virtual router MAC (RFC 5798 §7.3) and the RTM_NEWLINK creating a private macvlan with it', () => {
  assert.equal(vmacAddress(51, 4).toString('hex'), '00005e000133');
  assert.equal(vmacAddress(255, 6).toString('hex'), '00005e0002ff');
  const m = createVmacMessage('vrrp.51', 2, vmacAddress(51, 4), 3);
  const hex = m.toString('hex');
  assert.equal(m.readUInt32LE(0), m.length);
  assert.equal(m.readUInt16LE(4), 16, 'RTM_NEWLINK');
  assert.equal(m.readUInt16LE(6), 0x605, 'REQUEST|ACK|CREATE|EXCL: never take over an existing link by surprise');
  assert.equal(hex.slice(32, 64), '00'.repeat(16), 'ifinfomsg: index 0 (new), no flags');
  const attrs = hex.slice(64);
  assert.ok(attrs.startsWith('0800' + '0500' + '02000000'), 'IFLA_LINK = parent ifindex 2');
  assert.ok(attrs.includes('0c00' + '0300' + Buffer.from('vrrp.51\0').toString('hex')), 'IFLA_IFNAME');
  assert.ok(attrs.includes('0a00' + '0100' + '00005e000133' + '0000'), 'IFLA_ADDRESS, padded');
  // IFLA_LINKINFO { IFLA_INFO_KIND "macvlan", IFLA_INFO_DATA { IFLA_MACVLAN_MODE = private (1) } }
  // (the kind without its NUL, as iproute2 and keepalived send it; one byte of padding)
  assert.ok(attrs.endsWith('1c00' + '1200' + '0b00' + '0100' + Buffer.from('macvlan').toString('hex') + '00' + '0c00' + '0200' + '0800' + '0100' + '01000000'), attrs);
});

test('receiver: process.exit() is not held by a poll waiting on the threadpool', { skip: process.platform !== 'linux' }, () => {
  // A pipe stands in for the raw socket (no privileges needed); the child exits while its poll
  // waits. Family 6: IPv4 sockets go to libuv's own handle, which refuses a pipe anyway.
  const code = `import { startReceiver } from ${JSON.stringify(new URL('../../../src/vrrp/io/receiver.ts', import.meta.url).href)};
import * as libc from ${JSON.stringify(new URL('../../../src/vrrp/io/libc.ts', import.meta.url).href)};
const [r] = libc.pipe();
startReceiver(r, 6, () => {}, () => {});
setTimeout(() => process.exit(3), 100);`;
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(res.status, 3, `${res.signal ?? ''} ${res.stderr}`);
});
