import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderFleet, type DesiredFile, type DesiredState, type HostDesired } from '../../../src/render/index.js';
import { EXAMPLES, ROOT, loadExample } from './example.js';
import { natCluster, noInventory, topology } from './hand-topology.js';
import { passthroughExample } from './passthrough-example.js';

// The real keepalived, nginx and sh must accept what we render. Needs root (network namespace,
// keepalived -t) and the Debian packages the Makefile installs.
const KEEPALIVED = '/usr/sbin/keepalived';
const NGINX = '/usr/sbin/nginx';
const why = process.getuid?.() !== 0 ? 'needs root' : !existsSync(KEEPALIVED) || !existsSync(NGINX) ? 'needs keepalived and nginx installed' : false;

const NS = `hf-rt-${process.pid}`;
const work = mkdtempSync(join(tmpdir(), 'hf-render-bin-'));
// keepalived refuses scripts in a directory its unprivileged script user cannot enter.
chmodSync(work, 0o755);

function run(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 20_000 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
const inNs = (cmd: string) => run('ip', ['netns', 'exec', NS, 'sh', '-c', cmd]);

const rendered = new Map<string, DesiredState>();
for (const name of EXAMPLES) {
  const { inv, topo } = loadExample(join(ROOT, 'inventories', name));
  const r = renderFleet(inv, topo);
  if (!r.ok) throw new Error(`${name} does not render`);
  rendered.set(name, r.value);
}
// What the examples do not cover: lvs-nat with a checker-less real server, VRRPv3 with nopreempt, preempt_delay.
for (const [name, c] of [['hand-nat', natCluster('keepalived')], ['hand-v3', natCluster('keepalived', { version: 3, advertInt: 0.5, preempt: false, preemptDelaySec: 30 })], ['hand-delay', natCluster('keepalived', { preemptDelaySec: 30 })]] as const) {
  const r = renderFleet(noInventory, topology(c));
  if (!r.ok) throw new Error(`${name} does not render`);
  rendered.set(name, r.value);
}
// What import keeps verbatim (extra_keepalived / extra_nginx) must pass keepalived -t and nginx -t in place.
{
  const { inv, topo } = loadExample(passthroughExample());
  const r = renderFleet(inv, topo);
  if (!r.ok) throw new Error('the passthrough example does not render');
  rendered.set('passthrough', r.value);
}
interface Entry { ex: string; host: string; hd: HostDesired; f: DesiredFile }
const allFiles = (pred: (f: DesiredFile, e: Entry) => boolean): Entry[] =>
  [...rendered].flatMap(([ex, d]) => [...d].flatMap(([host, hd]) => hd.files.map((f) => ({ ex, host, hd, f }))))
    .filter((e) => pred(e.f, e));

describe('rendered files against the real binaries', { skip: why }, () => {
  before(() => {
    assert.equal(run('ip', ['netns', 'add', NS]).code, 0, `ip netns add ${NS}`);
    // keepalived -t checks that the interfaces it is told about exist (veth: no dummy module here).
    for (const dev of ['eth0', 'eth1']) assert.equal(inNs(`ip link add ${dev} type veth peer name hfpeer-${dev} && ip link set ${dev} up`).code, 0);
  });
  after(() => {
    run('ip', ['netns', 'del', NS]);
    rmSync(work, { recursive: true, force: true });
  });

  for (const { ex, host, hd, f } of allFiles((f) => f.path === '/etc/keepalived/keepalived.conf')) {
    test(`keepalived accepts ${ex}/${host}${f.path} (with its own validate command)`, () => {
      const dir = join(work, ex, host);
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      chmodSync(join(work, ex), 0o755);
      // The scripts the config names must exist and be executable: the host's own rendered ones.
      let conf = f.content;
      for (const s of hd.files.filter((x) => x.path.startsWith('/usr/local/sbin/'))) {
        const local = join(dir, s.path.split('/').pop()!);
        writeFileSync(local, s.content, { mode: 0o755 });
        conf = conf.split(s.path).join(local);
      }
      assert.ok(!conf.includes('/usr/local/sbin/'), 'every script keepalived.conf names was rendered for the host');
      const path = join(dir, 'keepalived.conf');
      writeFileSync(path, conf, { mode: 0o640 });
      assert.ok(f.validate, 'keepalived.conf has a validate command');
      const r = inNs(f.validate.split('{path}').join(path));
      assert.equal(r.code, 0, `keepalived -t failed:\n${r.out}`);
      assert.doesNotMatch(r.out, /WARNING|unknown keyword|error/i, r.out);
    });
  }

  test('the keepalived check can fail: an unknown keyword and a missing interface are caught', () => {
    const path = join(work, 'bad-keepalived.conf');
    writeFileSync(path, 'global_defs {\n    router_id x\n    no_such_keyword 1\n}\nvrrp_instance a {\n    interface eth9\n    virtual_router_id 1\n    priority 100\n    virtual_ipaddress {\n        198.18.0.1/24\n    }\n}\n');
    const f = allFiles((x) => x.path === '/etc/keepalived/keepalived.conf')[0]!.f;
    const r = inNs(f.validate!.split('{path}').join(path));
    assert.notEqual(r.code, 0);
    assert.match(r.out, /Unknown keyword 'no_such_keyword'/);
  });

  for (const { ex, host, f } of allFiles((f) => f.validate === 'nginx-tree')) {
    test(`nginx -t accepts ${ex}/${host}${f.path}`, () => {
      const dir = join(work, ex, host, 'nginx');
      mkdirSync(join(dir, 'conf.d'), { recursive: true });
      writeFileSync(join(dir, 'conf.d', 'site.conf'), f.content);
      writeFileSync(join(dir, 'nginx.conf'), mainConf(dir));
      const r = run(NGINX, ['-t', '-c', join(dir, 'nginx.conf'), '-p', dir]);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /test is successful/);
      assert.doesNotMatch(r.out, /\[(warn|emerg|alert)\]/, r.out);
    });
  }

  for (const { ex, host, f } of allFiles((f) => f.content.startsWith('#!/bin/sh'))) {
    test(`sh -n ${ex}/${host}${f.path}`, () => {
      const r = run('sh', ['-n'], f.content);
      assert.equal(r.code, 0, r.out);
    });
  }

  test('hafleet-realserver start/status/stop in a network namespace', () => {
    const { f } = allFiles((x, e) => x.path === '/usr/local/sbin/hafleet-realserver' && e.ex === 'lvs-dr' && e.host === 'rs1')[0]!;
    const script = join(work, 'hafleet-realserver');
    writeFileSync(script, f.content, { mode: 0o755 });
    const sysctl = (k: string) => inNs(`sysctl -n net.ipv4.conf.${k}`).out.trim();
    const loAddrs = () => inNs('ip -o -4 addr show dev lo').out;

    assert.equal(inNs(`${script} status`).code, 3, 'not running before start');
    assert.equal(inNs(`${script} start`).code, 0);
    assert.match(loAddrs(), /inet 198\.18\.0\.100\/32 .*lo:0/);
    for (const k of ['all.arp_ignore', 'lo.arp_ignore']) assert.equal(sysctl(k), '1', k);
    for (const k of ['all.arp_announce', 'lo.arp_announce']) assert.equal(sysctl(k), '2', k);
    assert.equal(inNs(`${script} status`).code, 0);
    assert.equal(inNs(`${script} start`).code, 0, 'start is idempotent');
    assert.equal(loAddrs().match(/198\.18\.0\.100\//g)?.length, 1, 'the VIP is on lo once');

    assert.equal(inNs(`${script} stop`).code, 0);
    assert.doesNotMatch(loAddrs(), /198\.18\.0\.100/);
    assert.equal(sysctl('all.arp_ignore'), '0');
    assert.equal(inNs(`${script} status`).code, 3);
    assert.equal(inNs(`${script} stop`).code, 0, 'stop is idempotent');
    assert.equal(inNs(`${script} bogus`).code, 2, 'usage error');
  });

  test('hafleet-check-nginx, as nobody: 1 without nginx in the namespace, 0 with the rendered config running', () => {
    const { hd, f } = allFiles((x, e) => x.path === '/etc/nginx/conf.d/hafleet-web.conf' && e.ex === 'nginx-ha' && e.host === 'lb1')[0]!;
    const check = hd.files.find((x) => x.path === '/usr/local/sbin/hafleet-check-nginx')!;
    const dir = join(work, 'live-nginx');
    mkdirSync(join(dir, 'conf.d'), { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'conf.d', 'site.conf'), f.content);
    writeFileSync(join(dir, 'nginx.conf'), mainConf(dir));
    const script = join(dir, 'check');
    writeFileSync(script, check.content, { mode: 0o755 });
    const asNobody = `setpriv --reuid=nobody --regid=nogroup --clear-groups ${script}`;
    assert.equal(inNs('ip link set lo up').code, 0);
    // Other nginx processes on this machine (other labs) pass pgrep; the probe in our namespace must fail.
    assert.equal(inNs(asNobody).code, 1, 'no nginx answers in the namespace');
    const start = inNs(`${NGINX} -c ${join(dir, 'nginx.conf')} -p ${dir}`);
    assert.equal(start.code, 0, start.out);
    try {
      const r = inNs(asNobody);
      assert.equal(r.code, 0, r.out);
    } finally {
      inNs(`${NGINX} -c ${join(dir, 'nginx.conf')} -p ${dir} -s stop`);
    }
  });
});

/** A throwaway main config: everything nginx writes stays in `dir`. */
function mainConf(dir: string): string {
  return `pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include ${dir}/conf.d/*.conf;
}
`;
}
