/**
 * Host and group names hafleet writes into configs and root scripts (issue 12, defect 2): a
 * hostile director or realserver name is refused at the gate by host-name, a hostile group name
 * named by directors/realservers by its type, each with where it was written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import type { Vars } from '../../../src/inventory/index.js';
import { gateInventory } from '../../../src/lint/index.js';
import { fakeInventory } from '../topology/fake-inventory.js';

const HOSTILE = ['lb1$(id>/tmp/x)', 'lb1\nrouter_id x', 'lb1"', "lb1'", 'lb1}', 'lb1;id', 'lb1`id`', '../lb1', 'lb1\0', 'lb1\u001b[2J', 'lb1é', '-oProxyCommand=id', '.lb1', 'lb 1', 'x'.repeat(4096)];

function cluster(directors: string): Vars {
  return { hafleet_clusters: [{ name: 'web', mode: 'nginx', directors, realservers: 'webservers', interface: 'eth0', vrrp: { auth_pass: 's3cret' }, vrid: 51, vips: ['198.18.0.100/24'] }] };
}

test('a hostile director or realserver name is refused by host-name', () => {
  let n = 0;
  for (const name of HOSTILE) {
    for (const role of ['directors', 'webservers'] as const) {
      const groups: Record<string, Record<string, Vars>> = {
        directors: { lb1: { ansible_host: '198.18.0.11' }, lb2: { ansible_host: '198.18.0.12' } },
        webservers: { web1: { ansible_host: '198.18.0.21' }, web2: { ansible_host: '198.18.0.22' } },
      };
      groups[role]![name] = { ansible_host: role === 'directors' ? '198.18.0.13' : '198.18.0.23' };
      const g = gateInventory(fakeInventory({ all: cluster('directors'), groups }));
      assert.equal(g.ok, false, `${JSON.stringify(name)} as a ${role} member passed`);
      assert.ok(g.diagnostics.some((d) => d.code === 'host-name' && d.where.file === 'hosts.yml'), g.diagnostics.map(formatDiagnostic).join('\n'));
      for (const d of g.diagnostics) assert.doesNotMatch(d.message, /[\u0000-\u001f\u007f-\u009f]/, 'the name is shown escaped');
      n++;
    }
  }
  console.log(`# ${n} hostile host names refused`);
});

test('a hostile group name in directors is refused by its type, naming the key', () => {
  for (const name of HOSTILE) {
    const g = gateInventory(fakeInventory({ all: cluster(name), groups: { [name]: { lb1: {}, lb2: {} }, webservers: { web1: {} } } }));
    assert.equal(g.ok, false);
    assert.ok(g.diagnostics.some((d) => d.code === 'wrong-type' && d.where.key === 'hafleet_clusters[0].directors'), `${JSON.stringify(name)}: ${g.diagnostics.map(formatDiagnostic).join('\n')}`);
  }
});

test('names of the field pass: dotted FQDNs, underscores, IPv6 literals', () => {
  const groups = {
    directors: { 'lb-1.dc1.example.com': { ansible_host: '198.18.0.11' }, lb_2: { ansible_host: '198.18.0.12' } },
    webservers: { '2001:db8::21': { realserver_address: '198.18.0.21' }, web2: { ansible_host: '198.18.0.22' } },
  };
  const g = gateInventory(fakeInventory({ all: cluster('directors'), groups }));
  assert.ok(g.ok, g.diagnostics.map(formatDiagnostic).join('\n'));
});
