import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAdverts, parseGarps, parseMonitorLog } from '../../../src/drill/index.js';

// Real `ip -ts -o monitor address` lines (iproute2 6.1) behind a snapshot.
const log = [
  'snap 1795611787000000000',
  '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
  '3: eth0    inet 198.18.0.11/24 scope global eth0\\       valid_lft forever preferred_lft forever',
  '3: eth0    inet 198.18.0.100/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever',
  'endsnap',
  '[2026-11-25T13:03:07.745171] Deleted 3: eth0    inet 198.18.0.100/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever',
  '[2026-11-25T13:03:07.746766] Deleted 3: eth0    inet6 fe80::dc24:aeff:fe82:9bb7/64 scope link tentative \\       valid_lft forever preferred_lft forever',
  '[2026-11-25T13:03:08.000000] 1: lo    inet 198.18.0.100/32 scope global lo\\       valid_lft forever preferred_lft forever',
  '[2026-11-25T13:03:09.500000] 3: eth0    inet 198.18.0.100/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever',
].join('\n');

test('monitor log → ownership samples on the admin clock, lo ignored', () => {
  const s = parseMonitorLog(log, 'lb1', '198.18.0.100', 1000);
  const base = Date.parse('2026-11-25T13:03:07Z');
  assert.deepEqual(s.map((x) => [x.holds, Math.round(x.t - base)]), [
    [true, 1795611787000 - 1000 - base],
    [false, 745 - 1000],
    [true, 2500 - 1000],
  ]);
  assert.equal(parseMonitorLog(log, 'lb1', '198.18.0.10').every((x) => !x.holds), true, '198.18.0.10 is not 198.18.0.100');
});

test('gratuitous ARPs from tcpdump -e -tt: requests for the sender itself and broadcast replies', () => {
  const out = [
    // keepalived's: the target MAC is broadcast, which tcpdump -e prints in parentheses
    '1795611789.755212 02:aa:00:00:00:12 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.18.0.100 (ff:ff:ff:ff:ff:ff) tell 198.18.0.100, length 28',
    '1795611789.760000 02:aa:00:00:00:12 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.18.0.100 tell 198.18.0.100, length 28',
    '1795611789.800000 02:aa:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.18.0.100 tell 198.18.0.1, length 28',
    '1795611789.900000 02:aa:00:00:00:12 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Reply 198.18.0.100 is-at 02:aa:00:00:00:12, length 28',
    '1795611789.950000 02:aa:00:00:00:12 > 02:aa:00:00:00:01, ethertype ARP (0x0806), length 42: Reply 198.18.0.100 is-at 02:aa:00:00:00:12, length 28',
  ].join('\n');
  assert.deepEqual(parseGarps(out, '198.18.0.100').map((g) => [g.t, g.mac]), [
    [1795611789755.212, '02:aa:00:00:00:12'],
    [1795611789760, '02:aa:00:00:00:12'],
    [1795611789900, '02:aa:00:00:00:12'],
  ]);
});

test('VRRP adverts of one VRID from the same capture', () => {
  const out = [
    '1795611789.100000 02:aa:00:00:00:11 > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 54: 198.18.0.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype simple, intvl 1s, length 20',
    '1795611789.200000 02:aa:00:00:00:13 > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 54: 198.18.0.13 > 224.0.0.18: VRRPv2, Advertisement, vrid 52, prio 100, authtype simple, intvl 1s, length 20',
    '1795611789.300000 02:aa:00:00:00:11 > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 54: 198.18.0.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 0, authtype simple, intvl 1s, length 20',
  ].join('\n');
  assert.deepEqual(parseAdverts(out, 51), [
    { t: 1795611789100, src: '198.18.0.11', priority: 150 },
    { t: 1795611789300, src: '198.18.0.11', priority: 0 },
  ]);
});
