import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ansibleConfig, type ConfigSearch } from '../../../src/ansible-config/index.js';
import { chooseInventory, forksFrom } from '../../../src/cli/inventory-source.js';

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
  const c = chooseInventory(undefined, cfg('[defaults]\ninventory = h\nremote_user = deploy\nprivate_key_file = keys/id\nforks = 7\ntimeout = 3\ninventory_ignore_extensions = .bak\n[privilege_escalation]\nbecome = yes\nbecome_user = admin\n[ssh_connection]\nssh_args = -o ProxyJump=ops@bastion\n'));
  assert.deepEqual(c.connectionDefaults, { user: 'deploy', privateKeyFile: '/proj/keys/id', become: true, becomeUser: 'admin', proxyJump: 'ops@bastion' });
  assert.equal(c.forks, 7);
  assert.equal(c.connectTimeoutMs, 3000);
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
