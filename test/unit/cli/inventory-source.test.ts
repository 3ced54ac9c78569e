import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { ansibleConfig, type ConfigSearch } from '../../../src/ansible-config/index.js';
import { chooseInventory } from '../../../src/cli/inventory-source.js';
import { forksFrom } from '../../../src/cli/args.js';

const CFG = '/proj/ansible.cfg';
function cfg(text: string | undefined, env: Record<string, string> = {}) {
  const s: ConfigSearch = { env, cwd: '/proj', home: '/home/ops', readable: (p) => text !== undefined && p === CFG, isDir: () => false, cwdWorldWritable: false };
  return ansibleConfig(s, () => text ?? '');
}

test('-i (each one given) beats ansible.cfg; ansible.cfg\'s inventory is a list relative to the file', () => {
  const c = cfg('[defaults]\ninventory = inv/a, /abs/b\n');
  assert.deepEqual(chooseInventory(['x', 'y'], c).sources, ['x', 'y']);
  assert.deepEqual(chooseInventory('x', c).sources, ['x'], 'HAFLEET_INVENTORY / one -i');
  assert.deepEqual(chooseInventory([''], c).sources, ['/proj/inv/a', '/abs/b'], 'an empty HAFLEET_INVENTORY is none');
  const fromCfg = chooseInventory(undefined, c);
  assert.deepEqual(fromCfg.sources, ['/proj/inv/a', '/abs/b']);
  assert.match(fromCfg.from, /ansible\.cfg:2/);
  assert.deepEqual(chooseInventory(undefined, cfg(undefined, { ANSIBLE_INVENTORY: 'e1,e2' })).sources, ['/proj/e1', '/proj/e2']);
});

test("Ansible's default /etc/ansible/hosts counts only when it exists", () => {
  assert.deepEqual(chooseInventory(undefined, cfg(undefined), () => false).sources, []);
  assert.deepEqual(chooseInventory(undefined, cfg(undefined), (p) => p === '/etc/ansible/hosts').sources, ['/etc/ansible/hosts']);
});

test('connection defaults, forks, timeout and ignore lists come from the settings set, not from Ansible\'s defaults', () => {
  const c = chooseInventory(undefined, cfg('[defaults]\ninventory = h\nremote_user = deploy\nremote_port = 2222\nprivate_key_file = keys/id\nforks = 7\ntimeout = 3\ninventory_ignore_extensions = .bak\n[privilege_escalation]\nbecome = yes\nbecome_user = admin\nbecome_ask_pass = True\n[ssh_connection]\nssh_args = -o ProxyJump=ops@bastion\n'));
  assert.deepEqual(c.connectionDefaults, { user: 'deploy', port: 2222, privateKeyFile: '/proj/keys/id', become: true, becomeUser: 'admin', proxyJump: 'ops@bastion' });
  assert.equal(c.forks, 7);
  assert.equal(c.connectTimeoutMs, 3000);
  assert.equal(c.askBecomePass, true);
  assert.deepEqual(c.load, { ignoreExts: ['.bak'] });
  assert.deepEqual(c.diagnostics, []);
  const none = chooseInventory(['h'], cfg(undefined));
  assert.deepEqual(none.connectionDefaults, {});
  assert.equal(none.forks, undefined, "Ansible's default forks (5) is not hafleet's");
  assert.deepEqual(none.load, {});
});

test('forks: --forks, else ansible.cfg, else the command default; a bad --forks is a usage error', () => {
  const c = chooseInventory(['h'], cfg('[defaults]\nforks = 7\n'));
  assert.equal(forksFrom(undefined, c, 50), 7);
  assert.equal(forksFrom('3', c, 50), 3);
  assert.equal(forksFrom(undefined, chooseInventory(['h'], cfg(undefined)), 20), 20);
  assert.throws(() => forksFrom('0', c, 50), /--forks 0/);
});

test('become_method other than sudo is refused, naming the line; host_key_checking=False is a warning', () => {
  const c = chooseInventory(['h'], cfg('[defaults]\nhost_key_checking = False\n[privilege_escalation]\nbecome_method = su\n'));
  const e = c.diagnostics.find((d) => d.severity === 'error');
  assert.ok(e);
  assert.match(e.message, /become_method = su: hafleet becomes root with sudo only/);
  assert.equal(e.where.line, 4);
  assert.ok(c.diagnostics.some((d) => d.code === 'host-key-checking' && d.severity === 'warning'));
});

// The commands themselves, run in a directory whose ansible.cfg names the inventory.

const MAIN = new URL('../../../src/cli/main.ts', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');
const LINT_CLEAN = new URL('../../fixtures/lint/clean/', import.meta.url).pathname;
function cli(cwd: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', HOME: cwd };
  for (const k of Object.keys(env)) if (k === 'HAFLEET_INVENTORY' || k.startsWith('ANSIBLE_')) delete env[k];
  return spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env, encoding: 'utf8' });
}

test('lint, inventory and render without -i read ansible.cfg; -i twice reads two sources; host_key_checking=False is warned only by commands that connect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-cfg-cli-'));
  try {
    cpSync(LINT_CLEAN, join(dir, 'inv'), { recursive: true });
    mkdirSync(join(dir, 'extra'));
    writeFileSync(join(dir, 'extra', 'hosts.yml'), 'spare:\n  hosts:\n    spare1:\n      ansible_host: 198.18.9.9\n');
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\ninventory = inv\nhost_key_checking = False\n');
    const lint = cli(dir, 'lint');
    assert.equal(lint.status, 0, lint.stderr);
    assert.doesNotMatch(lint.stderr, /host_key_checking/, 'lint connects to nothing: no warning');
    const list = cli(dir, 'inventory', '--list');
    assert.equal(list.status, 0, list.stderr);
    assert.ok(!('spare' in JSON.parse(list.stdout)));
    const two = cli(dir, 'inventory', '-i', 'inv', '-i', 'extra', '--list');
    assert.equal(two.status, 0, two.stderr);
    assert.deepEqual(JSON.parse(two.stdout).spare, { hosts: ['spare1'] });
    const render = cli(dir, 'render', '--out', join(dir, 'out'));
    assert.equal(render.status, 0, render.stderr);
    // plan would connect: the warning shows, once (a --limit matching nothing stops it before any host).
    const plan = cli(dir, 'plan', '--limit', 'no-such-host');
    assert.equal((plan.stderr.match(/host_key_checking = False/g) ?? []).length, 1, plan.stderr);
    const shown = cli(dir, 'config', '--json');
    assert.equal(shown.status, 0, shown.stderr);
    assert.deepEqual(JSON.parse(shown.stdout).inventorySources, [join(dir, 'inv')]);
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\ninventory = inv\n[privilege_escalation]\nbecome_method = su\n');
    const su = cli(dir, 'config');
    assert.equal(su.status, 64, 'hafleet config says what hafleet refuses too');
    assert.match(su.stderr, /become_method = su: hafleet becomes root with sudo only/);
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\ninventory = inv, missing\n');
    const missing = cli(dir, 'lint');
    assert.equal(missing.status, 65);
    assert.match(missing.stderr, /no inventory file or directory at '.*missing'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
