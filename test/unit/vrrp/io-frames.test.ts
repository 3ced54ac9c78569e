import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addrMessage } from '../../../src/vrrp/io/netlink-addr.js';
import { garpFrame } from '../../../src/vrrp/io/garp.js';

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
