import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { parseRoleDefinition, renderHost, type RoleDefinition } from '../../../src/render/index.js';
import { ROOT } from './example.js';
import { natCluster, noInventory, topology } from './hand-topology.js';

function bundled(role: string): RoleDefinition {
  const file = join(ROOT, 'templates', role, 'role.yaml');
  const r = parseRoleDefinition(role, file, readFileSync(file, 'utf8'));
  assert.ok(r.ok, r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.value;
}

const shellOk = (cmd: string) => spawnSync('sh', ['-n'], { input: cmd, encoding: 'utf8' }).status === 0;

for (const role of ['director', 'realserver']) {
  test(`bundled ${role}/role.yaml: every handler command, check and validate is valid sh`, () => {
    const def = bundled(role);
    assert.ok(def.handlers.length > 0);
    for (const h of def.handlers) {
      for (const m of ['systemd', 'sysv', 'direct'] as const) assert.ok(shellOk(h.commands[m]), `${h.name} ${m}: ${h.commands[m]}`);
      assert.ok(h.check && shellOk(h.check), `${h.name} check`);
    }
    for (const f of def.files) if (f.validate && f.validate !== 'nginx-tree') assert.ok(shellOk(f.validate.replaceAll('{path}', '/tmp/x')), f.validate);
  });
}

test('director: scripts come before keepalived.conf, nginx reloads before keepalived, reload over restart', () => {
  const def = bundled('director');
  const at = (t: string) => def.files.findIndex((f) => f.template === t);
  assert.ok(at('check-nginx.sh.hbs') < at('keepalived.conf.hbs'));
  assert.ok(at('notify.sh.hbs') < at('keepalived.conf.hbs'));
  const order = (n: string) => def.handlers.find((h) => h.name === n)!.order;
  assert.ok(order('reload nginx') < order('reload keepalived'));
  for (const h of def.handlers) assert.doesNotMatch(h.commands.systemd, /systemctl restart/, h.name);
  const nginxConf = def.files.find((f) => f.template === 'nginx-cluster.conf.hbs')!;
  assert.equal(nginxConf.validate, 'nginx-tree');
  assert.match(def.files.find((f) => f.dest === '/etc/keepalived/keepalived.conf')!.validate!, /keepalived -t -f \{path\}/);
});

test('the VRRP agent accepts the config rendered for it (hafleet agent -t)', (t) => {
  // `agent -t` checks that the interfaces exist, as keepalived -t does: lo exists everywhere.
  const c = natCluster('agent');
  const inst = c.instances[0]!;
  const onLo = { ...c, instances: [{ ...inst, interface: 'lo', vips: inst.vips.map((v) => ({ ...v, dev: 'lo' })), members: inst.members.map((m) => ({ ...m, interface: 'lo' })) }] };
  const r = renderHost(noInventory, topology(onLo), 'd1');
  assert.ok(r.ok);
  const f = r.value.files.find((x) => x.path === '/etc/keepalived/hafleet-agent.conf')!;
  const dir = mkdtempSync(join(tmpdir(), 'hf-render-agent-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'vrrp-agent.conf');
  writeFileSync(path, f.content);
  // hafleet_agent_command's words, each single-quoted for sh.
  assert.match(f.validate!, /^'hafleet' 'agent' -t -f \{path\}$/);
  const cmd = ['agent', ...f.validate!.replace(/^'hafleet' 'agent' /, '').replaceAll('{path}', path).split(' ')];
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...cmd], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr + run.stdout, /app_81/);
});

test('role.yaml: a template outside the role directory, an owner that is not a name and a managed path of / are refused with their lines', () => {
  const text = [
    'managed_paths: [/, /etc/x/../y]',
    'files:',
    '  - template: ../../../etc/shadow',
    '    dest: /etc/keepalived/x',
    '    owner: "root;id"',
    '    group: "a b"',
    'handlers: []',
    '',
  ].join('\n');
  const r = parseRoleDefinition('director', '/r/role.yaml', text);
  assert.equal(r.ok, false);
  const messages = r.diagnostics.map((d) => `${d.where.line}: ${d.message}`);
  assert.ok(messages.some((m) => /^3: template "\.\.\/\.\.\/\.\.\/etc\/shadow" must be a path inside/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => /^5: owner "root;id" is not a user or group name/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => /^6: group "a b"/.test(m)), messages.join('\n'));
  assert.equal(messages.filter((m) => /managed path/.test(m)).length, 2, messages.join('\n'));
});
