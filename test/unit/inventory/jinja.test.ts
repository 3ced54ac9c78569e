/** `{{ … }}` in inventory variables: the subset hafleet renders, and what it leaves. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/index.js';
import { renderString, TemplateError, type TemplateScope } from '../../../src/inventory/jinja.js';
import type { VarValue } from '../../../src/inventory/types.js';
import { mustLoad, writeTree } from './tmp-inventory.js';

const scope = (vars: Record<string, VarValue>, env: NodeJS.ProcessEnv = {}): TemplateScope => ({ lookup: (n) => vars[n], env });

test('expressions: variables, members, literals, ~, filters, lookup env; one expression keeps its type', () => {
  const s = scope({ port: 8080, name: ' Web ', list: ['a', 'b'], m: { k: { deep: 'x' } }, empty: '' }, { HOME: '/home/ops' });
  const r = (t: string) => renderString(t, s);
  assert.equal(r('{{ port }}'), 8080);
  assert.equal(r('port {{ port }}'), 'port 8080');
  assert.equal(r("{{ m.k.deep }}-{{ m['k']['deep'] }}-{{ list[1] }}-{{ list[-1] }}"), 'x-x-b-b');
  assert.equal(r('{{ name | trim | lower }}'), 'web');
  assert.equal(r('{{ missing | default(42) }}'), 42);
  assert.equal(r("{{ missing | d('x') }}"), 'x');
  assert.equal(r("{{ empty | default('y', true) }}"), 'y', 'default(…, true) also replaces empty values');
  assert.equal(r("{{ empty | default('y') }}"), '');
  assert.equal(r("{{ '12' | int }}"), 12);
  assert.equal(r("{{ list | join(',') }}"), 'a,b');
  assert.equal(r('{{ list | length }}'), 2);
  assert.equal(r("{{ 'lb' ~ port }}"), 'lb8080');
  assert.equal(r("{{ lookup('env', 'HOME') }}/.ssh/id_ed25519"), '/home/ops/.ssh/id_ed25519');
  assert.equal(r("{{ 'yes' | bool }}"), true);
  assert.equal(r("{{ name | replace(' ', '') }}"), 'Web');
});

test('what it does not evaluate is a TemplateError that says so', () => {
  const r = (t: string) => () => renderString(t, scope({ x: 1 }));
  assert.throws(r('{{ missing }}'), (e: Error) => e instanceof TemplateError && /'missing' is undefined/.test(e.message));
  assert.throws(r('{{ x + 1 }}'), /'\+' is beyond/);
  assert.throws(r('{% if x %}a{% endif %}'), /blocks are beyond/);
  assert.throws(r('{{ x | to_json }}'), /filter 'to_json'/);
  assert.throws(r("{{ lookup('file', '/etc/passwd') }}"), /only lookup\('env', NAME\)/);
  assert.throws(r('{{ x'), TemplateError);
});

test('in an inventory: host context, hostvars, groups, chains of variables; facts left alone unless hafleet needs the key', () => {
  const dir = writeTree({
    'hosts.yml': [
      'all:',
      '  vars:',
      '    domain: lab.example',
      '    base_port: 2200',
      '    ansible_host: "{{ inventory_hostname }}.{{ domain }}"',
      '    role_var: "{{ ansible_default_ipv4.address }}"',
      '  children:',
      '    directors:',
      '      hosts:',
      '        lb1: { vrrp_priority: "{{ prio | default(150) }}", ansible_port: "{{ base_port + 0 if false else base_port }}" }',
      '        lb2: { vrrp_priority: "{{ hostvars[\'lb1\'].vrrp_priority | int }}" }',
      '    webservers:',
      '      hosts:',
      '        web1: { realserver_address: "{{ groups[\'directors\'] | first }}", chain: "{{ ansible_host }}" }',
    ].join('\n'),
  });
  const r = loadInventory(join(dir, 'hosts.yml'));
  assert.equal(r.ok, false, 'ansible_port has arithmetic hafleet does not evaluate');
  const d = r.diagnostics.find((x) => x.code === 'inventory-template')!;
  assert.match(d.message, /ansible_port: cannot render/);
  assert.equal(d.where.line, 10);
  assert.equal(d.where.host, 'lb1');
  assert.equal(r.diagnostics.filter((x) => x.code === 'inventory-template').length, 1, 'role_var (not a key hafleet reads) is no error');

  const ok = writeTree({ 'hosts.yml': readFileSync(join(dir, 'hosts.yml'), 'utf8').replace('"{{ base_port + 0 if false else base_port }}"', '"{{ base_port }}"') });
  const inv = mustLoad(join(ok, 'hosts.yml'));
  const v = (h: string) => inv.hosts.get(h)!.vars;
  assert.equal(v('lb1').ansible_host, 'lb1.lab.example');
  assert.equal(v('lb1').ansible_port, 2200, 'a whole-string template keeps the number');
  assert.equal(v('lb1').vrrp_priority, 150);
  assert.equal(v('lb2').vrrp_priority, 150, 'through hostvars');
  assert.equal(v('web1').realserver_address, 'lb1');
  assert.equal(v('web1').chain, 'web1.lab.example', 'a variable whose value is itself a template');
  assert.equal(v('lb1').role_var, '{{ ansible_default_ipv4.address }}', 'facts exist only while a play runs: kept as written');
});
