import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/lab/index.js';
import { REPO_ROOT, startLab, type RunResult, type TestLab } from './support/lab.js';

const CLI = [process.execPath, '--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts')];
const cli = (args: string[]) => run(CLI[0]!, [...CLI.slice(1), ...args], { cwd: REPO_ROOT });

type Addr6 = { local: string; scope: string; tentative?: boolean; dadfailed?: boolean };

/** The IPv6 addresses on eth0 of a host (or of the admin namespace), as `ip -j` lists them. */
async function eth0Addrs6(lab: TestLab, host?: string): Promise<Addr6[]> {
  const argv = ['ip', '-6', '-j', 'addr', 'show', 'dev', 'eth0'];
  const r = host ? await lab.hostExec(host, argv) : await lab.adminExec(argv[0]!, argv.slice(1));
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { addr_info?: Addr6[] }[])[0]?.addr_info ?? [];
}

function linkLocal(addrs: Addr6[], who: string): Addr6 {
  const ll = addrs.filter((a) => a.scope === 'link');
  assert.equal(ll.length, 1, `${who}: ${JSON.stringify(addrs)}`);
  assert.match(ll[0]!.local, /^fe80::/);
  assert.ok(!ll[0]!.tentative && !ll[0]!.dadfailed, `${who}: ${ll[0]!.local} is not usable yet (DAD)`);
  return ll[0]!;
}

describe('hafleet lab --ipv6 (root, real namespaces)', { concurrency: false }, () => {
  let lab: TestLab;
  let plain: TestLab | undefined;
  after(async () => {
    await plain?.down();
    await lab?.down();
  });

  it('gives every host, as soon as it is up, a usable link-local and 2001:2:0:<index hex>::<its IPv4 host number>', async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 1, ipv6: true });
    const p = `2001:2:0:${lab.state.index.toString(16)}`;
    assert.equal(lab.state.ipv6?.subnet, `${p}::/64`);
    assert.equal(lab.vip6, `${p}::100`);
    assert.deepEqual(lab.vips6, [`${p}::100`]);
    assert.equal(lab.state.admin.address6, `${p}::1`);
    for (const h of lab.state.hosts) {
      assert.equal(h.address6, `${p}::${h.address.split('.')[3]}`);
      const addrs = await eth0Addrs6(lab, h.name);
      linkLocal(addrs, h.name);
      const global = addrs.filter((a) => a.scope === 'global');
      assert.deepEqual(global.map((a) => a.local), [h.address6], h.name);
      assert.ok(!global[0]!.tentative, `${h.name}: ${h.address6} is tentative`);
    }
    const admin = await eth0Addrs6(lab);
    linkLocal(admin, 'admin');
    assert.deepEqual(admin.filter((a) => a.scope === 'global').map((a) => a.local), [`${p}::1`]);
  });

  it('the admin reaches a host\'s global address and a director\'s link-local, and has no IPv6 default route', async () => {
    const web1 = lab.state.hosts.find((h) => h.name === 'web1')!;
    const g = await lab.adminExec('ping', ['-6', '-c1', '-W2', web1.address6!]);
    assert.equal(g.code, 0, g.stdout + g.stderr);
    assert.match(g.stdout, /1 received/);
    const ll = linkLocal(await eth0Addrs6(lab, 'lb2'), 'lb2').local;
    const l = await lab.adminExec('ping', ['-6', '-c1', '-W2', `${ll}%eth0`]);
    assert.equal(l.code, 0, l.stdout + l.stderr);
    assert.match(l.stdout, /1 received/);
    const route = await lab.adminExec('ip', ['-6', 'route', 'show', 'default']);
    assert.equal(route.code, 0, route.stderr);
    assert.equal(route.stdout.trim(), '');
  });

  it('leaves the bridge and its ports on this machine without IPv6: lab hosts cannot reach the machine through them', async () => {
    for (const l of [lab.state.bridge, lab.state.admin.veth, ...lab.state.hosts.map((h) => h.veth)]) {
      assert.equal((await readFile(`/proc/sys/net/ipv6/conf/${l}/disable_ipv6`, 'utf8')).trim(), '1', l);
    }
    assert.equal((await run('ip', ['-6', 'addr', 'show', 'dev', lab.state.bridge])).stdout.trim(), '');
  });

  it('lab status shows the IPv6 subnet and addresses, and who holds an IPv6 VIP', async () => {
    const vip6 = lab.vip6!;
    const before = await cli(['lab', 'status', '--name', lab.name, '--json']);
    assert.equal(before.code, 0, before.stderr);
    const doc = JSON.parse(before.stdout) as { ipv6: unknown; admin: { address6: string }; hosts: { name: string; address6: string }[]; vipHolders: Record<string, string[]> };
    assert.deepEqual(doc.ipv6, lab.state.ipv6);
    assert.equal(doc.admin.address6, lab.state.admin.address6);
    assert.deepEqual(doc.hosts.map((h) => h.address6), lab.state.hosts.map((h) => h.address6));
    assert.deepEqual(doc.vipHolders[vip6], []);
    // What a VRRP speaker does on becoming master; the host's link-local and own address stay out.
    assert.equal((await lab.hostExec('lb1', ['ip', '-6', 'addr', 'add', `${vip6}/64`, 'dev', 'eth0', 'nodad'])).code, 0);
    assert.equal(await lab.waitForVipHolder('lb1', { vip: vip6 }), 'lb1');
    const text = await cli(['lab', 'status', '--name', lab.name]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^ipv6 ${lab.state.ipv6!.subnet} admin ${lab.state.admin.address6}$`, 'm'));
    assert.match(text.stdout, new RegExp(`^VIP ${vip6} held by lb1$`, 'm'));
    assert.match(text.stdout, /^host\s+role\s+address\s+address6\s+state\s+processes$/m);
    const lb1 = lab.state.hosts.find((h) => h.name === 'lb1')!;
    assert.match(text.stdout, new RegExp(`^lb1\\s+director\\s+${lb1.address.replace(/\./g, '\\.')}\\s+${lb1.address6}\\s+up\\s+sshd\\(\\d+\\) \\+${vip6}$`, 'm'));
    assert.equal((await lab.hostExec('lb1', ['ip', '-6', 'addr', 'del', `${vip6}/64`, 'dev', 'eth0'])).code, 0);
    assert.equal(await lab.waitForVipHolder(null, { vip: vip6 }), null);
  });

  it('an ordinary lab keeps IPv6 disabled in every namespace and records none', async () => {
    plain = await startLab(undefined, { directors: 1, realservers: 1 });
    assert.equal(plain.vip6, undefined);
    assert.equal(plain.vips6, undefined);
    assert.equal(plain.state.ipv6, undefined);
    assert.ok(plain.state.hosts.every((h) => h.address6 === undefined) && plain.state.admin.address6 === undefined);
    for (const host of [...plain.hosts.map((h) => h.name), undefined]) {
      const argv = ['sh', '-c', 'cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6; ip -6 addr show dev eth0'];
      const r: RunResult = host ? await plain.hostExec(host, argv) : await plain.adminExec(argv[0]!, argv.slice(1));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), '1', `${host ?? 'admin'}: IPv6 is on`);
    }
    const st = await cli(['lab', 'status', '--name', plain.name, '--json']);
    assert.equal(st.code, 0, st.stderr);
    assert.equal('ipv6' in JSON.parse(st.stdout), false);
    const text = await cli(['lab', 'status', '--name', plain.name]);
    assert.match(text.stdout, /^host    role       address         state processes$/m);
  });
});
