import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseIpJson } from '../../../src/host-addresses/index.js';

const fixture = (name: string) => readFileSync(`test/fixtures/host-addresses/${name}.json`, 'utf8');

test('ip -j addr: IPv4 primary, /32 and labelled secondary; IPv6 tentative and nodad; link-local; MACs', () => {
  const got = parseIpJson(fixture('dad-running'))!;
  assert.deepEqual(got.addresses.filter((a) => a.dev === 'eth0'), [
    { dev: 'eth0', address: '198.18.77.11', prefix: 24, family: 'inet', scope: 'global' },
    { dev: 'eth0', address: '198.18.77.101', prefix: 32, family: 'inet', scope: 'global' },
    { dev: 'eth0', address: '198.18.77.100', prefix: 24, family: 'inet', scope: 'global', label: 'eth0:vip', secondary: true },
    { dev: 'eth0', address: '2001:db8:77::200', prefix: 64, family: 'inet6', scope: 'global', tentative: true },
    { dev: 'eth0', address: '2001:db8:77::100', prefix: 128, family: 'inet6', scope: 'global' },
    { dev: 'eth0', address: '2001:db8:77::11', prefix: 64, family: 'inet6', scope: 'global', tentative: true },
    { dev: 'eth0', address: 'fe80::65:acff:fed9:cf54', prefix: 64, family: 'inet6', scope: 'link', tentative: true },
  ]);
  assert.deepEqual(got.addresses.filter((a) => a.dev === 'lo').map((a) => `${a.address}/${a.prefix} ${a.scope}`), ['127.0.0.1/8 host', '::1/128 host']);
  assert.deepEqual(got.macs, { lo: '00:00:00:00:00:00', eth1: '6a:07:1b:46:e8:fd', eth0: '02:65:ac:d9:cf:54' });
});

test('ip -j addr after DAD: the same addresses, none tentative', () => {
  const before = parseIpJson(fixture('dad-running'))!.addresses;
  const after = parseIpJson(fixture('settled'))!.addresses;
  assert.deepEqual(after.map((a) => a.address), before.map((a) => a.address));
  assert.equal(after.filter((a) => a.tentative).length, 0);
});

test('ip -j addr: a VIP on lo keeps its label; a duplicate IPv6 reads as dadfailed (and tentative)', () => {
  const got = parseIpJson(fixture('lo-vip-dadfailed'))!.addresses;
  assert.deepEqual(got.find((a) => a.address === '198.18.77.100'), { dev: 'lo', address: '198.18.77.100', prefix: 32, family: 'inet', scope: 'global', label: 'lo:vip' });
  assert.deepEqual(got.filter((a) => a.address === '2001:db8:77::5'), [
    { dev: 'eth1', address: '2001:db8:77::5', prefix: 64, family: 'inet6', scope: 'global' },
    { dev: 'eth0', address: '2001:db8:77::5', prefix: 64, family: 'inet6', scope: 'global', tentative: true, dadfailed: true },
  ]);
});

test('not ip -j output: null (unknown), never "no addresses"', () => {
  assert.equal(parseIpJson(undefined), null);
  assert.equal(parseIpJson(''), null);
  assert.equal(parseIpJson('1: lo    inet 127.0.0.1/8 scope host lo'), null);
  assert.equal(parseIpJson('[{"ifname":"eth0","addr_info":[{"family":"inet"'), null, 'cut off');
  assert.equal(parseIpJson('{"ifname":"eth0"}'), null);
  assert.deepEqual(parseIpJson('[]'), { addresses: [], macs: {} });
});
