import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { hostVars, MASK, selectHosts, toAnsibleList, toGraph } from '../../../src/inventory/index.js';
import { mustLoad, writeTree } from './tmp-inventory.js';

const dir = writeTree({
  'hosts.yml': [
    'all:',
    '  children:',
    '    prod:',
    '      children:',
    '        directors:',
    '          hosts:',
    '            lb1: {ansible_host: 198.18.6.11, ansible_become_pass: hunter2}',
    '            lb2: {ansible_host: 198.18.6.12}',
    '        webservers:',
    '          hosts:',
    '            web1:',
    '            web2:',
    '    spare:',
    '      hosts:',
    '        web2:',
    '',
  ].join('\n'),
  'group_vars/directors.yml': 'hafleet_clusters:\n  - name: web\n    vrrp: {auth_pass: s3cret, advert_int: 1}\n',
});
const inv = mustLoad(join(dir, 'hosts.yml'));

test('--list layout is exactly ansible-inventory --list', () => {
  const list = toAnsibleList(inv);
  assert.deepEqual(list, {
    _meta: {
      hostvars: {
        lb1: { ansible_become_pass: MASK, ansible_host: '198.18.6.11', hafleet_clusters: [{ name: 'web', vrrp: { advert_int: 1, auth_pass: MASK } }] },
        lb2: { ansible_host: '198.18.6.12', hafleet_clusters: [{ name: 'web', vrrp: { advert_int: 1, auth_pass: MASK } }] },
      },
    },
    // ungrouped is named as a child of all but, being empty, has no entry of its own.
    all: { children: ['ungrouped', 'prod', 'spare'] },
    directors: { hosts: ['lb1', 'lb2'] },
    prod: { children: ['directors', 'webservers'] },
    spare: { hosts: ['web2'] },
    webservers: { hosts: ['web1', 'web2'] },
  });
  assert.deepEqual(Object.keys(list), ['_meta', 'all', 'directors', 'prod', 'spare', 'webservers'], 'keys sorted, as json.dumps(sort_keys=True)');
  assert.doesNotMatch(JSON.stringify(list), /hunter2|s3cret/);
});

test('--list with a limit keeps only the selected hosts and drops emptied groups', () => {
  const sel = selectHosts(inv, 'spare:directors[0]');
  assert.ok(sel.ok);
  const list = toAnsibleList(inv, sel.value);
  assert.deepEqual(Object.keys(list._meta.hostvars), ['lb1']);
  assert.deepEqual(list.directors, { hosts: ['lb1'] });
  assert.deepEqual(list.spare, { hosts: ['web2'] });
  assert.deepEqual(list.webservers, { hosts: ['web2'] });
  assert.deepEqual(list.prod, { children: ['directors', 'webservers'] });
});

test('--graph text is ansible-inventory --graph', () => {
  assert.equal(toGraph(inv), [
    '@all:',
    '  |--@ungrouped:',
    '  |--@prod:',
    '  |  |--@directors:',
    '  |  |  |--lb1',
    '  |  |  |--lb2',
    '  |  |--@webservers:',
    '  |  |  |--web1',
    '  |  |  |--web2',
    '  |--@spare:',
    '  |  |--web2',
  ].join('\n'));
  assert.equal(toGraph(inv, ['web2']).split('\n').filter((l) => !l.includes('@')).join(','), '  |  |  |--web2,  |  |--web2');
});

test('--host: merged vars, keys sorted, secrets masked; unknown host undefined', () => {
  const v = hostVars(inv, 'lb1')!;
  assert.deepEqual(Object.keys(v), ['ansible_become_pass', 'ansible_host', 'hafleet_clusters']);
  assert.equal(v.ansible_become_pass, MASK);
  assert.equal(inv.hosts.get('lb1')!.vars.ansible_become_pass, 'hunter2', 'the inventory itself keeps the value');
  assert.equal(hostVars(inv, 'nope'), undefined);
});
