import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../../../src/diagnostics/index.js';
import { parseRoleDefinition, renderFleet } from '../../../src/render/index.js';
import { copyExample, loadExample } from './example.js';

/** Render nginx-ha with extra files under its templates/ override directory. */
function renderWith(files: Record<string, string>) {
  const dir = copyExample('nginx-ha');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, 'templates', rel, '..'), { recursive: true });
    writeFileSync(join(dir, 'templates', rel), text);
  }
  // The inventory file, not the directory: the directory loader does not skip templates/ yet.
  const { inv, topo } = loadExample(join(dir, 'hosts.yml'));
  const r = renderFleet(inv, topo);
  rmSync(dir, { recursive: true, force: true });
  return { r, dir };
}

function only(ds: Diagnostic[], code: string): Diagnostic {
  const hits = ds.filter((d) => d.code === code);
  assert.equal(hits.length, 1, `one ${code} in:\n${ds.map(formatDiagnostic).join('\n')}`);
  return hits[0]!;
}

test('an undefined variable is an error naming the template file and line; nothing is rendered', () => {
  const { r, dir } = renderWith({ 'director/notify.sh.hbs': '#!/bin/sh\n# {{shcomment host.name}}\necho {{host.nmae}}\n' });
  assert.equal(r.ok, false);
  const d = only(r.diagnostics, 'template-undefined');
  assert.equal(d.severity, 'error');
  assert.equal(d.where.file, join(dir, 'templates/director/notify.sh.hbs'));
  assert.equal(d.where.line, 3);
  assert.equal(d.where.col, 8, 'the column of the variable itself');
  assert.match(d.message, /undefined variable "nmae"/);
  assert.ok(d.hint);
});

test('a misspelt condition in {{#if}} or {{#each}} is an error too, not silently false', () => {
  for (const [src, line] of [['a\nb\n{{#if instances.0.nopreemt}}x{{/if}}\n', 3], ['{{#each vrrp_script}}{{name}}{{/each}}\n', 1]] as const) {
    const { r } = renderWith({ 'director/notify.sh.hbs': src });
    assert.equal(r.ok, false, src);
    assert.equal(only(r.diagnostics, 'template-undefined').where.line, line, src);
  }
});

test('a handlebars syntax error points at its line', () => {
  const { r } = renderWith({ 'director/notify.sh.hbs': 'ok\n{{#if x}}\nunclosed\n' });
  assert.equal(r.ok, false);
  const d = only(r.diagnostics, 'template-syntax');
  assert.match(d.where.file!, /notify\.sh\.hbs$/);
  assert.ok(d.where.line! >= 2, formatDiagnostic(d));
});

test('a missing template is an error at the role.yaml entry that names it', () => {
  const roleYaml = 'files:\n  - template: keepalived.conf.hbs\n    dest: /etc/keepalived/keepalived.conf\n    vars: { render_virtual_servers: true }\n  - template: no-such.conf.hbs\n    dest: /etc/no-such.conf\nhandlers: []\n';
  const { r, dir } = renderWith({ 'director/role.yaml': roleYaml });
  assert.equal(r.ok, false);
  const d = only(r.diagnostics, 'template-missing');
  assert.equal(d.where.file, join(dir, 'templates/director/role.yaml'));
  assert.equal(d.where.line, 5);
  assert.match(d.message, /director\/no-such\.conf\.hbs/);
});

test('every problem of a role.yaml is reported, each with its line', () => {
  const text = [
    'files:',
    '  - template: a.hbs',          // 2
    '    dest: etc/relative',        // 3
    '    mode: 644',                 // 4
    '    notify: [reload nothing]',
    '    when: [nginx, kubernetes]',
    '  - dest: /etc/b',              // 7: no template
    'handlers:',
    '  - name: reload x',
    '    commands: { systemd: x }',  // 10: sysv, direct missing
  ].join('\n');
  const r = parseRoleDefinition('director', '/x/role.yaml', text);
  assert.equal(r.ok, false);
  const got = r.diagnostics.map((d) => `${d.code}@${d.where.line}`).sort();
  assert.deepEqual(got, [
    'role-yaml-condition@2', 'role-yaml-field@10', 'role-yaml-field@10', 'role-yaml-field@3', 'role-yaml-field@4',
    'role-yaml-field@7', 'role-yaml-handler@2',
  ].sort(), r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.ok(r.diagnostics.every((d) => d.where.file === '/x/role.yaml'));
});

test('a YAML syntax error in role.yaml is a diagnostic with a line, reported once for all hosts', () => {
  const { r } = renderWith({ 'director/role.yaml': 'files:\n  - template: a.hbs\n    dest: [unclosed\n' });
  assert.equal(r.ok, false);
  const ds = r.diagnostics.filter((d) => d.code === 'role-yaml-syntax');
  assert.ok(ds.length >= 1);
  assert.ok(ds.every((d) => typeof d.where.line === 'number'));
  // lb1 and lb2 both use the role: the same diagnostic is not repeated per host.
  assert.equal(new Set(ds.map(formatDiagnostic)).size, ds.length);
});

test('errors are collected across templates, not only the first', () => {
  const { r } = renderWith({
    'director/notify.sh.hbs': '{{nope_one}}\n',
    'director/check-nginx.sh.hbs': '\n{{nope_two}}\n',
  });
  assert.equal(r.ok, false);
  const msgs = r.diagnostics.map((d) => d.message).join('\n');
  assert.match(msgs, /nope_one/);
  assert.match(msgs, /nope_two/);
});

test('a string printed raw by an override is refused: template-value at its line, for the host', () => {
  const { r, dir } = renderWith({ 'director/notify.sh.hbs': '#!/bin/sh\n# fine: {{shcomment host.name}}\necho {{host.name}}\n' });
  assert.equal(r.ok, false);
  const d = only(r.diagnostics, 'template-unescaped');
  assert.equal(d.where.file, join(dir, 'templates/director/notify.sh.hbs'));
  assert.equal(d.where.line, 3);
  assert.equal(d.where.col, 8);
  assert.equal(d.where.host, 'lb1');
  assert.match(d.message, /\{\{host\.name\}\} is a string and needs a context escaper/);
});
