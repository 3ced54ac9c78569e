import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { renderFleet } from '../../../src/render/index.js';
import type { Cluster, Topology } from '../../../src/topology/index.js';
import { natCluster, noInventory, topology } from './hand-topology.js';

function nginxCluster(errorPage: string, name = 'app'): Cluster {
  const c = natCluster('keepalived');
  return { ...c, name, mode: 'nginx', nginx: { ...c.nginx, errorPage } };
}

test('an error_page under the managed /usr/share/hafleet renders there', () => {
  const r = renderFleet(noInventory, topology(nginxCluster('/usr/share/hafleet/app/503.html')));
  assert.ok(r.ok, r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.ok(r.value.get('d1')!.files.some((f) => f.path === '/usr/share/hafleet/app/503.html'));
});

test('a destination outside the role\'s managed paths, with .., or with metacharacters is an error naming host, template and value', () => {
  const cases: [string, RegExp][] = [
    ['/usr/share/hafleet/../../etc/shadow', /'\.\.' segment/],
    ['/etc/shadow', /outside the role's managed paths/],
    ['/usr/share/hafleet/a";cd;id>x;"b.html', /'"' is not allowed in a path/],
    ['relative.html', /not an absolute path/],
  ];
  for (const [page, why] of cases) {
    const r = renderFleet(noInventory, topology(nginxCluster(page)));
    assert.equal(r.ok, false, page);
    const d = r.diagnostics.find((x) => x.code === 'render-dest' || x.code === 'render-dest-confined');
    assert.ok(d, `${page}: ${r.diagnostics.map(formatDiagnostic).join('\n')}`);
    assert.equal(d.severity, 'error');
    assert.equal(d.where.host, 'd1');
    assert.match(d.message, /director\/error-page\.html\.hbs/);
    assert.match(d.message, why, page);
    assert.ok(d.message.includes(JSON.stringify(page)), `the value is shown: ${d.message}`);
  }
});

test('a cluster name with / or .. cannot steer the nginx conf destination', () => {
  for (const name of ['../../../etc/cron.d/x', 'a/b']) {
    const r = renderFleet(noInventory, topology(nginxCluster('/usr/share/hafleet/503.html', name)));
    assert.equal(r.ok, false, name);
    assert.ok(r.diagnostics.some((d) => d.code === 'render-dest' && /fsname/.test(d.message)), r.diagnostics.map(formatDiagnostic).join('\n'));
  }
});

test('a host name that cannot be a directory of render --out is refused by render', () => {
  const topo: Topology = topology(natCluster('keepalived'));
  const roles = new Map(topo.roles);
  roles.set('../evil', new Set(['realserver']));
  const r = renderFleet(noInventory, { ...topo, roles });
  assert.equal(r.ok, false);
  assert.ok(r.diagnostics.some((d) => d.code === 'render-host-name' && d.where.host === '../evil'));
});
