/**
 * hafleet plan/deploy against a real 2+2 lab (sshd, nginx, keepalived, VRRP on the wire), the CLI
 * run in the lab's admin namespace. One lab, steps in order: each step starts from the state the
 * previous one left, as an operator's day would.
 */
import { createHash } from 'node:crypto';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { labCommand } from '../../src/lab/index.js';
import { startLab, REPO_ROOT, type TestLab } from './support/lab.js';
import { spawnCollecting } from './support/spawn.js';
import { waitFor } from './support/wait.js';

let lab: TestLab;
let baseVars = '';
let varsPath = '';
const KA = '/etc/keepalived/keepalived.conf';
const NGINX = '/etc/nginx/conf.d/hafleet-web.conf';

/**
 * Keeps a host's deploy script in its health-check loop until `nft delete table inet hftest`:
 * nginx's local health URL goes unanswered (dropped, so each of the script's ~40 tries waits out
 * curl's 1 s limit: ≈50 s of hold, not the ≈10 s a refused connection gives under load). A step
 * that lands "while the script runs" then does, and the test checks that it did before releasing.
 */
const HOLD = "nft add table inet hftest && nft add chain inet hftest out '{ type filter hook output priority 0; }' && nft add rule inet hftest out ip daddr 127.0.0.1 tcp dport 80 drop";
const RELEASE = 'nft delete table inet hftest';
const LOCKED = 'test -d /var/lib/hafleet/lock';

/**
 * The host's sshd processes (listener and sessions): one pgrep over its network namespace. A shell
 * loop with a `cat` per /proc entry forks once per process of the whole machine (shared pid
 * namespace) and took long enough under load for the held script to give up.
 */
const FIND_SSHD = 'pgrep -x sshd --ns $$ --nslist net; true';

async function sshdPids(host: string): Promise<string[]> {
  return (await lab.hostExec(host, FIND_SSHD)).stdout.trim().split('\n').filter(Boolean);
}

/** Rewrite the lab's group_vars with tunables that land in keepalived.conf and the nginx conf. */
function tune(garpDelay: number, readTimeoutS: number): void {
  writeFileSync(varsPath, `${baseVars.trimEnd()}\n      garp_master_delay: ${garpDelay}\n    nginx:\n      proxy_read_timeout: ${readTimeoutS}s\n`);
}

async function deploy(args: string[] = []) {
  return lab.hafleetJson(['deploy', '-i', lab.inventoryPath, '--yes', '--json', ...args], { timeoutMs: 120_000 });
}

function statusOf(doc: any): Record<string, string> {
  return Object.fromEntries(doc.result.hosts.map((h: any) => [h.host, h.status]));
}

async function sha(host: string, path: string): Promise<string> {
  return (await lab.hostExec(host, `sha256sum ${path} | cut -d' ' -f1`)).stdout.trim();
}

async function pidOf(host: string, file: string): Promise<string> {
  return (await lab.hostExec(host, `cat ${file} 2>/dev/null`)).stdout.trim();
}

async function leftovers(host: string): Promise<string> {
  const r = await lab.hostExec(host, "find /etc/keepalived /etc/nginx/conf.d /usr/local/sbin /usr/share/hafleet -name '.hafleet-tmp-*' 2>/dev/null; ls -d /var/lib/hafleet/lock /tmp/hafleet-validate.* 2>/dev/null; true");
  return r.stdout.trim();
}

/**
 * keepalived's priority-0 adverts received, per instance, from its JSON dump (written to its
 * /tmp: the host's own; removed at once, it holds auth_pass).
 */
async function priorityZeroReceived(host: string): Promise<Record<string, number>> {
  const r = await lab.hostExec(host, "p=$(cat /run/keepalived.pid) && rm -f /tmp/keepalived.json && kill -$(keepalived --signum=JSON) $p && i=0; while [ $i -lt 50 ] && ! [ -s /tmp/keepalived.json ]; do sleep 0.05; i=$((i+1)); done; sleep 0.05; cat /tmp/keepalived.json; rm -f /tmp/keepalived.json");
  assert.equal(r.code, 0, r.stderr);
  return Object.fromEntries(JSON.parse(r.stdout).map((i: any) => [i.data.iname, i.stats.pri_zero_rcvd]));
}

/** Names served through the VIP from the admin namespace. */
async function servedNames(n: number): Promise<Set<string>> {
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const r = await lab.adminExec('curl', ['-s', '-m', '2', `http://${lab.vip}/`]);
    if (r.code === 0) names.add(r.stdout.trim());
  }
  return names;
}

describe('hafleet deploy on a 2+2 lab', { timeout: 600_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 2 });
    varsPath = join(dirname(lab.inventoryPath), 'group_vars', 'all.yml');
    baseVars = readFileSync(varsPath, 'utf8');
  });
  after(async () => {
    await lab?.down();
  });

  it('plan --detailed-exitcode says there are changes, validated on the hosts', async () => {
    const r = await lab.hafleet(['plan', '-i', lab.inventoryPath, '--detailed-exitcode'], { timeoutMs: 60_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /✓ validated \/etc\/keepalived\/keepalived.conf/);
    assert.match(r.stdout, /✓ validated \/etc\/nginx\/conf.d\/hafleet-web.conf/);
    // The 2 realservers render nothing in nginx mode, and hafleet never deployed this fleet: they
    // are not contacted, and the plan says so (test/integration/ledger.test.ts has the rest).
    assert.match(r.stdout, /^Plan: \d+ files to change on 2 hosts, 4 reloads \(keepalived ×2, nginx ×2\), 2 realservers not contacted \(nothing of hafleet's there; --contact-all asks them\)\.$/m);
    assert.match(r.stdout, /^not contacted: web1, web2$/m);
    assert.match(r.stdout, /auth_pass "?\*{8}"?/);
    assert.ok(!/auth_pass (?!"?\*)/.test(r.stdout), 'auth_pass is masked');
    assert.equal(await leftovers('lb1'), '', 'plan leaves nothing behind');
  });

  it('first deploy: keepalived on both directors, one VIP holder, both realservers through the VIP', async () => {
    const r = await deploy();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(statusOf(r.doc), { lb1: 'changed', lb2: 'changed', web1: 'ok', web2: 'ok' });
    for (const lb of ['lb1', 'lb2']) {
      const pid = await pidOf(lb, '/run/keepalived.pid');
      assert.ok(pid && (await lab.hostExec(lb, `kill -0 ${pid}`)).code === 0, `keepalived runs on ${lb}`);
      assert.equal(await leftovers(lb), '', `no temp file, lock or check dir left on ${lb}`);
      const rec = JSON.parse((await lab.hostExec(lb, 'cat /var/lib/hafleet/last-deploy.json')).stdout);
      assert.equal(rec.planId, r.doc.plan.id);
      assert.equal(rec.files.find((f: any) => f.path === KA).sha256, await sha(lb, KA));
    }
    const holder = await waitFor('one VIP holder', async () => (await lab.vipHolder()) ?? undefined, { timeoutMs: 15_000 });
    assert.ok(holder === 'lb1' || holder === 'lb2');
    // The first election took the protocol's shortcut (RFC 3768 §6.4.2), not keepalived's full
    // Master_Down_Interval: its own counters say the holder got one priority-0 advert per
    // instance (the other director's, sent by the deploy once both ran the new config), and the
    // sender's speaker none (multicast loop off). No warning: the send worked.
    assert.deepEqual(r.doc.result.clusters, []);
    const other = holder === 'lb1' ? 'lb2' : 'lb1';
    const got = await priorityZeroReceived(holder);
    assert.ok(Object.keys(got).length > 0 && Object.values(got).every((n) => n === 1), `${holder}: ${JSON.stringify(got)}`);
    assert.ok(Object.values(await priorityZeroReceived(other)).every((n) => n === 0));
    const names = await waitFor('both realservers through the VIP', async () => {
      const n = await servedNames(6);
      return n.has('web1') && n.has('web2') ? n : undefined;
    }, { timeoutMs: 15_000 });
    assert.deepEqual([...names].sort(), ['web1', 'web2']);
  });

  it('second deploy changes nothing and runs no handler', async () => {
    const before = { ka: await pidOf('lb1', '/run/keepalived.pid'), mtime: (await lab.hostExec('lb1', `stat -c %Y ${KA}`)).stdout };
    const r = await deploy();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(statusOf(r.doc), { lb1: 'ok', lb2: 'ok', web1: 'ok', web2: 'ok' });
    assert.equal(r.doc.plan.summary.filesToChange, 0);
    assert.deepEqual(r.doc.plan.summary.handlers, {});
    assert.equal((await lab.hostExec('lb1', `stat -c %Y ${KA}`)).stdout, before.mtime);
    assert.equal(await pidOf('lb1', '/run/keepalived.pid'), before.ka);
    const p = await lab.hafleet(['plan', '-i', lab.inventoryPath, '--detailed-exitcode'], { timeoutMs: 60_000 });
    assert.equal(p.code, 0, p.stdout + p.stderr);
  });

  it('a file an earlier deploy placed and the inventory no longer renders is removed (cluster renamed)', async () => {
    writeFileSync(varsPath, baseVars.replace(/- name: web\b/, '- name: www'));
    try {
      const p = await lab.hafleet(['plan', '-i', lab.inventoryPath, '--json'], { timeoutMs: 60_000 });
      const lb1 = JSON.parse(p.stdout).hosts.find((h: any) => h.host === 'lb1');
      const kinds = Object.fromEntries(lb1.changes.filter((c: any) => c.kind !== 'unchanged').map((c: any) => [c.path, c.kind]));
      assert.equal(kinds[NGINX], 'delete');
      const del = lb1.changes.find((c: any) => c.path === NGINX);
      assert.match(del.diff, /^-upstream hafleet_web_80 \{$/m, 'the removal shows what goes away');
      assert.equal(kinds['/etc/nginx/conf.d/hafleet-www.conf'], 'create');
      assert.ok(lb1.validations.every((v: any) => v.ok), JSON.stringify(lb1.validations));
      const r = await deploy();
      assert.equal(r.code, 0, r.stderr);
      for (const lb of ['lb1', 'lb2']) {
        assert.notEqual((await lab.hostExec(lb, `test -e ${NGINX}`)).code, 0, `${NGINX} removed on ${lb}`);
        assert.equal((await lab.hostExec(lb, 'test -e /etc/nginx/conf.d/hafleet-www.conf')).code, 0);
      }
      await waitFor('both realservers through the VIP', async () => {
        const n = await servedNames(6);
        return n.has('web1') && n.has('web2') ? n : undefined;
      }, { timeoutMs: 15_000 });
    } finally {
      writeFileSync(varsPath, baseVars);
    }
    const back = await deploy();
    assert.equal(back.code, 0, back.stderr);
    assert.notEqual((await lab.hostExec('lb1', 'test -e /etc/nginx/conf.d/hafleet-www.conf')).code, 0);
  });

  it('zero downtime: a client loop through the VIP sees no failed request while both configs change', async () => {
    const holder = await lab.vipHolder();
    tune(4, 31);
    const stop = `/tmp/hafleet-zd-${lab.name}.stop`;
    rmSync(stop, { force: true });
    // Bounded: at most 400 requests (≈ 40 s), ends as soon as the deploy is done.
    const loop = lab.adminExec('sh', ['-c', `ok=0; bad=0; i=0; while [ $i -lt 400 ] && [ ! -e ${stop} ]; do i=$((i+1)); if curl -s -o /dev/null -m 2 -w '%{http_code}' http://${lab.vip}/ | grep -q '^200$'; then ok=$((ok+1)); else bad=$((bad+1)); fi; sleep 0.05; done; echo "$ok $bad"`], { timeoutMs: 120_000 });
    await new Promise((r) => setTimeout(r, 500));
    const r = await deploy();
    await new Promise((r) => setTimeout(r, 1500)); // requests after the last reload count too
    writeFileSync(stop, '');
    const [ok, bad] = (await loop).stdout.trim().split(' ').map(Number);
    rmSync(stop, { force: true });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(statusOf(r.doc), { lb1: 'changed', lb2: 'changed', web1: 'ok', web2: 'ok' });
    const first = r.doc.result.hosts.find((h: any) => h.host !== holder && h.host.startsWith('lb'));
    assert.ok(first.changed.includes(KA) && first.changed.includes(NGINX));
    assert.ok(ok! > 20, `the loop ran (${ok} ok)`);
    assert.equal(bad, 0, `${bad} failed requests during the deploy`);
    assert.equal(await lab.vipHolder(), holder, 'the VIP stayed where it was');
  });

  it('a template override keepalived rejects: that host fails with keepalived\'s words, old config stays, VIP served, exit 1', async () => {
    const override = join(dirname(lab.inventoryPath), 'templates', 'director', 'keepalived.conf.hbs');
    const builtin = readFileSync(join(REPO_ROOT, 'templates', 'director', 'keepalived.conf.hbs'), 'utf8');
    mkdirSync(dirname(override), { recursive: true });
    writeFileSync(override, builtin.replace(/virtual_router_id\s+\{\{[^}]+\}\}/, 'virtual_router_id 300'));
    const before = { lb1: await sha('lb1', KA), lb2: await sha('lb2', KA) };
    try {
      const r = await deploy();
      assert.equal(r.code, 1, r.stderr);
      const failed = r.doc.result.hosts.filter((h: any) => h.status === 'failed');
      assert.equal(failed.length, 1, JSON.stringify(r.doc.result.hosts));
      assert.equal(failed[0].step, 'validate');
      assert.match(failed[0].message, /VRID '300' not valid|outside range/);
      assert.match(failed[0].message, /\/etc\/keepalived\/keepalived.conf/);
      assert.ok(!failed[0].message.includes('hafleet-validate'), 'the message names the real file');
      assert.equal(r.doc.result.hosts.find((h: any) => h.host.startsWith('lb') && h.host !== failed[0].host).status, 'skipped');
      assert.deepEqual({ lb1: await sha('lb1', KA), lb2: await sha('lb2', KA) }, before, 'old configs still active');
      assert.equal(await leftovers(failed[0].host), '');
      assert.ok((await servedNames(4)).size > 0, 'VIP still served');
      assert.ok(await lab.vipHolder());
    } finally {
      rmSync(join(dirname(lab.inventoryPath), 'templates'), { recursive: true, force: true });
    }
  });

  it('a changed host key is refused before anything is sent', async () => {
    tune(3, 32);
    const kh = readFileSync(lab.knownHosts, 'utf8');
    const lb2 = lab.hosts.find((h) => h.name === 'lb2')!.address;
    const otherKey = readFileSync(`${lab.privateKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    writeFileSync(lab.knownHosts, kh.split('\n').map((l) => (l.startsWith(`${lb2} `) ? `${lb2} ${otherKey}` : l)).join('\n'));
    const before = await sha('lb2', KA);
    const authBefore = (await lab.hostExec('lb2', 'grep -c Accepted /var/log/sshd.log || true')).stdout.trim();
    try {
      const r = await deploy(['--limit', 'lb2']);
      assert.equal(r.code, 1, r.stderr);
      const h = r.doc.result.hosts.find((x: any) => x.host === 'lb2');
      assert.equal(h.status, 'failed');
      assert.match(h.message, /changed|mismatch/i);
      assert.equal(await sha('lb2', KA), before);
      assert.equal((await lab.hostExec('lb2', 'grep -c Accepted /var/log/sshd.log || true')).stdout.trim(), authBefore, 'no login happened');
    } finally {
      writeFileSync(lab.knownHosts, kh);
    }
  });

  it('a lock whose holder is dead (no such process, older boot record) is taken over, and the deploy goes on', async () => {
    tune(5, 34);
    await lab.hostExec('lb2', "mkdir -p /var/lib/hafleet/lock && printf 'by=alice@ctl\\npid=999999\\nat=2026-11-25T10:00:00Z\\ndeploy=old\\n' > /var/lib/hafleet/lock/info && touch -d '-2 hours' /var/lib/hafleet/lock");
    const r = await deploy(['--limit', 'lb2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statusOf(r.doc).lb2, 'changed');
    assert.equal(await leftovers('lb2'), '', 'the stale lock is gone with the run');
  });

  it('a lock held by a live deploy is reported with its holder and age, and removed only with --break-lock', async () => {
    tune(6, 35);
    // A live holder: a real process, recorded with this boot's id and its start time, as a deploy records itself.
    const holder = (await lab.hostExec('lb2', [
      'setsid sleep 300 </dev/null >/dev/null 2>&1 & p=$!',
      'mkdir -p /var/lib/hafleet/lock',
      "printf 'by=bob@ctl\\npid=%s\\nat=2026-12-04T10:00:00Z\\ndeploy=live\\nboot=%s\\nstart=%s\\n' \"$p\" \"$(cat /proc/sys/kernel/random/boot_id)\" \"$(awk '{print $22}' /proc/$p/stat)\" > /var/lib/hafleet/lock/info",
      'echo $p',
    ].join('; '))).stdout.trim();
    assert.match(holder, /^\d+$/);
    try {
      const before = await sha('lb2', KA);
      const r = await deploy(['--limit', 'lb2']);
      assert.equal(r.code, 1, r.stderr);
      const h = r.doc.result.hosts.find((x: any) => x.host === 'lb2');
      assert.equal(h.step, 'lock');
      assert.match(h.message, /holds the lock for \d+s .*by=bob@ctl.*its process is alive/);
      assert.match(h.hint, /wait for it/);
      assert.equal(await sha('lb2', KA), before, 'nothing changed under a lock');
      assert.equal((await lab.hostExec('lb2', 'test -d /var/lib/hafleet/lock')).code, 0, 'the lock is not broken silently');
      const broken = await deploy(['--limit', 'lb2', '--break-lock']);
      assert.equal(broken.code, 0, broken.stderr);
      assert.equal(statusOf(broken.doc).lb2, 'changed');
      assert.equal(await leftovers('lb2'), '');
    } finally {
      await lab.hostExec('lb2', `kill ${holder} 2>/dev/null; true`);
    }
  });

  it('Ctrl-C mid-deploy: the host under way finishes on its own, the next director is not started, nothing left over', async () => {
    tune(6, 36);
    const holder = (await lab.vipHolder())!;
    const first = holder === 'lb1' ? 'lb2' : 'lb1';
    const before = await sha(holder, KA);
    const c = labCommand(lab.state, undefined, [process.execPath, '--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'deploy', '-i', lab.inventoryPath, '--yes', '--json']);
    assert.ok(c.ok);
    // `ip netns exec` execs the command: this pid is the CLI's own.
    assert.equal((await lab.hostExec(first, HOLD)).code, 0);
    const p = spawnCollecting(c.value.cmd, c.value.args, REPO_ROOT);
    try {
      await waitFor(`${first} deploy under way`, async () => (await lab.hostExec(first, LOCKED)).code === 0, { timeoutMs: 30_000, intervalMs: 20 });
      p.child.kill('SIGINT');
      // Release only once the CLI has taken the interrupt (it says so as it aborts), and while the
      // script still runs: otherwise the script could end first and the holder would start.
      await waitFor('the CLI took the interrupt', () => p.err.includes('interrupted:'), { timeoutMs: 15_000, intervalMs: 20 });
      assert.equal((await lab.hostExec(first, LOCKED)).code, 0, `Ctrl-C landed while ${first}'s script ran`);
    } finally {
      await lab.hostExec(first, `${RELEASE} 2>/dev/null; true`);
    }
    const code = await p.exited;
    assert.equal(code, 1);
    const doc = JSON.parse(p.out);
    const st = statusOf(doc);
    assert.equal(st[first], 'changed', 'the script under way ran to its end');
    assert.equal(st[holder], 'skipped');
    assert.equal(await sha(holder, KA), before, 'the VIP holder was not touched');
    for (const h of ['lb1', 'lb2']) assert.equal(await leftovers(h), '', `nothing left on ${h}`);
    const again = await deploy();
    assert.equal(again.code, 0, again.stderr);
    assert.equal(statusOf(again.doc)[holder], 'changed');
  });

  it('sshd stopped mid-deploy: that host unreachable, the others finish, nothing half-written; next deploy converges', async () => {
    const holder = (await lab.vipHolder())!;
    const first = holder === 'lb1' ? 'lb2' : 'lb1'; // not the VIP holder: deployed first
    const restartSshd = async () => {
      // Same command line as the lab's; this sshd is not in the lab's state: stopped by pid below.
      await lab.hostExec(first, 'setsid /usr/sbin/sshd -f /etc/ssh/sshd_config -E /var/log/sshd.log');
      await waitFor(`${first} sshd back`, async () => (await lab.ssh(first, 'true')).code === 0, { timeoutMs: 10_000 });
    };
    // Hold the host's script in its health-check loop so the cut lands while it runs (see HOLD).
    try {
      tune(2, 41);
      const oldKa = await sha(first, KA);
      assert.equal((await lab.hostExec(first, HOLD)).code, 0);
      const run = deploy();
      await waitFor(`${first} deploy under way`, async () => (await lab.hostExec(first, LOCKED)).code === 0, { timeoutMs: 30_000, intervalMs: 20 });
      const pids = await sshdPids(first);
      assert.ok(pids.length >= 2, `${first}: the listener and the deploy's session (${pids.join(' ')})`);
      assert.equal((await lab.hostExec(first, `kill ${pids.join(' ')}`)).code, 0);
      // The cut has landed once every one of them is gone; only then may the script go on, and it
      // must still be running (held): the session died under it, not after it.
      // (A zombie counts as gone: its socket closed when it exited.)
      const gone = `for p in ${pids.join(' ')}; do s=$(sed 's/.*) //' /proc/$p/stat 2>/dev/null | cut -c1); [ -z "$s" ] || [ "$s" = Z ] || exit 1; done`;
      await waitFor(`${first}'s sshd gone`, async () => (await lab.hostExec(first, gone)).code === 0, { timeoutMs: 10_000, intervalMs: 20 });
      assert.equal((await lab.hostExec(first, LOCKED)).code, 0, `the cut landed while ${first}'s script ran`);
      assert.equal((await lab.hostExec(first, RELEASE)).code, 0);
      const r = await run;
      assert.equal(r.code, 4, r.stderr);
      const st = statusOf(r.doc);
      assert.equal(st[first], 'unreachable');
      assert.equal(st[holder], 'changed', 'the other director finished');
      // The script left the session and ran to its end on its own: a whole file, nothing left over.
      await waitFor(`${first} script finished`, async () => (await lab.hostExec(first, LOCKED)).code !== 0, { timeoutMs: 30_000 });
      assert.equal(await leftovers(first), '');
      const nowKa = await sha(first, KA);
      const record = JSON.parse((await lab.hostExec(first, 'cat /var/lib/hafleet/last-deploy.json')).stdout);
      assert.equal(nowKa, record.files.find((f: any) => f.path === KA).sha256, 'a whole file, matching the record (new, or old after a rollback)');
      assert.ok(nowKa !== oldKa || record.planId !== r.doc.plan.id);
      await restartSshd();
      const again = await deploy();
      assert.equal(again.code, 0, again.stderr);
      const third = await deploy();
      assert.equal(third.code, 0, third.stderr);
      assert.deepEqual(statusOf(third.doc), { lb1: 'ok', lb2: 'ok', web1: 'ok', web2: 'ok' });
    } finally {
      await lab.hostExec(first, `${RELEASE} 2>/dev/null; true`);
      const mine = await sshdPids(first);
      if (mine.length) await lab.hostExec(first, `kill ${mine.join(' ')}`);
    }
  });
  it('a realserver only checked (nginx mode) still loses the files an earlier lvs-dr deploy placed there', async () => {
    const path = '/etc/sysctl.d/90-hafleet-arp.conf';
    const body = 'net.ipv4.conf.all.arp_ignore = 1\n';
    const sha = createHash('sha256').update(body).digest('hex');
    const record = JSON.stringify({ at: '2026-12-01T00:00:00Z', by: 'op@admin', planId: 'earlier', files: [{ path, sha256: sha }] });
    await lab.hostExec('web1', `printf %s '${body.replace(/\n/g, '\\n')}' > ${path} && mkdir -p /var/lib/hafleet && printf '%s' '${record}' > /var/lib/hafleet/last-deploy.json`);
    const p = await lab.hafleet(['plan', '-i', lab.inventoryPath, '--limit', 'web1,web2', '--json'], { timeoutMs: 60_000 });
    const plan = JSON.parse(p.stdout) as { hosts: { host: string; changes: { kind: string; path: string }[]; checkedOnly?: unknown }[] };
    const web1 = plan.hosts.find((h) => h.host === 'web1')!;
    const web2 = plan.hosts.find((h) => h.host === 'web2')!;
    assert.deepEqual(web1.changes.map((c) => [c.kind, c.path]), [['delete', path]], 'the record named it: read in full, removal planned');
    assert.equal(web1.checkedOnly, undefined, 'a host with something to remove is read in full');
    assert.deepEqual(web2.checkedOnly, { read: 'deploy-record', why: 'role realserver renders no file on this host' });
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--limit', 'web1', '--yes'], { timeoutMs: 60_000 });
    assert.equal(d.code, 0, d.stderr);
    assert.equal((await lab.hostExec('web1', `test -e ${path} && echo present || echo gone`)).stdout.trim(), 'gone');
  });
});
