import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  HOST_MOUNTS, labDown, labStatus, labUp, planHosts, preflight, readState, reapOrphanLabs, run, validateUpOptions, vethName,
} from '../../src/lab/index.js';
import { REPO_ROOT, startLab, uniqueLabName, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';

const CLI = [process.execPath, '--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts')];
const cli = (args: string[]) => run(CLI[0]!, [...CLI.slice(1), ...args], { cwd: REPO_ROOT });

/** What the machine shows of a lab, by the exact names its state file lists. */
async function traces(names: { netns: string[]; links: string[]; pids: number[]; name: string; root: string }) {
  const netns = (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]);
  const links = JSON.parse((await run('ip', ['-j', 'link'])).stdout) as { ifname: string }[];
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n');
  const livePids = names.pids.filter((p) => {
    try {
      const st = readFileSync(`/proc/${p}/stat`, 'utf8');
      return st.slice(st.lastIndexOf(')') + 2)[0] !== 'Z'; // a zombie is gone, only not yet reaped by pid 1
    } catch {
      return false;
    }
  });
  return {
    netns: names.netns.filter((n) => netns.includes(n)),
    links: links.map((l) => l.ifname).filter((l) => names.links.includes(l)),
    mounts: mounts.filter((m) => m.includes(`/hf-${names.name}-`) || m.includes(names.root)),
    pids: livePids,
    root: existsSync(names.root),
  };
}

describe('lab naming and checks (no root needed)', () => {
  it('derives kernel names within 15 characters and addresses inside the lab /24', () => {
    const hosts = planHosts('abcdefgh', 511, 9, 224);
    for (const h of hosts) assert.ok(h.vethHost.length <= 15 && h.netns.startsWith('hf-abcdefgh-'), h.vethHost);
    assert.ok(vethName('abcdefgh', 'a').length <= 15);
    const addrs = hosts.map((h) => h.address);
    assert.equal(new Set(addrs).size, addrs.length, 'addresses are unique');
    assert.ok(addrs.every((a) => a.startsWith('198.19.255.')), 'index 511 is 198.19.255.0/24');
    assert.ok(!addrs.some((a) => /\.(1|10\d)$/.test(a)), 'admin .1 and the VIP block .100–.109 stay free');
  });
  it('rejects bad names and sizes with one diagnostic each', () => {
    const ds = validateUpOptions({ name: 'Bad_Name', directors: 0, realservers: 1000, engine: 'x' as never });
    assert.deepEqual(ds.map((d) => d.code).sort(), ['lab-engine', 'lab-name', 'lab-size', 'lab-size']);
  });
  it('names the Debian packages of missing tools and asks for root', () => {
    const ds = preflight(1000, (bin) => (bin === 'nginx' || bin === 'nsenter' ? null : `/usr/bin/${bin}`));
    assert.deepEqual(ds.map((d) => d.code), ['lab-needs-root', 'lab-missing-tools']);
    assert.match(ds[1]!.hint ?? '', /apt-get install nginx-light util-linux/);
  });
});

describe('hafleet lab (root, real namespaces)', { concurrency: false }, () => {
  let lab: TestLab;
  let other: TestLab | undefined;
  after(async () => {
    await other?.down();
    await lab?.down();
  });

  it('brings up 2 directors + 2 realservers reachable over ssh with strict host-key checking', async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 2 });
    assert.deepEqual(lab.hosts.map((h) => h.name), ['lb1', 'lb2', 'web1', 'web2']);
    for (const h of lab.hosts) {
      const r = await lab.ssh(h.name, 'hostname');
      assert.equal(r.code, 0, `${h.name}: ${r.stderr}`);
      assert.equal(r.stdout.trim(), h.name);
    }
    // The same ssh with an empty known_hosts must fail: the check really is strict.
    const empty = join(lab.state.root, 'empty_known_hosts');
    await writeFile(empty, '');
    const r = await lab.adminExec('ssh', ['-i', lab.privateKey, '-o', `UserKnownHostsFile=${empty}`, '-o', 'StrictHostKeyChecking=yes',
      '-o', 'BatchMode=yes', `root@${lab.hosts[0]!.address}`, 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Host key verification failed/);
  });

  it('realserver backends answer with their names; directors run neither nginx nor keepalived', async () => {
    for (const h of lab.hosts.filter((x) => x.role === 'realserver')) {
      assert.equal((await lab.adminExec('curl', ['-s', '--max-time', '3', `http://${h.address}/`])).stdout, `${h.name}\n`);
      assert.equal((await lab.adminExec('curl', ['-s', '--max-time', '3', `http://${h.address}/health`])).stdout, 'ok\n');
    }
    const st = await labStatus(lab.name);
    for (const h of st!.hosts.filter((x) => x.role === 'director')) {
      assert.deepEqual(Object.keys(h.processes), ['sshd'], `${h.name}: ${JSON.stringify(h.processes)}`);
      const r = await lab.hostExec(h.name, 'ls -A /etc/keepalived /etc/nginx/sites-enabled; test -f /etc/nginx/nginx.conf && echo conf');
      assert.equal(r.stdout.trim().split('\n').filter((l) => l && !l.endsWith(':')).join(','), 'conf');
    }
  });

  it('gives each host private /run, /etc/keepalived, /tmp, … that are inspectable under the lab root', async () => {
    const probe = `hafleet-lab-probe-${lab.name}`;
    const dir = lab.hostDir('lb1');
    for (const m of HOST_MOUNTS) {
      const r = await lab.hostExec('lb1', ['sh', '-c', `echo ${m.target} > ${m.target}/${probe}`]);
      assert.equal(r.code, 0, `${m.target}: ${r.stderr}`);
      assert.equal(await readFile(join(dir, m.dir, probe), 'utf8'), `${m.target}\n`, `${m.target} is lb1's folder ${m.dir}`);
      assert.ok(!existsSync(join(m.target, probe)), `${m.target}/${probe} leaked onto the machine`);
      assert.equal((await lab.hostExec('lb2', ['test', '-e', join(m.target, probe)])).code, 1, `lb2 sees lb1's ${m.target}`);
    }
  });

  it('lab status --json names the inventory and the VIPs; the admin has no default route', async () => {
    const r = await cli(['lab', 'status', '--name', lab.name, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { inventory: string; vips: string[]; hosts: unknown[] };
    assert.equal(doc.inventory, lab.inventoryPath);
    assert.deepEqual(doc.vips, [lab.vip]);
    assert.equal(doc.hosts.length, 4);
    const inv = await readFile(lab.inventoryPath, 'utf8');
    for (const h of lab.hosts) assert.match(inv, new RegExp(`${h.name}:\\n\\s+ansible_host: ${h.address.replace(/\./g, '\\.')}`));
    assert.equal((await lab.adminExec('ip', ['route', 'show', 'default'])).stdout.trim(), '');
    const all = await readFile(join(lab.state.root, 'inventory', 'group_vars', 'all.yml'), 'utf8');
    assert.match(all, /service_manager: direct/);
    assert.match(all, new RegExp(`vips: \\[${lab.vip.replace(/\./g, '\\.')}/24\\]`));
    // The inventory is one hafleet reads: lint finds nothing to say.
    const lint = await cli(['lint', '-i', lab.inventoryPath]);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  });

  it('lab exec runs on a host in its namespaces and passes the exit code through', async () => {
    const h = await cli(['lab', 'exec', '--name', lab.name, '--host', 'web2', '--', 'sh', '-c', 'hostname; cat /run/nginx.pid']);
    assert.equal(h.code, 0, h.stderr);
    const [host, pid] = h.stdout.trim().split('\n');
    assert.equal(host, 'web2');
    assert.ok((await lab.status()).hosts.find((x) => x.name === 'web2')!.processes.nginx!.includes(Number(pid)));
    assert.equal((await cli(['lab', 'exec', '--name', lab.name, '--', 'sh', '-c', 'exit 3'])).code, 3);
    const bad = await cli(['lab', 'exec', '--name', lab.name, '--host', 'web9', '--', 'true']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /no host "web9"/);
  });

  it('carries VRRP between directors: keepalived on the bridge elects lb1, lb2 takes over when it stops', async () => {
    const conf = (priority: number) => `vrrp_instance lab_probe {
  state BACKUP
  interface eth0
  virtual_router_id ${lab.state.vrid}
  priority ${priority}
  advert_int 1
  virtual_ipaddress { ${lab.vip}/24 dev eth0 }
}
`;
    for (const [host, prio] of [['lb1', 150], ['lb2', 100]] as const) {
      await writeFile(join(lab.hostDir(host), 'etc-keepalived', 'keepalived.conf'), conf(prio));
      const r = await lab.hostExec(host, ['keepalived', '-f', '/etc/keepalived/keepalived.conf']);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal(await lab.waitForVipHolder('lb1'), 'lb1');
    const pidFile = join(lab.hostDir('lb1'), 'run', 'keepalived.pid');
    assert.equal((await lab.hostExec('lb1', `kill $(cat /run/keepalived.pid)`)).code, 0);
    assert.equal(await lab.waitForVipHolder('lb2'), 'lb2');
    await waitFor('lb1 keepalived to exit', () => !existsSync(pidFile));
    assert.equal((await lab.hostExec('lb2', `kill $(cat /run/keepalived.pid)`)).code, 0);
    assert.equal(await lab.waitForVipHolder(null), null);
  });

  it('keeps two labs apart: own subnets, own bridges, no path between them', async () => {
    other = await startLab(undefined, { directors: 1, realservers: 1 });
    assert.notEqual(other.state.subnet, lab.state.subnet);
    assert.notEqual(other.state.bridge, lab.state.bridge);
    assert.notEqual(other.state.vrid, lab.state.vrid);
    const web = other.hosts.find((h) => h.role === 'realserver')!;
    // Give lab's admin an address in the other lab's subnet: only a shared wire could carry these.
    const spare = web.address.replace(/\.\d+$/, '.250');
    assert.equal((await lab.adminExec('ip', ['addr', 'add', `${spare}/24`, 'dev', 'eth0'])).code, 0);
    const arp = await lab.adminExec('arping', ['-c', '2', '-w', '2', '-I', 'eth0', web.address]);
    assert.notEqual(arp.code, 0, `a host of the other lab answered ARP: ${arp.stdout}`);
    const http = await lab.adminExec('curl', ['-s', '--max-time', '2', `http://${web.address}/`]);
    assert.notEqual(http.code, 0, `a host of the other lab answered HTTP: ${http.stdout}`);
    // The same probes from the other lab's own admin do reach it.
    assert.equal((await other.adminExec('arping', ['-c', '1', '-w', '2', '-I', 'eth0', web.address])).code, 0);
    assert.equal((await other.adminExec('curl', ['-s', '--max-time', '2', `http://${web.address}/`])).stdout, `${web.name}\n`);
  });

  it('down removes every namespace, link, mount and process, and is safe twice', async () => {
    const s = lab.state;
    const pids = [...(await labStatus(lab.name))!.hosts.flatMap((h) => Object.values(h.processes).flat()),
      ...s.hosts.map((h) => h.initPid!)];
    const names = { name: s.name, root: s.root, pids, netns: [s.admin.netns, ...s.hosts.map((h) => h.netns)], links: [s.bridge, s.admin.veth, ...s.hosts.map((h) => h.veth)] };
    const before = await traces(names);
    assert.equal(before.netns.length, 5);
    assert.equal(before.links.length, 6);
    assert.ok(before.mounts.length >= 5, 'netns mounts exist while up');
    assert.ok(before.pids.length >= 8);
    await lab.down();
    const afterDown = await waitFor('lab processes to be gone', async () => {
      const t = await traces(names);
      return t.pids.length === 0 && t;
    });
    assert.deepEqual(afterDown, { netns: [], links: [], mounts: [], pids: [], root: false });
    const again = await labDown(lab.name);
    assert.equal(again.found, false);
    assert.deepEqual(again.remaining, []);
    const r = await cli(['lab', 'down', '--name', lab.name]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('gives labs brought up at the same moment distinct subnets and VRIDs', async () => {
    const names = [uniqueLabName(), uniqueLabName(), uniqueLabName()];
    try {
      const rs = await Promise.all(names.map((name) => labUp({ name, directors: 1, realservers: 1 })));
      const subnets = rs.map((r) => (assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics)), r.value.subnet));
      assert.equal(new Set(subnets).size, 3, subnets.join(' '));
      assert.equal(new Set(rs.map((r) => r.ok && r.value.vrid)).size, 3);
    } finally {
      await Promise.all(names.map((n) => labDown(n)));
    }
  });

  it('reaps the lab of a test process that was killed before it could tear it down', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test', 'integration', 'support', 'hold-lab.ts')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const name = await waitFor('the child lab', () => out.includes('\n') && out.trim(), { timeoutMs: 30_000 });
    assert.equal((await readState(name))?.ownerPid, child.pid);
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    assert.ok(existsSync(`/run/netns/hf-${name}-lb1`), 'SIGKILL left the lab behind');
    assert.deepEqual(await reapOrphanLabs([name]), [name]);
    assert.deepEqual((await readdir('/run/netns')).filter((n) => n.startsWith(`hf-${name}-`)), []);
    assert.equal(await readState(name), null);
  });

  it('cleans a lab whose up was killed midway on the next up', async () => {
    const name = uniqueLabName();
    const child = spawn(CLI[0]!, [...CLI.slice(1), 'lab', 'up', '--name', name, '--realservers', '30', '--forks', '2'], { cwd: REPO_ROOT, stdio: 'ignore' });
    const crashed = await waitFor('a half-created lab', async () => {
      const st = await readState(name).catch(() => null);
      return st !== null && st.hosts.filter((h) => h.initPid).length >= 3 && st;
    }, { timeoutMs: 20_000, intervalMs: 20 });
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    assert.equal((await readState(name))!.status, 'creating');
    const leftovers = (await readdir('/run/netns')).filter((n) => n.startsWith(`hf-${name}-`));
    assert.ok(leftovers.length > 3, 'the killed up left namespaces behind');
    const r = await labUp({ name, directors: 1, realservers: 1 });
    try {
      assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
      const now = (await readdir('/run/netns')).filter((n) => n.startsWith(`hf-${name}-`)).sort();
      assert.deepEqual(now, [`hf-${name}-admin`, `hf-${name}-lb1`, `hf-${name}-web1`]);
      const stale = crashed.hosts.filter((h) => h.initPid).map((h) => h.initPid!);
      assert.deepEqual((await traces({ name, root: '/nonexistent', pids: stale, netns: [], links: [] })).pids, []);
    } finally {
      await labDown(name);
    }
    assert.deepEqual((await readdir('/run/netns')).filter((n) => n.startsWith(`hf-${name}-`)), []);
  });
});
