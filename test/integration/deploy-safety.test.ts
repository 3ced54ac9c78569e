/**
 * "A failed deploy never causes an outage" and "one lock per cluster" (issue 12, defects 8 and 9)
 * against a real 2+2 lab: keepalived, nginx and VRRP on the wire, traffic through the VIP from
 * the admin namespace while deploys fail. One lab, steps in order.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startLab, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';

let lab: TestLab;
let varsPath = '';
let baseVars = '';
const KA = '/etc/keepalived/keepalived.conf';
const NGINX = '/etc/nginx/conf.d/hafleet-web.conf';
const LOCKED = 'test -d /var/lib/hafleet/lock';
const CLUSTER_LOCK = '/var/lib/hafleet/cluster-web.lock';

/** Holds a director's deploy script in its health loop (see deploy.test.ts): its local health URL goes unanswered. */
const HOLD = "nft add table inet hfsafe && nft add chain inet hfsafe out '{ type filter hook output priority 0; }' && nft add rule inet hfsafe out ip daddr 127.0.0.1 tcp dport 80 drop";
/**
 * Root's requests to the local nginx are refused at once, keepalived's track script (run as
 * `nobody`) still passes: the director keeps the VIP, but a deploy's health check fails.
 */
const ROOT_REFUSED = "nft add table inet hfsafe && nft add chain inet hfsafe out '{ type filter hook output priority 0; }' && nft add rule inet hfsafe out meta skuid 0 ip daddr 127.0.0.1 tcp dport 80 reject with tcp reset";
/** The opposite: keepalived's track script (not root) cannot reach nginx, root still can. */
const NOT_ROOT_REFUSED = "nft add table inet hfsafe && nft add chain inet hfsafe out '{ type filter hook output priority 0; }' && nft add rule inet hfsafe out meta skuid != 0 ip daddr 127.0.0.1 tcp dport 80 reject with tcp reset";
const RELEASE = 'nft delete table inet hfsafe 2>/dev/null; true';

function withVars(extra: string): void {
  writeFileSync(varsPath, `${baseVars.trimEnd()}\n${extra}`);
}

async function deploy(args: string[] = []) {
  return lab.hafleetJson(['deploy', '-i', lab.inventoryPath, '--yes', '--json', ...args], { timeoutMs: 150_000 });
}

function statusOf(doc: any): Record<string, string> {
  return Object.fromEntries(doc.result.hosts.map((h: any) => [h.host, h.status]));
}

async function sha(host: string, path: string): Promise<string> {
  return (await lab.hostExec(host, `sha256sum ${path} 2>/dev/null | cut -d' ' -f1`)).stdout.trim();
}

async function configs(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const h of ['lb1', 'lb2']) for (const p of [KA, NGINX]) out[`${h}:${p}`] = await sha(h, p);
  return out;
}

/**
 * Requests through the VIP from the admin namespace, as the drill counts them: a request whose
 * first try fails gets one retry; only a request that fails both counts as failed, with the
 * time it failed (for the outage's length). Ends when `stop` exists (at most 2000 requests).
 */
function traffic(stop: string) {
  const req = `curl -s -o /dev/null -m 2 -w '%{http_code}' http://${lab.vip}/ | grep -q '^200$'`;
  const loop = lab.adminExec('bash', ['-c', `ok=0; retried=0; bad=0; i=0; ts=""; while [ $i -lt 2000 ] && [ ! -e ${stop} ]; do i=$((i+1)); if ${req}; then ok=$((ok+1)); else retried=$((retried+1)); if ! ${req}; then bad=$((bad+1)); ts="$ts $EPOCHREALTIME"; fi; fi; sleep 0.05; done; echo "$ok $retried $bad$ts"`], { timeoutMs: 200_000 });
  return {
    async end() {
      writeFileSync(stop, '');
      const [ok, retried, bad, ...ts] = (await loop).stdout.trim().split(' ').map(Number);
      rmSync(stop, { force: true });
      const outageMs = ts.length ? Math.round((Math.max(...ts) - Math.min(...ts)) * 1000) : 0;
      return { ok: ok!, retried: retried!, bad: bad!, outageMs };
    },
  };
}

describe('deploy safety on a 2+2 lab: no outage from a failed deploy, one lock per cluster', { timeout: 400_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 2 });
    varsPath = join(dirname(lab.inventoryPath), 'group_vars', 'all.yml');
    baseVars = readFileSync(varsPath, 'utf8');
    const r = await deploy();
    assert.equal(r.code, 0, r.stderr);
    await lab.waitForVipHolder(undefined, { timeoutMs: 20_000 });
  });
  after(async () => {
    for (const h of ['lb1', 'lb2']) await lab?.hostExec(h, RELEASE).catch(() => undefined);
    await lab?.down();
  });

  it('a config that validates but answers 502 once active is caught on the director without the VIP: put back, holder untouched, no failed request', async () => {
    const holder = (await lab.vipHolder())!;
    const peer = holder === 'lb1' ? 'lb2' : 'lb1';
    const old = await configs();
    // nginx -t accepts it; every real request then gets 502 (nginx's error page makes it 503).
    withVars('    services:\n      - port: 80\n        realserver_port: 8081\n');
    const stop = `/tmp/hafleet-safety-${lab.name}-a.stop`;
    rmSync(stop, { force: true });
    const t = traffic(stop);
    await new Promise((r) => setTimeout(r, 500));
    let r;
    try {
      r = await deploy();
      await new Promise((res) => setTimeout(res, 1500));
    } finally {
      writeFileSync(varsPath, baseVars);
    }
    const q = await t.end();
    console.log(`# (a) broken upstream: ${q.ok} ok, ${q.retried} retried, ${q.bad} failed after one retry, outage ${q.outageMs} ms`);
    assert.equal(r.code, 1, r.stderr);
    const hosts = Object.fromEntries(r.doc.result.hosts.map((h: any) => [h.host, h]));
    assert.equal(hosts[peer].status, 'failed');
    assert.equal(hosts[peer].step, 'serve');
    assert.equal(hosts[peer].rolledBack, true);
    assert.match(hosts[peer].message, /nginx answers 50[234] on port 80/);
    assert.equal(hosts[holder].status, 'skipped', 'the VIP holder is never touched');
    const c = r.doc.result.clusters.find((x: any) => x.cluster === 'web');
    assert.equal(c.outcome, 'rolled-back');
    assert.deepEqual(c.rolledBack, [peer]);
    assert.equal(c.settled, true);
    assert.deepEqual(await configs(), old, 'both directors on the old files');
    assert.equal(await lab.vipHolder(), holder, 'exactly one VIP holder, where it was');
    assert.ok(q.ok > 20, `the traffic loop ran (${q.ok} ok)`);
    assert.equal(q.bad, 0, `${q.bad} requests failed after one retry`);
    assert.equal((await lab.hostExec(peer, `test -e ${CLUSTER_LOCK}`)).code, 1, 'cluster lock released');
  });

  it('a track script that fails once active (defect 8: it would demote the holder) is caught on the peer, which is put back before the holder is touched', async () => {
    const holder = (await lab.vipHolder())!;
    const peer = holder === 'lb1' ? 'lb2' : 'lb1';
    const old = await configs();
    // keepalived -t accepts it (the script exists, root-owned); keepalived then finds it failing.
    withVars('    track:\n      nginx:\n        script: /bin/false\n');
    const stop = `/tmp/hafleet-safety-${lab.name}-t.stop`;
    rmSync(stop, { force: true });
    const t = traffic(stop);
    let r;
    try {
      await new Promise((res) => setTimeout(res, 500));
      r = await deploy();
      await new Promise((res) => setTimeout(res, 1500));
    } finally {
      writeFileSync(varsPath, baseVars);
    }
    const q = await t.end();
    console.log(`# (a3) failing track script: ${q.ok} ok, ${q.retried} retried, ${q.bad} failed after one retry, outage ${q.outageMs} ms`);
    assert.equal(r.code, 1, r.stderr);
    const hosts = Object.fromEntries(r.doc.result.hosts.map((h: any) => [h.host, h]));
    assert.equal(hosts[peer].step, 'serve', JSON.stringify(hosts[peer]));
    assert.match(hosts[peer].message, /track script \S+ fails|demoted/);
    assert.equal(hosts[peer].rolledBack, true);
    assert.equal(hosts[holder].status, 'skipped');
    assert.deepEqual(await configs(), old);
    assert.equal(await lab.vipHolder(), holder);
    assert.equal(q.bad, 0, `${q.bad} requests failed after one retry`);
  });

  it('the holder failing after its peer deployed: the peer is put back too, the cluster ends on one config, no failed request', async () => {
    const holder = (await lab.vipHolder())!;
    const peer = holder === 'lb1' ? 'lb2' : 'lb1';
    const old = await configs();
    withVars('    nginx:\n      proxy_read_timeout: 33s\n');
    assert.equal((await lab.hostExec(holder, ROOT_REFUSED)).code, 0);
    const stop = `/tmp/hafleet-safety-${lab.name}-b.stop`;
    rmSync(stop, { force: true });
    const t = traffic(stop);
    let r;
    try {
      await new Promise((res) => setTimeout(res, 500));
      const run = deploy();
      // The holder's own script fails its health check and restores itself; once it has ended,
      // root may reach nginx again, so the holder can prove it serves after the cluster rollback.
      await waitFor(`${holder} deploy under way`, async () => (await lab.hostExec(holder, LOCKED)).code === 0, { timeoutMs: 60_000, intervalMs: 50 });
      await waitFor(`${holder} deploy ended`, async () => (await lab.hostExec(holder, LOCKED)).code !== 0, { timeoutMs: 60_000, intervalMs: 50 });
      await lab.hostExec(holder, RELEASE);
      r = await run;
      await new Promise((res) => setTimeout(res, 1500));
    } finally {
      await lab.hostExec(holder, RELEASE);
      writeFileSync(varsPath, baseVars);
    }
    const q = await t.end();
    console.log(`# (a2) holder fails its health check: ${q.ok} ok, ${q.retried} retried, ${q.bad} failed after one retry, outage ${q.outageMs} ms`);
    assert.equal(r.code, 1, r.stderr);
    const hosts = Object.fromEntries(r.doc.result.hosts.map((h: any) => [h.host, h]));
    assert.equal(hosts[holder].status, 'failed');
    assert.equal(hosts[holder].step, 'health');
    assert.equal(hosts[holder].rolledBack, true);
    assert.equal(hosts[peer].status, 'failed');
    assert.equal(hosts[peer].step, 'cluster');
    assert.equal(hosts[peer].rolledBack, true);
    const c = r.doc.result.clusters.find((x: any) => x.cluster === 'web');
    assert.equal(c.outcome, 'rolled-back');
    assert.deepEqual(c.rolledBack, [peer]);
    assert.equal(c.settled, true, JSON.stringify(c));
    assert.deepEqual(await configs(), old, 'both directors back on the old files: one config');
    assert.ok(await lab.vipHolder(), 'exactly one VIP holder');
    assert.equal(q.bad, 0, `${q.bad} requests failed after one retry`);
    const rec = JSON.parse((await lab.hostExec(peer, 'cat /var/lib/hafleet/last-deploy.json')).stdout);
    assert.notEqual(rec.planId, r.doc.plan.id, 'the deploy record is the old one again');
    const p = await lab.hafleet(['plan', '-i', lab.inventoryPath, '--detailed-exitcode'], { timeoutMs: 60_000 });
    assert.equal(p.code, 0, `after the rollback the fleet matches the old inventory\n${p.stdout}${p.stderr}`);
  });

  it('defect 8 as it happened: the holder is demoted by its track script right after its own step, the VIP moves to the peer; both are put back, one holder serves', async () => {
    const holder = (await lab.vipHolder())!;
    const peer = holder === 'lb1' ? 'lb2' : 'lb1';
    const old = await configs();
    withVars('    nginx:\n      proxy_read_timeout: 35s\n');
    const stop = `/tmp/hafleet-safety-${lab.name}-d.stop`;
    rmSync(stop, { force: true });
    const t = traffic(stop);
    let r;
    try {
      await new Promise((res) => setTimeout(res, 500));
      const run = deploy();
      // Once the holder's own script runs, its track script (not root) can no longer reach
      // nginx: keepalived demotes it while the deploy goes on, as the new track script did.
      await waitFor(`${holder} deploy under way`, async () => (await lab.hostExec(holder, LOCKED)).code === 0, { timeoutMs: 60_000, intervalMs: 50 });
      assert.equal((await lab.hostExec(holder, NOT_ROOT_REFUSED)).code, 0);
      r = await run;
      await new Promise((res) => setTimeout(res, 1500));
    } finally {
      await lab.hostExec(holder, RELEASE);
      writeFileSync(varsPath, baseVars);
    }
    const q = await t.end();
    console.log(`# (a4) holder demoted after its step, VIP moves: ${q.ok} ok, ${q.retried} retried, ${q.bad} failed after one retry, outage ${q.outageMs} ms`);
    assert.equal(r.code, 1, r.stderr);
    const hosts = Object.fromEntries(r.doc.result.hosts.map((h: any) => [h.host, h]));
    assert.equal(hosts[holder].step, 'serve', JSON.stringify(hosts[holder]));
    assert.match(hosts[holder].message, /demoted|track script/);
    assert.equal(hosts[holder].rolledBack, true);
    assert.equal(hosts[peer].step, 'cluster');
    assert.equal(hosts[peer].rolledBack, true);
    const c = r.doc.result.clusters.find((x: any) => x.cluster === 'web');
    assert.deepEqual(c.rolledBack, [holder, peer], 'newest first');
    assert.equal(c.settled, true, JSON.stringify(c));
    assert.equal(c.holders[lab.vip], peer, 'the VIP had moved to the peer (the holder was demoted), which serves on the old config');
    console.log(`# (a4) ${holder}: ${hosts[holder].message}`);
    assert.deepEqual(await configs(), old, 'one config on the cluster: the old one');
    assert.ok(await lab.vipHolder(), 'exactly one VIP holder');
    assert.equal(q.bad, 0, `${q.bad} requests failed after one retry`);
    // The original holder recovers (rise) and takes the VIP back (preempt): the next step starts clean.
    await lab.waitForVipHolder(holder, { timeoutMs: 30_000 });
  });

  it('two deploys with disjoint --limit on one cluster: the second is refused naming the lock holder; after the first, both converge', async () => {
    const holder = (await lab.vipHolder())!;
    const first = holder === 'lb1' ? 'lb2' : 'lb1';
    withVars('    nginx:\n      proxy_read_timeout: 37s\n');
    const holderBefore = await sha(holder, NGINX);
    assert.equal((await lab.hostExec(first, HOLD)).code, 0);
    let one;
    let two;
    try {
      one = deploy(['--limit', first]);
      await waitFor(`${first} deploy under way`, async () => (await lab.hostExec(first, LOCKED)).code === 0, { timeoutMs: 60_000, intervalMs: 50 });
      for (const h of ['lb1', 'lb2']) assert.equal((await lab.hostExec(h, `test -d ${CLUSTER_LOCK}`)).code, 0, `the cluster lock is held on ${h} too`);
      two = await deploy(['--limit', holder]);
      assert.equal((await lab.hostExec(first, LOCKED)).code, 0, 'the second deploy ran while the first was under way');
    } finally {
      await lab.hostExec(first, RELEASE);
    }
    assert.equal(two.code, 1, two.stderr);
    const refused = two.doc.result.hosts.find((h: any) => h.host === holder);
    assert.equal(refused.status, 'failed');
    assert.equal(refused.step, 'lock');
    assert.match(refused.message, /cluster web is locked on lb[12] by another deploy \(by \S+@\S+, since \S+, deploy \S+/);
    assert.match(refused.hint, /wait for that deploy to finish/);
    assert.equal(two.doc.result.clusters[0].outcome, 'locked');
    assert.equal(await sha(holder, NGINX), holderBefore, 'nothing changed on the holder');
    const r1 = await one;
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(statusOf(r1.doc)[first], 'changed');
    const r2 = await deploy(['--limit', holder]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(statusOf(r2.doc)[holder], 'changed');
    const again = await deploy();
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(statusOf(again.doc), { lb1: 'ok', lb2: 'ok', web1: 'ok', web2: 'ok' });
    for (const h of ['lb1', 'lb2']) assert.equal((await lab.hostExec(h, `test -e ${CLUSTER_LOCK}`)).code, 1, `no cluster lock left on ${h}`);
    writeFileSync(varsPath, baseVars);
  });

  it('a director outside --limit that cannot be reached refuses the deploy (it cannot be locked); --force goes on with a warning', async () => {
    const holder = (await lab.vipHolder())!;
    const other = holder === 'lb1' ? 'lb2' : 'lb1';
    withVars('    nginx:\n      proxy_read_timeout: 39s\n');
    // The holder's known_hosts entry names another key: nothing reaches it (no login happens).
    const kh = readFileSync(lab.knownHosts, 'utf8');
    const addr = lab.hosts.find((h) => h.name === holder)!.address;
    const otherKey = readFileSync(`${lab.privateKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    writeFileSync(lab.knownHosts, kh.split('\n').map((l) => (l.startsWith(`${addr} `) ? `${addr} ${otherKey}` : l)).join('\n'));
    const before = await sha(other, NGINX);
    try {
      const refused = await deploy(['--limit', other]);
      assert.equal(refused.code, 1, refused.stderr);
      const h = refused.doc.result.hosts.find((x: any) => x.host === other);
      assert.equal(h.step, 'lock');
      assert.match(h.message, new RegExp(`cannot take the lock of cluster web on ${holder}: .*(changed|mismatch)`, 'i'));
      assert.match(h.hint, /--force/);
      assert.equal(await sha(other, NGINX), before, 'nothing changed');
      const forced = await deploy(['--limit', other, '--force']);
      assert.equal(forced.code, 0, forced.stderr);
      assert.equal(statusOf(forced.doc)[other], 'changed');
      assert.match(forced.doc.result.clusters[0].warnings.join('\n'), new RegExp(`${holder}: not locked .*--force`));
    } finally {
      writeFileSync(lab.knownHosts, kh);
      writeFileSync(varsPath, baseVars);
    }
    const back = await deploy();
    assert.equal(back.code, 0, back.stderr);
    assert.equal(await lab.vipHolder(), holder);
  });
});
