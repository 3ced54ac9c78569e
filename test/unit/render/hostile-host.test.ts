import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { renderFleet, renderHost } from '../../../src/render/index.js';
import type { Cluster, Topology } from '../../../src/topology/index.js';
import { natCluster, noInventory } from './hand-topology.js';

/** The hand-built lvs-nat cluster with director d1 renamed. */
function renamed(name: string): Topology {
  const c = natCluster('keepalived');
  const cluster: Cluster = {
    ...c, directors: c.directors.map((d) => (d === 'd1' ? name : d)),
    instances: c.instances.map((i) => ({ ...i, members: i.members.map((m) => (m.host === 'd1' ? { ...m, host: name } : m)) })),
  };
  return { clusters: [cluster], roles: new Map<string, Set<'director' | 'realserver'>>([[name, new Set(['director'])], ['d2', new Set(['director'])], ['r1', new Set(['realserver'])]]) };
}

test('defect 2: a host named lb1$(id>/tmp/x) never reaches a root script as shell: keepalived refuses it as router_id, with host, template and line', () => {
  const name = 'lb1$(id>/tmp/x)';
  const r = renderFleet(noInventory, renamed(name));
  assert.equal(r.ok, false);
  const d = r.diagnostics.find((x) => x.code === 'template-value');
  assert.ok(d, r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.equal(d.where.host, name);
  assert.match(d.where.file!, /keepalived\.conf\.hbs$/);
  assert.equal(typeof d.where.line, 'number');
  assert.match(d.message, /\{\{router_id\}\}: kw: '\$' is not allowed/);
});

test('the notify script assigns the host name in single quotes and only ever expands it inside "…"', () => {
  // A name keepalived can take as a word but sh would not: the script still quotes it.
  const r = renderHost(noInventory, renamed('lb1-a,b'), 'lb1-a,b');
  assert.ok(r.ok, r.diagnostics.map(formatDiagnostic).join('\n'));
  const notify = r.value.files.find((f) => f.path === '/usr/local/sbin/hafleet-notify')!.content;
  assert.match(notify, /^HOST_NAME='lb1-a,b'$/m);
  assert.match(notify, /^line="\$\(date -u \+%Y-%m-%dT%H:%M:%SZ\) \$HOST_NAME \$type/m);
  assert.ok(!notify.includes('"lb1-a,b'), 'the name is never inside a template-written "…"');
});

test('a newline in a host name cannot add a keepalived or nginx directive: refused', () => {
  const r = renderFleet(noInventory, renamed('lb1\nnotify_master /bin/id root'));
  assert.equal(r.ok, false);
  assert.ok(r.diagnostics.some((d) => d.code === 'template-value' || d.code === 'render-host-name'));
});
