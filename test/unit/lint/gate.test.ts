/**
 * One gate: render, plan and deploy (loadFleet) refuse what `hafleet lint` refuses, with the same
 * diagnostics, before any host is contacted; warnings stay non-fatal. Before, a VIP equal to
 * lb2's address planned with exit 0 (issue 12, defect 7).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { loadInventory } from '../../../src/inventory/index.js';
import { gateInventory, lintInventory } from '../../../src/lint/index.js';
import { loadFleet } from '../../../src/fleet/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLEAN = join(ROOT, 'test/fixtures/lint/clean');

/** A scratch copy of the clean fixture with group_vars/all.yml replaced. */
function inventoryWith(t: { after(fn: () => void): void }, allYml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hf-gate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(CLEAN, dir, { recursive: true });
  writeFileSync(join(dir, 'group_vars/all.yml'), allYml);
  return dir;
}

const cluster = (over: string) => `hafleet_clusters:
  - name: web
    mode: nginx
    directors: directors
    realservers: webservers
    interface: eth0
${over}`;

const cases: { name: string; code: string; fixture?: string; all?: string }[] = [
  { name: "VIP = another host's address", code: 'vip-not-host-address', all: cluster('    vrrp: { auth_pass: s3cret }\n    vrid: 51\n    vips: [198.18.0.12/24]\n') },
  { name: 'VIP outside the subnet', code: 'vip-in-subnet', fixture: 'vip-in-subnet' },
  { name: 'duplicate VIP', code: 'vip-unique', fixture: 'vip-unique' },
  { name: 'duplicate VRID', code: 'vrid-unique', fixture: 'vrid-unique' },
  { name: 'equal priorities', code: 'priority-distinct', fixture: 'priority-distinct' },
  { name: 'auth_pass over 8 characters', code: 'auth-pass-length', fixture: 'auth-pass-length' },
  { name: 'VIP family vs VRRP version', code: 'vip-family', fixture: 'vip-family' },
  { name: 'no directors', code: 'director-count', all: cluster('    vrrp: { auth_pass: s3cret }\n    vrid: 51\n    vips: [198.18.0.100/24]\n').replace('directors: directors', 'directors: []') },
  { name: 'a director as its own realserver (nginx)', code: 'nginx-proxy-loop', fixture: 'nginx-proxy-loop' },
  { name: 'an unsafe host name', code: 'host-name', fixture: 'host-name' },
  { name: 'hostile values in every typed key (injection, traversal, newlines)', code: 'wrong-type', fixture: 'wrong-type--hostile' },
  { name: 'a newline in a path (threw inside plan\'s facts script: exit 70)', code: 'wrong-type',
    all: cluster('    vrrp: { auth_pass: s3cret }\n    vrid: 51\n    vips: [198.18.0.100/24]\n    nginx: { error_page: "/usr/share/hafleet/a\\nb.html" }\n') },
];

for (const c of cases) {
  test(`loadFleet (plan, deploy) and the render gate refuse ${c.name} with lint's ${c.code}`, (t) => {
    const dir = c.fixture ? join(ROOT, 'test/fixtures/lint', c.fixture) : inventoryWith(t, c.all!);
    const inv = loadInventory(dir);
    assert.ok(inv.ok, inv.diagnostics.map(formatDiagnostic).join('\n'));
    const lintErrors = lintInventory(inv.value).filter((d) => d.severity === 'error').map(formatDiagnostic);
    assert.ok(lintErrors.some((l) => l.includes(`[${c.code}]`)), `lint itself finds ${c.code}`);
    const fleet = loadFleet(dir, { env: process.env });
    assert.equal(fleet.ok, false, `${c.name} must not reach a host`);
    const lines = fleet.diagnostics.map(formatDiagnostic);
    // Every error lint prints, the gate prints too.
    for (const l of lintErrors) assert.ok(lines.includes(l), `missing from the gate: ${l}`);
    const gate = gateInventory(inv.value);
    assert.equal(gate.ok, false);
  });
}

test('a multi-line auth_pass is refused by the gate, naming the key and not echoing the value', (t) => {
  const dir = inventoryWith(t, cluster('    vrrp:\n      auth_pass: "ab\\n  }\\n  notify_master \\"/bin/sh -c id\\" root\\n"\n    vrid: 51\n    vips: [198.18.0.100/24]\n'));
  const fleet = loadFleet(dir, { env: process.env });
  assert.equal(fleet.ok, false);
  const d = fleet.diagnostics.find((x) => x.code === 'wrong-type');
  assert.ok(d, fleet.diagnostics.map(formatDiagnostic).join('\n'));
  assert.equal(d.where.key, 'hafleet_clusters[0].vrrp.auth_pass');
  assert.equal(d.where.file, 'group_vars/all.yml');
  const text = fleet.diagnostics.map(formatDiagnostic).join('\n');
  assert.ok(!text.includes('notify_master'), 'the secret is not printed');
});

// The gate alone (loadFleet renders after it; rendering has its own tests).
function gate(dir: string) {
  const inv = loadInventory(join(ROOT, dir));
  assert.ok(inv.ok, inv.diagnostics.map(formatDiagnostic).join('\n'));
  return gateInventory(inv.value);
}

test('warnings stay non-fatal: one director passes the gate with a warning', () => {
  const g = gate('test/fixtures/lint/director-count');
  assert.ok(g.ok, g.diagnostics.map(formatDiagnostic).join('\n'));
  assert.ok(g.diagnostics.some((d) => d.severity === 'warning' && d.code === 'director-count'));
});

test('the shipped example inventories and the clean fixture pass the gate', () => {
  for (const dir of ['inventories/nginx-ha', 'inventories/lvs-dr', 'inventories/dual-master', 'inventories/dual-stack', 'test/fixtures/lint/clean']) {
    const g = gate(dir);
    assert.ok(g.ok, `${dir}: ${g.diagnostics.map(formatDiagnostic).join('\n')}`);
  }
});

function hafleet(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("hafleet render and plan exit 65 on a VIP equal to lb2's address; render writes nothing", (t) => {
  const dir = inventoryWith(t, cluster('    vrrp: { auth_pass: s3cret }\n    vrid: 51\n    vips: [198.18.0.12/24]\n'));
  const out = join(dir, 'out');
  const render = hafleet('render', '-i', dir, '--out', out);
  assert.equal(render.code, 65, render.stderr);
  assert.match(render.stderr, /error\[vip-not-host-address\]: group_vars\/all\.yml:\d+:\d+ hafleet_clusters\[0\]\.vips\[0\]: 198\.18\.0\.12 is the address of host lb2/);
  assert.ok(!existsSync(out), 'nothing written');
  // plan stops at the gate: no connection is attempted (it would report lb1/lb2 unreachable, exit 4).
  const plan = hafleet('plan', '-i', dir);
  assert.equal(plan.code, 65, plan.stderr);
  assert.match(plan.stderr, /error\[vip-not-host-address\]/);
  assert.doesNotMatch(plan.stderr, /unreachable/i);
});
