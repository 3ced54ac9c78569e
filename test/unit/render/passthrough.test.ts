/**
 * extra_keepalived / extra_nginx: what `hafleet import` keeps verbatim reaches the director's
 * keepalived.conf (top level, at the end) and its first nginx cluster's conf.d file (inside http{})
 * unchanged, and only text that cannot leave its place gets through: the key walk refuses it with
 * the key named, and kblock/nblock refuse it again at the template (a value that skipped the gate).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { loadInventory } from '../../../src/inventory/index.js';
import { buildTopology } from '../../../src/topology/index.js';
import { kblock, nblock, EscapeError } from '../../../src/render/escape.js';
import { renderFleet, renderHost } from '../../../src/render/index.js';
import { copyExample, loadExample } from './example.js';
import { PASSTHROUGH_KEEPALIVED, PASSTHROUGH_NGINX, passthroughExample } from './passthrough-example.js';

test('golden: extra_keepalived ends lb1\'s keepalived.conf verbatim, extra_nginx ends its cluster file; lb2 gets neither', () => {
  const { inv, topo } = loadExample(passthroughExample());
  const r = renderFleet(inv, topo);
  assert.ok(r.ok, r.diagnostics.map(formatDiagnostic).join('\n'));
  const file = (h: string, p: string) => r.value.get(h)!.files.find((f) => f.path === p)!.content;
  const k1 = file('lb1', '/etc/keepalived/keepalived.conf');
  assert.ok(k1.endsWith(`}\n\n# Kept verbatim (extra_keepalived).\n${PASSTHROUGH_KEEPALIVED}`), k1.slice(-400));
  const n1 = file('lb1', '/etc/nginx/conf.d/hafleet-web.conf');
  assert.ok(n1.endsWith(`}\n\n# Kept verbatim (extra_nginx).\n${PASSTHROUGH_NGINX}`), n1.slice(-300));
  // Without the keys the files are the example's, byte for byte (the golden files stay).
  const plain = loadExample(join(import.meta.dirname, '../../../inventories/nginx-ha'));
  const p = renderFleet(plain.inv, plain.topo);
  assert.ok(p.ok);
  const before = (h: string, f: string) => p.value.get(h)!.files.find((x) => x.path === f)!.content;
  assert.equal(k1, before('lb1', '/etc/keepalived/keepalived.conf') + `\n# Kept verbatim (extra_keepalived).\n${PASSTHROUGH_KEEPALIVED}`);
  assert.equal(file('lb2', '/etc/keepalived/keepalived.conf'), before('lb2', '/etc/keepalived/keepalived.conf'));
  assert.equal(file('lb2', '/etc/nginx/conf.d/hafleet-web.conf'), before('lb2', '/etc/nginx/conf.d/hafleet-web.conf'));
});

const HOSTILE: [string, string, RegExp][] = [
  ['closes the block it is in', 'vrrp_sync_group g {\n    group {\n        web_51\n    }\n}\n}\nglobal_defs {\n', /braces that close nothing/],
  ['includes a file', 'include /etc/shadow\n', /no include/],
  ['includes after a brace on the same line', 'global_defs { include /root/.ssh/id_rsa }\n', /no include/],
  ['defines a keepalived variable', '$X=notify /bin/sh\n', /\$VARIABLE/],
  ['leaves a block open', 'vrrp_instance evil {\n', /balanced braces/],
  ['ends in a continuation', 'global_defs {\n  router_id a \\\n}\n', /continuation/],
  ['carries a carriage return', 'global_defs {\r\n}\n', /printable/],
];

for (const [what, text, why] of HOSTILE) {
  test(`hostile extra_keepalived that ${what}: refused at the gate with the key named, and by kblock`, () => {
    const dir = copyExample('nginx-ha');
    mkdirSync(join(dir, 'host_vars'), { recursive: true });
    writeFileSync(join(dir, 'host_vars', 'lb1.yml'), `extra_keepalived: ${JSON.stringify(text)}\n`);
    const inv = loadInventory(dir);
    assert.ok(inv.ok, inv.diagnostics.map(formatDiagnostic).join('\n'));
    const topo = buildTopology(inv.value);
    const msgs = topo.diagnostics.map(formatDiagnostic).join('\n');
    assert.equal(topo.ok, false, `the gate let it through:\n${msgs}`);
    assert.match(msgs, /extra_keepalived/);
    assert.throws(() => kblock(text), (e: unknown) => e instanceof EscapeError && why.test(e.message));
  });
}

test('a value that skipped the gate is refused by the template, naming {{extra_keepalived}} and the template line', () => {
  const { inv: base, topo } = loadExample(passthroughExample());
  const evil = 'global_defs {\n}\n}\nvrrp_instance x {\n  notify "/bin/sh -c id" root\n';
  const inv = { ...base, hosts: new Map([...base.hosts].map(([k, h]) => [k, k === 'lb1' ? { ...h, vars: { ...h.vars, extra_keepalived: evil } } : h])) };
  const r = renderHost(inv, topo, 'lb1');
  assert.equal(r.ok, false);
  const d = r.diagnostics.find((x) => x.code === 'template-value');
  assert.ok(d, r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.match(d.message, /\{\{extra_keepalived\}\}: kblock: verbatim keepalived text must be braces that close nothing/);
  assert.match(d.where.file!, /keepalived\.conf\.hbs$/);
  assert.equal(typeof d.where.line, 'number');
});

test('nblock refuses code and includes, and lets nginx variables through', () => {
  assert.throws(() => nblock('load_module /tmp/evil.so;\n'), /load_module/);
  assert.throws(() => nblock('server { location / { content_by_lua_block { os.execute("id") } } }\n'), /content_by_lua_block/);
  assert.throws(() => nblock('include /etc/shadow;\n'), /no include/);
  assert.throws(() => nblock('}\nserver {\n'), /close nothing/);
  assert.equal(nblock('map $http_upgrade $u {\n    default upgrade;\n}\n'), 'map $http_upgrade $u {\n    default upgrade;\n}');
  assert.throws(() => kblock(['global_defs {}']), /not a string/);
});
