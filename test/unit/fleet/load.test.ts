import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clusterRefsOf, loadFleet, serviceManagerOf } from '../../../src/fleet/index.js';
import { parseSshConfig } from '../../../src/transport/index.js';

/** The fleet layer takes plain values: an env map, a limit, where User comes from; no argv, no process.env. */
const refs = { sshConfig: parseSshConfig('', 'c', () => []), localUser: 'me' };

describe('loadFleet', () => {
  it('loads, gates and renders an example inventory, with a HostRef per host with a role', () => {
    const r = loadFleet('inventories/nginx-ha/hosts.yml', { env: {}, refs });
    assert.ok(r.ok, JSON.stringify(r.diagnostics));
    const f = r.value;
    assert.ok(f.hosts.length >= 2, `hosts: ${f.hosts.join(', ')}`);
    assert.deepEqual([...f.refs.keys()], f.hosts);
    assert.deepEqual([...f.desired.keys()], f.hosts);
    assert.ok(f.secrets.length > 0, 'auth_pass is a secret to mask');
  });

  it('limits to a pattern; the cluster lock still reaches every director of a touched cluster', () => {
    const all = loadFleet('inventories/nginx-ha/hosts.yml', { env: {}, refs });
    assert.ok(all.ok);
    const cluster = all.value.topology.clusters.find((c) => c.directors.length > 1)!;
    const [first, ...others] = cluster.directors;
    const one = loadFleet('inventories/nginx-ha/hosts.yml', { env: {}, refs, limit: first! });
    assert.ok(one.ok, JSON.stringify(one.diagnostics));
    assert.deepEqual(one.value.hosts, [first]);
    const locked = clusterRefsOf(one.value, refs);
    for (const d of cluster.directors) assert.ok(locked.has(d), `${d} gets a lock connection`);
    assert.ok(others.every((d) => !one.value.refs.has(d)), 'but only the limited host is deployed');
  });

  it('fails with the pattern diagnostic on a limit matching nothing known, before touching any host', () => {
    const r = loadFleet('inventories/nginx-ha/hosts.yml', { env: {}, refs, limit: 'nosuchhost' });
    assert.ok(!r.ok || r.value.hosts.length === 0);
  });

  it('fails on a missing inventory with a diagnostic naming it', () => {
    const r = loadFleet('/nonexistent/hosts.yml', { env: {}, refs });
    assert.equal(r.ok, false);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
  });

  it('reads service_manager only when it names a manager hafleet knows', () => {
    const r = loadFleet('inventories/nginx-ha/hosts.yml', { env: {}, refs });
    assert.ok(r.ok);
    const host = r.value.hosts[0]!;
    const vars = r.value.inventory.hosts.get(host)!.vars as Record<string, unknown>;
    const inv = { ...r.value.inventory, hosts: new Map([[host, { ...r.value.inventory.hosts.get(host)!, vars: { ...vars, service_manager: 'direct' } }]]) };
    assert.equal(serviceManagerOf(inv, host), 'direct');
    const bad = { ...inv, hosts: new Map([[host, { ...inv.hosts.get(host)!, vars: { ...vars, service_manager: 'upstart' } }]]) };
    assert.equal(serviceManagerOf(bad, host), undefined);
  });
});
