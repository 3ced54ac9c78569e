import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ansibleConfig, findConfig, parseIni, type ConfigSearch } from '../../../src/ansible-config/index.js';

function search(files: Record<string, string>, env: Record<string, string> = {}, o: Partial<ConfigSearch> = {}): ConfigSearch {
  return { env, cwd: '/work/proj', home: '/home/ops', readable: (p) => p in files, isDir: (p) => p === '/cfgdir', cwdWorldWritable: false, ...o };
}

test('ansible.cfg is found in Ansible order: ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg', () => {
  const all = { '/x/my.cfg': '', '/work/proj/ansible.cfg': '', '/home/ops/.ansible.cfg': '', '/etc/ansible/ansible.cfg': '', '/cfgdir/ansible.cfg': '' };
  assert.equal(findConfig(search(all, { ANSIBLE_CONFIG: '/x/my.cfg' })).path, '/x/my.cfg');
  assert.equal(findConfig(search(all, { ANSIBLE_CONFIG: '/cfgdir' })).path, '/cfgdir/ansible.cfg', 'a directory means its ansible.cfg');
  assert.equal(findConfig(search(all)).path, '/work/proj/ansible.cfg');
  assert.equal(findConfig(search({ '/home/ops/.ansible.cfg': '', '/etc/ansible/ansible.cfg': '' })).path, '/home/ops/.ansible.cfg');
  assert.equal(findConfig(search({ '/etc/ansible/ansible.cfg': '' })).path, '/etc/ansible/ansible.cfg');
  assert.equal(findConfig(search({})).path, undefined);
  const ww = findConfig(search({ '/work/proj/ansible.cfg': '' }, {}, { cwdWorldWritable: true }));
  assert.equal(ww.path, undefined, "a world-writable cwd's ansible.cfg is ignored");
  assert.match(ww.warnings[0]!, /world-writable/);
});

test('INI as configparser: key = value or key: value, ; inline comments after a space, continuation lines', () => {
  const { file, problems } = parseIni('# c\n[defaults]\nRemote_User = deploy ; who\nforks: 7\ninventory = a,\n  b\n');
  assert.deepEqual(problems, []);
  assert.equal(file.get('defaults')!.get('remote_user')!.value, 'deploy');
  assert.equal(file.get('defaults')!.get('forks')!.value, '7');
  assert.equal(file.get('defaults')!.get('inventory')!.value, 'a,\nb');
});

test('env beats the file, the file beats the default; each setting says where it came from; paths relative to the file', () => {
  const text = '[defaults]\ninventory = inv/\nremote_user = deploy\nforks = 12\nprivate_key_file = ~/.ssh/fleet\n[privilege_escalation]\nbecome = yes\nbecome_user = ops\n';
  const cfg = ansibleConfig(search({ '/work/proj/ansible.cfg': text }, { ANSIBLE_FORKS: '3' }), () => text);
  assert.equal(cfg.file, '/work/proj/ansible.cfg');
  assert.deepEqual(cfg.settings.inventory!.value, ['/work/proj/inv']);
  assert.deepEqual(cfg.settings.inventory!.origin, { kind: 'file', path: '/work/proj/ansible.cfg', line: 2, section: 'defaults', key: 'inventory' });
  assert.equal(cfg.settings.forks!.value, 3);
  assert.deepEqual(cfg.settings.forks!.origin, { kind: 'env', name: 'ANSIBLE_FORKS' });
  assert.equal(cfg.settings.private_key_file!.value, '/home/ops/.ssh/fleet');
  assert.equal(cfg.settings.become!.value, true);
  assert.equal(cfg.settings.become_user!.value, 'ops');
  assert.equal(cfg.settings.timeout!.value, 10);
  assert.deepEqual(cfg.settings.timeout!.origin, { kind: 'default' });
  assert.deepEqual(cfg.diagnostics, []);
});

test('host_key_checking = False never turns checking off silently: a warning says hafleet still verifies and how to record keys', () => {
  const text = '[defaults]\nhost_key_checking = False\n';
  const cfg = ansibleConfig(search({ '/work/proj/ansible.cfg': text }), () => text);
  assert.equal(cfg.settings.host_key_checking!.value, false);
  const w = cfg.diagnostics.find((d) => d.code === 'host-key-checking')!;
  assert.equal(w.severity, 'warning');
  assert.match(w.message, /hafleet still verifies every host key/);
  assert.match(w.hint!, /--accept-new-host-keys/);
  assert.equal(w.where.line, 2);
  const env = ansibleConfig(search({}, { ANSIBLE_HOST_KEY_CHECKING: 'false' }), () => '');
  assert.ok(env.diagnostics.some((d) => d.code === 'host-key-checking' && d.where.key === 'ANSIBLE_HOST_KEY_CHECKING'));
});

test('ssh_args: ProxyJump translates, ControlMaster/Persist are ours already, anything else is a warning; bad values are errors', () => {
  const text = '[ssh_connection]\nssh_args = -C -o ControlMaster=auto -o ControlPersist=60s -o ProxyJump=ops@bastion:2222 -o ForwardAgent=yes\n[defaults]\nforks = many\nbecome = perhaps\n';
  const cfg = ansibleConfig(search({ '/work/proj/ansible.cfg': text }), () => text);
  assert.equal(cfg.proxyJump, 'ops@bastion:2222');
  assert.deepEqual(cfg.diagnostics.filter((d) => d.code === 'ssh-args').map((d) => d.message), ['ssh_args -o ForwardAgent=yes is not translated; ignored']);
  assert.deepEqual(cfg.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), ['forks: "many" is not a whole number']);
});
