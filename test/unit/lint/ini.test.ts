/** INI inventories keep per-host values as strings; hafleet reads them as Ansible does. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { loadInventory } from '../../../src/inventory/index.js';
import { lintInventory } from '../../../src/lint/index.js';
import { buildTopology } from '../../../src/topology/index.js';

test('INI host vars: vrrp_priority=120, realserver_backup=yes are read, not type errors', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-lint-ini-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'hosts.ini'), [
    '[directors]',
    'lb1 ansible_host=198.18.0.11',
    'lb2 ansible_host=198.18.0.12 vrrp_priority=120',
    '[webservers]',
    'web1 ansible_host=198.18.0.21 realserver_weight=2',
    'web2 ansible_host=198.18.0.22 realserver_backup=yes',
    '',
  ].join('\n'));
  mkdirSync(join(dir, 'group_vars'));
  writeFileSync(join(dir, 'group_vars', 'all.yml'), [
    'hafleet_clusters:',
    '  - { name: web, mode: nginx, directors: directors, realservers: webservers, interface: eth0, vrid: 51, vips: [198.18.0.100/24] }',
    '',
  ].join('\n'));
  // The file itself: inside a directory source ansible-core 2.14 skips *.ini (INVENTORY_IGNORE_EXTS).
  const loaded = loadInventory(join(dir, 'hosts.ini'));
  assert.ok(loaded.ok, loaded.diagnostics.map(formatDiagnostic).join('\n'));
  assert.deepEqual(lintInventory(loaded.value).map(formatDiagnostic), []);
  const topo = buildTopology(loaded.value);
  assert.ok(topo.ok);
  const c = topo.value.clusters[0]!;
  assert.deepEqual(c.instances[0]!.members.map((m) => m.priority), [150, 120]);
  assert.deepEqual(c.services[0]!.realServers.map((r) => [r.weight, r.backup]), [[2, false], [1, true]]);
});
