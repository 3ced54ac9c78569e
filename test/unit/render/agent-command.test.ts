/** `hafleet_agent_command` reaches the agent director's wrapper and the config's validate command. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { renderHost } from '../../../src/render/index.js';
import type { Inventory } from '../../../src/inventory/index.js';
import { natCluster, noInventory, topology } from './hand-topology.js';

const WRAPPER = '/usr/local/sbin/hafleet-agent';
const UNIT = '/etc/systemd/system/hafleet-agent.service';
const CONF = '/etc/keepalived/hafleet-agent.conf';

function withCommand(command: string, more: Record<string, string> = {}): Inventory {
  const d1 = { name: 'd1', vars: { hafleet_agent_command: command, ...more }, groups: ['all'], where: {} };
  return { ...noInventory, hosts: new Map([['d1', d1]]) } as Inventory;
}

test('agent director: wrapper (0755), unit and config; the default command is `hafleet agent`', () => {
  const r = renderHost(noInventory, topology(natCluster('agent')), 'd1');
  assert.ok(r.ok);
  const by = new Map(r.value.files.map((f) => [f.path, f]));
  const wrapper = by.get(WRAPPER)!;
  assert.equal(wrapper.mode, '0755');
  // No arguments: the deployed configuration and status file are set as the arguments, then every
  // path (setpriv as the agent's user, as root, or already the user under systemd) execs the command.
  assert.match(wrapper.content, /^  set -- -f \/etc\/keepalived\/hafleet-agent\.conf --status-file \/run\/hafleet\/agent-status\.json$/m);
  assert.match(wrapper.content, /--bounding-set=-all,\$CAPS -- 'hafleet' 'agent' "\$@"$/m);
  assert.match(wrapper.content, /^exec 'hafleet' 'agent' "\$@"$/m);
  assert.equal(spawnSync('sh', ['-n'], { input: wrapper.content }).status, 0, 'the wrapper is valid sh');
  assert.match(by.get(UNIT)!.content, /^ExecStart=\/usr\/local\/sbin\/hafleet-agent$/m);
  assert.equal(by.get(CONF)!.validate, "'hafleet' 'agent' -t -f {path}");
  assert.deepEqual(by.get(CONF)!.notify, ['reload hafleet-agent']);
  assert.ok(!by.has('/etc/keepalived/keepalived.conf'));
  assert.deepEqual(r.value.handlers.map((h) => h.name).filter((n) => /keepalived|agent/.test(n)), ['reload hafleet-agent']);
});

test('hafleet_agent_command replaces the command in the wrapper and in validate', () => {
  const cmd = '/usr/bin/node /opt/hafleet/dist/src/cli/main.js agent';
  const r = renderHost(withCommand(cmd), topology(natCluster('agent')), 'd1');
  assert.ok(r.ok);
  const by = new Map(r.value.files.map((f) => [f.path, f]));
  // Each word single-quoted: the inventory value is a word list, never shell syntax.
  const quoted = "'/usr/bin/node' '/opt/hafleet/dist/src/cli/main.js' 'agent'";
  assert.ok(by.get(WRAPPER)!.content.includes(`\nexec ${quoted} "$@"\n`));
  assert.equal(by.get(CONF)!.validate, `${quoted} -t -f {path}`);
});

test('keepalived director: no agent files', () => {
  const r = renderHost(withCommand('/x agent'), topology(natCluster('keepalived')), 'd1');
  assert.ok(r.ok);
  const paths = r.value.files.map((f) => f.path);
  for (const p of [WRAPPER, UNIT, CONF]) assert.ok(!paths.includes(p), p);
  assert.ok(paths.includes('/etc/keepalived/keepalived.conf'));
});

test('no systemd unit where the inventory says the host has none (service_manager sysv or direct)', () => {
  for (const [manager, unit] of [['direct', false], ['sysv', false], ['systemd', true]] as const) {
    const r = renderHost(withCommand('hafleet agent', { service_manager: manager }), topology(natCluster('agent')), 'd1');
    assert.ok(r.ok);
    const paths = r.value.files.map((f) => f.path);
    assert.equal(paths.includes(UNIT), unit, manager);
    assert.ok(paths.includes(WRAPPER), manager);
  }
});
