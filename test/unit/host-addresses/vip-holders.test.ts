import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseIpJson, vipHolders } from '../../../src/host-addresses/index.js';
import type { AddressFact } from '../../../src/facts/index.js';

const addrs = (name: string) => parseIpJson(readFileSync(`test/fixtures/host-addresses/${name}.json`, 'utf8'))!.addresses;

test('a VIP is held on any interface but lo: a secondary, a /32, a tentative IPv6 count', () => {
  const byHost = new Map([['lb1', addrs('dad-running')], ['rs1', addrs('lo-vip-dadfailed')]]);
  assert.deepEqual(vipHolders(byHost, ['198.18.77.100', '198.18.77.101', '2001:db8:77::200', '2001:db8:77::100', '198.18.77.9']), {
    '198.18.77.100': ['lb1'],
    '198.18.77.101': ['lb1'],
    '2001:db8:77::200': ['lb1'],
    '2001:db8:77::100': ['lb1'],
    '198.18.77.9': [],
  });
});

test('two holders in host order (split brain); a DAD-failed copy does not hold; unknown hosts hold nothing', () => {
  const byHost = new Map([['lb2', addrs('settled')], ['x', null], ['lb1', addrs('dad-running')], ['rs1', addrs('lo-vip-dadfailed')]]);
  assert.deepEqual(vipHolders(byHost, ['198.18.77.100', '2001:db8:77::5']), { '198.18.77.100': ['lb2', 'lb1'], '2001:db8:77::5': ['rs1'] });
});

test("facts' addresses (no scope, no DAD state) answer the same: deploy's rolling order asks with them", () => {
  const facts: AddressFact[] = [
    { dev: 'eth0', address: '198.18.77.11', prefix: 24, family: 'inet' },
    { dev: 'eth0', address: '198.18.77.100', prefix: 32, family: 'inet', label: 'eth0:51' },
  ];
  const onLo: AddressFact[] = [{ dev: 'lo', address: '198.18.77.100', prefix: 32, family: 'inet' }];
  assert.deepEqual(vipHolders(new Map([['lb1', facts], ['rs1', onLo], ['lb2', []]]), ['198.18.77.100']), { '198.18.77.100': ['lb1'] });
});
