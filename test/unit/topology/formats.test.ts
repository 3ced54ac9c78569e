/**
 * Every value has a type (issue 12): each named string type accepts what the field writes and
 * refuses hostile values, and every string key of the table — found by walking the table, so a
 * new key cannot be missed — is refused by the gate with its key named when it holds a hostile
 * value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import type { VarValue, Vars } from '../../../src/inventory/index.js';
import { gateInventory } from '../../../src/lint/index.js';
import { FORMATS, keyString, topLevelSpecs, type KeySpec, type StringFormat } from '../../../src/topology/index.js';
import { fakeInventory } from './fake-inventory.js';

const GOOD: Record<StringFormat, string[]> = {
  ifname: ['eth0', 'ens3f0', 'bond0.100', 'br-lan', 'veth+1', 'x'.repeat(15)],
  'vip-label': ['eth0', 'eth0:1', 'eth0:web', 'bond0.100:vip'],
  'auth-pass': ['s3cret', 'pa55word', 'a-b_c.d', 'x;y|z&', '[]()<>', '%,:=?@^~*+/'],
  'user-name': ['nobody', 'keepalived_script', '_svc', 'www-data', 'a'.repeat(32)],
  'login-name': ['root', 'deploy', 'Admin.User', 'svc_ops-1'],
  command: ['/usr/local/sbin/hafleet-notify', '/usr/bin/check.sh --port=80 -q', '/opt/x/bin/run a,b key=v user@host 10%'],
  'abs-path': ['/var/log/x.log', '/a/b.c/d'],
  'log-path': ['/var/log/hafleet-notify.log', '/var/log/hafleet/notify.log'],
  'error-page-path': ['/usr/share/hafleet/503.html', '/usr/share/hafleet/site/down.html'],
  address: ['198.18.0.11', '2001:db8::1', '::1'],
  'host-or-address': ['198.18.0.11', 'lb1.example.com', 'lb_1', '2001:db8::1'],
  'inventory-name': ['lb1', 'web-01.example.com', 'rs_2', '2001:db8::5', 'a'.repeat(253)],
  words: ['hafleet agent', '/usr/bin/node /opt/hafleet/dist/src/cli/main.js agent', 'x --flag=1'],
  'inventory-file': ['files/lb1/etc/keepalived/chk_app.sh', 'chk.sh', 'files/lb1/usr/local/sbin/.hidden', 'a..b/c'.replace('..', '_')],
  'file-dest': ['/etc/keepalived/chk_app.sh', '/usr/local/sbin/notify-app', '/usr/local/bin/x', '/etc/keepalived/scripts/chk.sh'],
  'http-path': ['/', '/health', '/status?full=1&x=2', '/a%20b'],
  'keepalived-block': ['global_defs {\n   smtp_server 127.0.0.1\n}', 'vrrp_sync_group G {\n\tgroup {\n\t\tVI_1\n\t}\n}', 'x "a { b" # }', ''],
  'nginx-block': ['map $host $x {\n    default 1;\n}', 'log_format main \'$remote_addr "{"\';', ''],
};

const BAD: Record<StringFormat, string[]> = {
  ifname: ['', '.', '..', 'eth0:1', 'eth/0', 'eth 0', 'x'.repeat(16), 'eth0;id', 'é0'],
  'vip-label': ['', 'eth0 1', 'x'.repeat(16), 'eth0:a b', 'eth0:$(id)', ':eth0'],
  'auth-pass': ['', 'a b', 'a"b', "a'b", 'a`b', 'a#b', 'a!b', 'a$b', 'a{b', 'a}b', 'a\\b', 'pässwort'],
  'user-name': ['', 'Root', '1abc', 'a b', 'a;id', '$(id)', 'a'.repeat(33), 'a.b'],
  'login-name': ['', '-oProxyCommand=x', 'a b', 'a;b', '1a', 'a'.repeat(33)],
  command: ['', 'notify.sh', '/usr/bin/x;id', '/usr/bin/x $(id)', '/usr/bin/x `id`', '/usr/bin/x "a b"', '/usr/bin/x | sh', '/usr/bin/x && y', '/usr/bin/x > /etc/passwd',
    '/usr/../bin/sh', '/usr//bin/x', '/usr/./bin/x', '/usr/bin/', '/usr/bin/. x', "/usr/bin/x 'a'", '/usr/bin/x ../../etc/shadow'],
  'abs-path': ['', 'rel/x', '/a/../b', '/a//b', '/a/./b', '/a/', '/a b', '/a;b', '/a/..', '/a/.'],
  'log-path': ['/etc/passwd', '/var/log', '/var/log/', '/var/log/../../etc/shadow', '/var/logx/a', '/var/log/a b'],
  'error-page-path': [`/usr/share/hafleet/${'a'.repeat(256)}.html`, `/usr/share/hafleet/${'a/'.repeat(510)}x.html`, '/etc/shadow', '/usr/share/hafleet/503.txt', '/usr/share/hafleet/../../../etc/x.html', '/usr/share/hafleet/a";cd;id>p;"b.html',
    '/var/www/', '/var/www/html/down.html', '/tmp/x.html', '/usr/share/hafleetx/a.html'],
  address: ['', 'lb1', '10', '0x0a000001', '198.18.0.1/24', '198.18.0.1:80', '999.1.1.1', '198.18.0.1 ; id'],
  'host-or-address': ['', '-oProxyCommand=id', 'lb1 lb2', 'lb1;id', '.hidden', '$(id)'],
  'inventory-name': ['', '-lb1', '.lb1', 'lb1$(id)', 'lb 1', 'lb1;x', 'lb1"', "lb1'", 'lb1/x', 'é', 'a'.repeat(254)],
  words: ['', 'hafleet  agent;id', 'a $(id)', 'a `id`', "a 'b'", 'a|b', 'a&b', 'a>b', ' a', 'a '],
  'inventory-file': ['', '/etc/shadow', '../x', 'files/../../x', './x', 'a/./b', 'a//b', 'a/', '.', 'a b', 'a\nb', 'x/..'],
  'file-dest': ['', '/etc/passwd', '/etc/keepalived', '/etc/keepalived/', '/etc/keepalived/../shadow', '/usr/local/sbinx/a', '/root/.ssh/authorized_keys', 'etc/keepalived/x', '/etc/keepalived//x', '/usr/local/bin/a b'],
  'http-path': ['', '/a b', '/a"b', "/a'b", '/a#b', '/a!b', '/a$b', '/a;b', '/a{b}'],
  'keepalived-block': ['}', 'a }\n{', 'x {', '"a', 'include /etc/shadow', 'x { include /etc/*.conf }', '$X=1', 'a \\\nb', 'a\rb', 'a\u001b[2Jb', 'x'.repeat(65537)],
  'nginx-block': ['}', 'server {', "x 'a;", 'include /etc/shadow;', 'x; include y;', 'load_module m.so;', 'content_by_lua_block { os.execute() }', 'perl_modules /x;', 'js_import x.js;', 'a\u0085b'],
};

test('each named string type accepts the field\'s values and refuses hostile ones', () => {
  let n = 0;
  for (const [name, def] of Object.entries(FORMATS) as [StringFormat, (typeof FORMATS)[StringFormat]][]) {
    const re = new RegExp(def.pattern);
    for (const v of GOOD[name]) {
      assert.ok(def.check(v), `${name} accepts ${JSON.stringify(v)}`);
      assert.ok(re.test(v), `${name}'s schema pattern accepts ${JSON.stringify(v)}`);
      n++;
    }
    for (const v of BAD[name]) {
      assert.ok(!def.check(v), `${name} refuses ${JSON.stringify(v)}`);
      n++;
    }
  }
  console.log(`# ${n} format cases`);
});

/** Every string leaf of the key table, with [0] for list items and lb1 for map keys. */
function stringLeaves(spec: KeySpec, path: (string | number)[], out: Map<string, { path: (string | number)[]; spec: KeySpec }>): void {
  switch (spec.type) {
    case 'string': out.set(keyString(path), { path, spec }); return;
    case 'array': stringLeaves(spec.items, [...path, 0], out); return;
    case 'map': stringLeaves(spec.values, [...path, 'lb1'], out); return;
    case 'object': for (const [k, v] of Object.entries(spec.props)) stringLeaves(v, [...path, k], out); return;
    case 'anyOf': for (const o of spec.options) stringLeaves(o, path, out); return;
    default: return;
  }
}

const FLOOR = ['a\nb', 'a\r\nb', 'a\0b', 'a\u001b[31mb', 'a\tb', 'a\u007fb', 'a\u0085b', 'a\u009bb', 'x'.repeat(4097)];
// 4 KiB: within the floor; every typed key refuses it (paths and commands stop at 1024).
const META = ['x'.repeat(4096), 'a"b', "a'b", 'a}b', 'a;b', '$(id)', '`id`', '../x', 'é', 'a b', 'x"\n}\nnotify_master "/bin/sh -c id" root\n#'];

// Keys with only the floor: they are read by hafleet on the admin box (SSH options, files to
// read), never written into a host's config or a command line.
const FLOOR_ONLY = ['ansible_ssh_private_key_file', 'ansible_private_key_file', 'ansible_ssh_common_args', 'ansible_ssh_extra_args', 'hafleet_known_hosts', 'hafleet_proxy_jump'];
// Hostile characters a type legitimately allows (they are plain text where the value goes).
const ALLOWED: Partial<Record<StringFormat, string[]>> = {
  'auth-pass': ['a;b', '../x'], words: ['../x', 'a b'], 'http-path': ['../x'],
  // Passthrough text (src/topology/passthrough.ts): lines and words are its point; what cannot leave its block stays refused.
  'keepalived-block': ['a\nb', 'a\tb', 'x'.repeat(4096), 'x'.repeat(4097), "a'b", 'a;b', '`id`', '../x', 'é', 'a b'],
  'nginx-block': ['a\nb', 'a\tb', 'x'.repeat(4096), 'x'.repeat(4097), 'a;b', '$(id)', '`id`', '../x', 'é', 'a b'],
};

function baseCluster(): Record<string, VarValue> {
  return {
    name: 'web', mode: 'nginx', vrrp_engine: 'keepalived', directors: 'directors', realservers: 'webservers', interface: 'eth0',
    vrrp: { auth_pass: 's3cret' }, vrid: 51,
    vips: [{ address: '198.18.0.100/24', dev: 'eth0', label: 'eth0:web' }],
    services: [{ vip: '198.18.0.100', port: 80, protocol: 'TCP', lb_algo: 'rr', health_check: { type: 'HTTP_GET', path: '/' } }],
    track: { nginx: { script: '/usr/local/sbin/hafleet-check-nginx', user: 'nobody' } },
    notify: { script: '/usr/local/sbin/hafleet-notify', log_file: '/var/log/hafleet-notify.log' },
    nginx: { error_page: '/usr/share/hafleet/503.html', fail_timeout: '10s' },
  };
}

function setAt(root: Record<string, VarValue>, path: (string | number)[], value: VarValue): void {
  let node: any = root;
  for (let i = 0; i < path.length - 1; i++) {
    const step = path[i]!;
    const nextIsIndex = typeof path[i + 1] === 'number';
    if (node[step] === undefined || node[step] === null || typeof node[step] !== 'object' || Array.isArray(node[step]) !== nextIsIndex) {
      node[step] = nextIsIndex ? [] : {};
    }
    node = node[step];
  }
  node[path[path.length - 1]!] = value;
}

function inventoryWith(path: (string | number)[], value: VarValue) {
  const all: Vars = { hafleet_clusters: [baseCluster()] };
  const lb1: Vars = { ansible_host: '198.18.0.11' };
  if (path[0] === 'hafleet_clusters') {
    const cluster = structuredClone(baseCluster());
    if (path[2] === 'instances') {
      // The instances form instead of the short one.
      cluster.instances = [{ name: 'web_51', vrid: 51, master: 'lb1', vips: cluster.vips! }];
      delete cluster.vrid;
      delete cluster.vips;
    }
    setAt(cluster, path.slice(2), value);
    all.hafleet_clusters = [cluster];
  } else setAt(lb1 as Record<string, VarValue>, path, value);
  return fakeInventory({
    all,
    groups: { directors: { lb1, lb2: { ansible_host: '198.18.0.12' } }, webservers: { web1: { ansible_host: '198.18.0.21' }, web2: { ansible_host: '198.18.0.22' } } },
  });
}

test('the base inventory of the sweep passes the gate', () => {
  const g = gateInventory(inventoryWith(['vrrp_interface'], 'eth0'));
  assert.ok(g.ok, g.diagnostics.map(formatDiagnostic).join('\n'));
});

test('every string key of the table refuses hostile values at the gate, with the key named', () => {
  const leaves = new Map<string, { path: (string | number)[]; spec: KeySpec }>();
  for (const [k, spec] of Object.entries(topLevelSpecs)) stringLeaves(spec, [k], leaves);
  const typed = [...leaves.values()].filter(({ spec }) => spec.type === 'string' && (spec.format || spec.pattern || spec.enum));
  const floorOnly = [...leaves.keys()].filter((k) => !typed.some((t) => keyString(t.path) === k));
  // An untyped key must be a conscious choice: the builder parses it (VIPs, a service's vip,
  // sorry_server), or it never reaches a host (FLOOR_ONLY).
  const parsed = ['hafleet_clusters[0].vips[0]', 'hafleet_clusters[0].vips[0].address', 'hafleet_clusters[0].instances[0].vips[0]', 'hafleet_clusters[0].instances[0].vips[0].address',
    'hafleet_clusters[0].services[0].vip', 'hafleet_clusters[0].services[0].sorry_server'];
  assert.deepEqual(floorOnly.filter((k) => !FLOOR_ONLY.includes(k) && !parsed.includes(k)), [], 'string keys without a type');
  let cases = 0;
  for (const { path, spec } of leaves.values()) {
    const key = keyString(path);
    const format = spec.type === 'string' ? spec.format : undefined;
    const values = FLOOR_ONLY.includes(key) ? FLOOR : [...FLOOR, ...META].filter((v) => !(format && ALLOWED[format]?.includes(v)));
    for (const v of values) {
      const g = gateInventory(inventoryWith(path, v));
      assert.equal(g.ok, false, `${key} = ${JSON.stringify(v).slice(0, 60)} passed the gate`);
      // vip-syntax names the VIP entry, whose address it is.
      const named = g.diagnostics.filter((d) => d.severity === 'error' && (d.where.key === key || `${d.where.key}.address` === key));
      assert.ok(named.length > 0, `${key} = ${JSON.stringify(v).slice(0, 60)}: no error names the key:\n${g.diagnostics.map(formatDiagnostic).join('\n')}`);
      // A message never carries a raw control character to the terminal.
      for (const d of g.diagnostics) assert.doesNotMatch(formatDiagnostic(d), /[\u0000-\u001f\u007f-\u009f]/, key);
      cases++;
    }
  }
  console.log(`# ${leaves.size} string keys × hostile values: ${cases} cases refused with the key named`);
  assert.ok(leaves.size >= 40);
});
