import { test } from 'node:test';
import assert from 'node:assert/strict';
import { behaviourOf, confKindOf } from '../../../src/plan/index.js';

const KA = '/etc/keepalived/keepalived.conf';
const NGX = '/etc/nginx/conf.d/hafleet-web.conf';

const ka = (o: { priority?: number; extra?: string; vips?: string; script?: string; track?: string; pass?: string; head?: string } = {}) => `${o.head ?? ''}global_defs {
  router_id lb1
  enable_script_security
}
vrrp_script chk_nginx {
  script "/usr/local/sbin/hafleet-check-nginx"
  interval 2
  weight ${o.script ?? '-60'}
  fall 2
  rise 2
}
vrrp_instance web_51 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority ${o.priority ?? 150}
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass ${o.pass ?? 's3cretpw'}
  }
  virtual_ipaddress {
${o.vips ?? '    198.18.1.100/24 dev eth0'}
  }
  track_script {
    ${o.track ?? 'chk_nginx'}
  }
${o.extra ?? ''}}
`;

const kab = (old: string, now: string, secrets: string[] = []) => behaviourOf(KA, old, now, { host: 'lb1', secrets });

test('which files have behaviour: keepalived.conf, the agent conf, nginx .conf; nothing else', () => {
  assert.equal(confKindOf(KA), 'keepalived');
  assert.equal(confKindOf('/etc/keepalived/hafleet-agent.conf'), 'keepalived');
  assert.equal(confKindOf(NGX), 'nginx');
  assert.equal(confKindOf('/etc/nginx/nginx.conf'), 'nginx');
  assert.equal(confKindOf('/usr/local/sbin/hafleet-notify'), undefined);
  assert.equal(behaviourOf('/etc/sysctl.d/90-hafleet-arp.conf', 'a=1', 'a=2', { host: 'x' }), undefined);
});

test('keepalived: formatting, comments, order and written defaults are no behaviour change', () => {
  const base = ka();
  const cases: [string, string][] = [
    ['comments and blank lines', base.replace('vrrp_instance web_51 {', '# the web VIP\n\n! keepalived comment\nvrrp_instance web_51 {  # trailing')],
    ['indentation and tabs', base.replace(/\n {2}/g, '\n\t\t')],
    ['brace on its own line', base.replace('vrrp_instance web_51 {', 'vrrp_instance web_51\n{')],
    ['blocks reordered', base.replace(/(vrrp_script chk_nginx \{[^}]*\}\n)([\s\S]*)$/, '$2$1')],
    ['statements reordered inside an instance', base.replace('  state MASTER\n  interface eth0\n', '  interface eth0\n  state MASTER\n')],
    ['the default advert_int left out', base.replace('  advert_int 1\n', '')],
    ['a quoted word', base.replace('router_id lb1', 'router_id "lb1"')],
  ];
  for (const [what, now] of cases) {
    assert.notEqual(now, base, what);
    assert.deepEqual(kab(base, now), [], what);
  }
  // VIPs reordered, against a base with two
  const two = ka({ vips: '    198.18.1.100/24 dev eth0\n    198.18.1.101/24 dev eth0' });
  assert.deepEqual(kab(two, two.replace('    198.18.1.100/24 dev eth0\n    198.18.1.101/24 dev eth0', '    198.18.1.101/24 dev eth0\n    198.18.1.100/24 dev eth0')), []);
});

test('keepalived: each kind of change says what it does', () => {
  const base = ka();
  const cases: [string, string, string[]][] = [
    ['priority', ka({ priority: 140 }), ['web_51 on lb1: priority 150 → 140']],
    ['VIP added', ka({ vips: '    198.18.1.100/24 dev eth0\n    198.18.1.101/24' }), ['VIP 198.18.1.101/24 added to web_51']],
    ['VIP removed', ka({ vips: '' }).replace('  virtual_ipaddress {\n\n  }\n', '  virtual_ipaddress {\n    198.18.1.102/32\n  }\n'), ['VIP 198.18.1.100/24 dev eth0 removed from web_51', 'VIP 198.18.1.102/32 added to web_51']],
    ['VIP prefix', ka({ vips: '    198.18.1.100/25 dev eth0' }), ['web_51 on lb1: VIP 198.18.1.100/24 dev eth0 → 198.18.1.100/25 dev eth0']],
    ['script weight', ka({ script: '-20' }), ['vrrp_script chk_nginx: weight -60 → -20']],
    ['per-instance weight override', ka({ track: 'chk_nginx weight -30' }), ["web_51 on lb1: track_script chk_nginx weight (the tracked object's) → -30"]],
    ['nopreempt', ka({ extra: '  nopreempt\n' }).replace('state MASTER', 'state BACKUP'), ['web_51 on lb1: state MASTER → BACKUP', 'web_51 on lb1: nopreempt added']],
    ['preempt_delay', ka({ extra: '  preempt_delay 30\n' }).replace('state MASTER', 'state BACKUP'), ['web_51 on lb1: state MASTER → BACKUP', 'web_51 on lb1: preempt_delay 0 → 30']],
    ['advert_int', base.replace('advert_int 1', 'advert_int 2'), ['web_51 on lb1: advert_int 1 → 2']],
    ['unicast peers', ka({ extra: '  unicast_src_ip 198.18.0.11\n  unicast_peer {\n    198.18.0.12\n  }\n' }), ['web_51 on lb1: unicast_src_ip (none) → 198.18.0.11', 'web_51 on lb1: unicast peer 198.18.0.12 added']],
    ['notify', ka({ extra: '  notify_master "/usr/local/bin/up now" root\n' }), ['web_51 on lb1: notify_master (none) → /usr/local/bin/up now root']],
    ['instance added', base + 'vrrp_instance web_52 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 52\n  priority 100\n  virtual_ipaddress {\n    198.18.1.200/24\n  }\n}\n', ['vrrp_instance web_52 added on lb1 (VRID 52, priority 100)']],
    ['sync group', base + 'vrrp_sync_group g {\n  group {\n    web_51\n  }\n}\n', [
      // keepalived drops a sync group member's tracking weights (a failing check → FAULT): a real behaviour change.
      "web_51 on lb1: track_script chk_nginx weight (the tracked object's) → 0", 'vrrp_sync_group g added']],
    ['global_defs', base.replace('router_id lb1', 'router_id lb9'), ['global_defs: router_id: lb1 → lb9']],
  ];
  for (const [what, now, want] of cases) assert.deepEqual(kab(base, now), want, what);
});

test('keepalived: auth_pass changes are said, never shown, on either side', () => {
  const got = kab(ka({ pass: 'oldpw123' }), ka({ pass: 'n3wpass' }), ['n3wpass']);
  assert.deepEqual(got, ['web_51 on lb1: auth_pass changed']);
  const removed = kab(ka(), ka().replace(/ {2}authentication \{[^}]*\}\n/, ''));
  assert.deepEqual(removed, ['web_51 on lb1: authentication removed']);
  // A config the agent cannot read (no vrrp_instance: LVS only) is compared statement by statement, still masked.
  const lvs = (pw: string, w: number) => `global_defs {\n  router_id lvs1\n  smtp_auth_password ${pw}\n}\nvirtual_server 198.18.0.100 80 {\n  lb_algo wlc\n  real_server 198.18.0.21 80 {\n    weight ${w}\n  }\n}\n`;
  const l = kab(lvs('hunter22', 1), lvs('hunter33', 2), ['hunter33']);
  assert.deepEqual(l, ['global_defs: smtp_auth_password changed', 'virtual_server 198.18.0.100 80: real_server 198.18.0.21 80: weight: 1 → 2']);
  assert.ok(!JSON.stringify([got, removed, l]).match(/oldpw|n3wpass|s3cret|hunter/));
});

test('keepalived: virtual_server and real_server changes through the generic tree, with keepalived defaults', () => {
  const vs = (body: string) => ka() + `virtual_server 198.18.1.100 80 {\n  delay_loop 6\n  lb_algo wlc\n  lb_kind DR\n  protocol TCP\n${body}}\n`;
  const rs = (addr: string, w: string, check = '    TCP_CHECK {\n      connect_timeout 3\n    }\n') => `  real_server ${addr} 80 {\n${w}${check}  }\n`;
  const base = vs(rs('198.18.1.21', '    weight 1\n') + rs('198.18.1.22', '    weight 1\n'));
  assert.deepEqual(kab(base, vs(rs('198.18.1.22', '    weight 1\n') + rs('198.18.1.21', ''))), [], 'reordered; weight 1 is the default');
  assert.deepEqual(kab(base, vs(rs('198.18.1.21', '    weight 2\n') + rs('198.18.1.22', '    weight 1\n'))), ['virtual_server 198.18.1.100 80: real_server 198.18.1.21 80: weight: 1 → 2']);
  assert.deepEqual(kab(base, vs(rs('198.18.1.21', '    weight 1\n'))), ['virtual_server 198.18.1.100 80: real_server 198.18.1.22 80 removed']);
  assert.deepEqual(kab(base, vs(rs('198.18.1.21', '    weight 1\n') + rs('198.18.1.22', '    weight 1\n', '    TCP_CHECK {\n      connect_timeout 5\n    }\n'))), ['virtual_server 198.18.1.100 80: real_server 198.18.1.22 80: TCP_CHECK: connect_timeout: 3 → 5']);
  assert.deepEqual(kab(base, base.replace('lb_algo wlc', 'lb_algo rr')), ['virtual_server 198.18.1.100 80: lb_algo: wlc → rr']);
  assert.deepEqual(kab(base, base.replace('  lb_kind DR\n', '  lb_kind DR\n  persistence_timeout 300\n')), ['virtual_server 198.18.1.100 80: persistence_timeout 300 added']);
});

const ngx = (servers: string, extra = '') => `upstream web {\n${servers}  keepalive 16;\n}\nserver {\n  listen 80;\n  location / {\n    proxy_pass http://web;\n    proxy_set_header Host $host;\n  }\n${extra}}\n`;
const nb = (a: string, b: string) => behaviourOf(NGX, a, b, { host: 'lb1' });

test('nginx: formatting, comments, quoting, order and defaults are no behaviour change', () => {
  const base = ngx('  server 198.18.1.21:80;\n  server 198.18.1.22:80 backup;\n');
  const cases: [string, string][] = [
    ['comments', base.replace('upstream web {', '# pool\nupstream web { # the pool')],
    ['one line', base.replace(/\n\s*/g, ' ')],
    ['servers reordered', ngx('  server 198.18.1.22:80 backup;\n  server 198.18.1.21:80;\n')],
    ['blocks reordered', base.replace(/^(upstream web \{[\s\S]*?\n\}\n)([\s\S]*)$/, '$2$1')],
    ['quoted', base.replace('proxy_pass http://web;', 'proxy_pass "http://web";')],
    ['default weight written', ngx('  server 198.18.1.21:80 weight=1;\n  server 198.18.1.22:80 backup;\n')],
  ];
  for (const [what, now] of cases) {
    assert.notEqual(now, base, what);
    assert.deepEqual(nb(base, now), [], what);
  }
});

test('nginx: each kind of change says what it does', () => {
  const base = ngx('  server 198.18.1.21:80 weight=1;\n  server 198.18.1.22:80;\n');
  const cases: [string, string, string[]][] = [
    ['weight', ngx('  server 198.18.1.21:80 weight=2;\n  server 198.18.1.22:80;\n'), ['upstream web: server 198.18.1.21:80 weight 1 → 2']],
    ['backup', ngx('  server 198.18.1.21:80 weight=1;\n  server 198.18.1.22:80 backup;\n'), ['upstream web: server 198.18.1.22:80 backup added']],
    ['max_fails', ngx('  server 198.18.1.21:80 max_fails=3 fail_timeout=30s;\n  server 198.18.1.22:80;\n'), ['upstream web: server 198.18.1.21:80 max_fails 1 → 3', 'upstream web: server 198.18.1.21:80 fail_timeout 10s → 30s']],
    ['server added', ngx('  server 198.18.1.21:80;\n  server 198.18.1.22:80;\n  server 198.18.1.23:80;\n'), ['upstream web: server 198.18.1.23:80 added']],
    ['server removed', ngx('  server 198.18.1.21:80;\n'), ['upstream web: server 198.18.1.22:80 removed']],
    ['listen', base.replace('listen 80;', 'listen 8080;'), ['server: listen 80 removed'.replace(' 80 removed', ': 80 → 8080')]],
    ['header', base.replace('Host $host', 'Host $http_host'), ['server: location /: proxy_set_header: Host $host → Host $http_host']],
    ['location added', ngx('  server 198.18.1.21:80;\n  server 198.18.1.22:80;\n', '  location /api {\n    return 404;\n  }\n'), ['server: location /api added']],
  ];
  for (const [what, now, want] of cases) assert.deepEqual(nb(base, now), want, what);
});
