import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFleet, type DesiredState } from '../../../src/render/index.js';
import { ROOT, copyExample, loadExample } from './example.js';

function fileOf(d: DesiredState, host: string, path: string) {
  const f = d.get(host)?.files.find((x) => x.path === path);
  assert.ok(f, `${host}:${path} rendered`);
  return f;
}

test('a template in <inventory>/templates/<role>/ wins over the bundled one; the rest stays bundled', (t) => {
  const dir = copyExample('nginx-ha');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'templates/director'), { recursive: true });
  writeFileSync(join(dir, 'templates/director/keepalived.conf.hbs'), '# site keepalived for {{kcomment host.name}}\n{{#each instances}}vrrp {{kw name}} prio {{priority}}\n{{/each}}');
  // The inventory file, not the directory: the directory loader does not skip templates/ yet.
  const { inv, topo } = loadExample(join(dir, 'hosts.yml'));
  const r = renderFleet(inv, topo);
  assert.ok(r.ok);
  assert.equal(fileOf(r.value, 'lb1', '/etc/keepalived/keepalived.conf').content, '# site keepalived for lb1\nvrrp web_51 prio 150\n');

  const plain = loadExample(join(ROOT, 'inventories/nginx-ha'));
  const bundled = renderFleet(plain.inv, plain.topo);
  assert.ok(bundled.ok);
  const check = '/usr/local/sbin/hafleet-check-nginx';
  assert.equal(fileOf(r.value, 'lb1', check).content, fileOf(bundled.value, 'lb1', check).content);
  assert.notEqual(fileOf(r.value, 'lb1', '/etc/keepalived/keepalived.conf').content, fileOf(bundled.value, 'lb1', '/etc/keepalived/keepalived.conf').content);
});

test('an overriding role.yaml changes the file list and can still use bundled templates', (t) => {
  const dir = copyExample('nginx-ha');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'templates/director'), { recursive: true });
  writeFileSync(join(dir, 'templates/director/motd.hbs'), 'director {{sh host.name}} of {{#each clusters}}{{sh name}}{{/each}}\n');
  writeFileSync(join(dir, 'templates/director/role.yaml'), [
    // Every destination lies under one of the override's own managed paths.
    'managed_paths: [/etc/hafleet, /etc/keepalived]',
    'files:',
    '  - template: motd.hbs',
    '    dest: /etc/hafleet/motd',
    '  - template: keepalived.conf.hbs',
    '    dest: /etc/keepalived/keepalived.conf',
    '    mode: "0600"',
    '    vars: { render_virtual_servers: true }',
    '    notify: [reload keepalived]',
    'handlers:',
    '  - name: reload keepalived',
    '    commands: { systemd: systemctl reload keepalived, sysv: service keepalived reload, direct: pkill -HUP -x keepalived }',
    '',
  ].join('\n'));
  // The inventory file, not the directory: the directory loader does not skip templates/ yet.
  const { inv, topo } = loadExample(join(dir, 'hosts.yml'));
  const r = renderFleet(inv, topo);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  const lb1 = r.value.get('lb1')!;
  assert.deepEqual(lb1.files.map((f) => f.path), ['/etc/hafleet/motd', '/etc/keepalived/keepalived.conf']);
  assert.equal(lb1.files[0]!.content, "director 'lb1' of 'web'\n");
  assert.equal(lb1.files[1]!.mode, '0600');
  assert.match(lb1.files[1]!.content, /vrrp_instance web_51 \{/, 'the bundled keepalived template is used');
  assert.deepEqual(lb1.handlers.map((h) => h.name), ['reload keepalived']);
  // The realserver role is not overridden.
  assert.deepEqual(r.value.get('web1')!.files, []);
});

test('secrets: files that contain the auth_pass list it, the others list nothing', () => {
  const { inv, topo } = loadExample(join(ROOT, 'inventories/dual-master'));
  const r = renderFleet(inv, topo);
  assert.ok(r.ok);
  for (const [, hd] of r.value) {
    for (const f of hd.files) {
      if (f.content.includes('dualpass')) assert.deepEqual(f.secrets, ['dualpass'], f.path);
      else assert.deepEqual(f.secrets, [], f.path);
    }
  }
  assert.deepEqual(fileOf(r.value, 'lb2', '/etc/keepalived/keepalived.conf').secrets, ['dualpass']);
});

test('--limit: only the hosts asked for', () => {
  const { inv, topo } = loadExample(join(ROOT, 'inventories/lvs-dr'));
  const r = renderFleet(inv, topo, { limit: ['lvs2', 'rs3'] });
  assert.ok(r.ok);
  assert.deepEqual([...r.value.keys()], ['lvs2', 'rs3']);
});

test('secrets: a become password an override prints from host.vars is listed as a secret', (t) => {
  const dir = copyExample('nginx-ha');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'group_vars/all.yml'), readFileSync(join(dir, 'group_vars/all.yml'), 'utf8') + 'ansible_become_password: Sup3rS3cret\n');
  mkdirSync(join(dir, 'templates/director'), { recursive: true });
  writeFileSync(join(dir, 'templates/director/notify.sh.hbs'), '#!/bin/sh\n# {{shcomment host.vars.ansible_become_password}}\n');
  const { inv, topo } = loadExample(join(dir, 'hosts.yml'));
  const r = renderFleet(inv, topo);
  assert.ok(r.ok);
  assert.deepEqual(fileOf(r.value, 'lb1', '/usr/local/sbin/hafleet-notify').secrets, ['Sup3rS3cret']);
  assert.deepEqual(fileOf(r.value, 'lb1', '/usr/local/sbin/hafleet-check-nginx').secrets, []);
});
