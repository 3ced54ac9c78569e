import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { renderFleet } from '../../../src/render/index.js';
import { ROOT, copyExample, loadExample } from './example.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN = join(ROOT, 'test/fixtures/render/listen-port/lb1/etc/nginx/conf.d/hafleet-web.conf');

test('nginx.listen_port: 8080 moves the server blocks and the health probe of a default-port service to 8080 (golden)', (t) => {
  const dir = copyExample('nginx-ha');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const gv = join(dir, 'group_vars/all.yml');
  // The example's service is on port 80, the default: listen_port decides where nginx listens.
  writeFileSync(gv, readFileSync(gv, 'utf8').replace('    nginx:\n', '    nginx:\n      listen_port: 8080\n'));
  const { inv, topo } = loadExample(join(dir, 'hosts.yml'));
  const r = renderFleet(inv, topo);
  assert.ok(r.ok, r.diagnostics.map(formatDiagnostic).join('\n'));
  const files = r.value.get('lb1')!.files;
  const conf = files.find((f) => f.path === '/etc/nginx/conf.d/hafleet-web.conf')!.content;
  if (UPDATE) {
    mkdirSync(dirname(GOLDEN), { recursive: true });
    writeFileSync(GOLDEN, conf);
  }
  assert.equal(conf, readFileSync(GOLDEN, 'utf8'));
  assert.match(conf, /^    listen 8080;$/m);
  assert.doesNotMatch(conf, /listen 80;/);
  assert.match(conf, /server 198\.18\.0\.21:8080/, 'the realserver port is unchanged');
  const check = files.find((f) => f.path === '/usr/local/sbin/hafleet-check-nginx')!.content;
  assert.match(check, /127\.0\.0\.1:8080\/hafleet-health/);
});

test('listen_port unset: services listen on their own port, as before', () => {
  const { inv, topo } = loadExample(join(ROOT, 'inventories/nginx-ha'));
  const r = renderFleet(inv, topo);
  assert.ok(r.ok);
  assert.match(r.value.get('lb1')!.files.find((f) => f.path === '/etc/nginx/conf.d/hafleet-web.conf')!.content, /^    listen 80;$/m);
});
