/** Realservers from nginx's own view (`nginx -T`, split into its files by src/nginx-conf). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildImport } from '../../../src/import/index.js';
import { HOSTS, pair, snap } from './snap.js';

const DUMP = `nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
nginx: configuration file /etc/nginx/nginx.conf test is successful
# configuration file /etc/nginx/nginx.conf:
http {
    include /etc/nginx/conf.d/*.conf;
}

# configuration file /etc/nginx/conf.d/app.conf:
upstream app {
    server 198.18.0.21:8080 weight=3 max_fails=2 fail_timeout=7s;
    server 198.18.0.22:8080 backup;
    server 198.19.255.9:80;   # not a host of the inventory
}
`;

test('nginx -T: upstream servers become realservers with weight and backup, each from its file:line; an unknown server is said', () => {
  const [a, b] = pair();
  const s1 = snap('lb1', { '/etc/keepalived/keepalived.conf': a });
  s1.nginxDump = { text: DUMP, exitCode: 0 };
  const r = buildImport([s1, snap('lb2', { '/etc/keepalived/keepalived.conf': b })], HOSTS);
  const text = JSON.stringify(r.clusters);
  assert.match(text, /"realservers".*"web1".*"web2"/);
  assert.deepEqual(r.hostVars.get('web1'), [['realserver_weight', { kind: 'scalar', value: 3, from: 'lb1:/etc/nginx/conf.d/app.conf:2' }]]);
  assert.deepEqual(r.hostVars.get('web2'), [['realserver_backup', { kind: 'scalar', value: true, from: 'lb1:/etc/nginx/conf.d/app.conf:3' }]]);
  assert.match(text, /"max_fails".*"value":2/);
  assert.match(text, /"fail_timeout".*"value":"7s"/);
  assert.ok(r.diagnostics.some((d) => d.code === 'import-upstream-unknown' && /198\.19\.255\.9/.test(d.message)));
});
