/**
 * Realserver maintenance in nginx mode on a 2+2 keepalived lab: `hafleet maintenance web1 on`
 * while 3 s downloads run through the VIP — they complete (the directors' old nginx workers finish
 * them after the graceful reload), new requests all go to web2, none fails; a later deploy keeps
 * web1 `down` (the flag is read from web1); `off` brings it back. Figures are printed, not asserted
 * against a clock. The LVS side (weight 0) is checked by keepalived -t in the render unit tests:
 * this kernel has no ip_vs.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';
import { DRAINING_SCRIPT, drainingCount } from '../../src/ops/index.js';

let lab: TestLab;
const NGINX = (_lab: TestLab) => '/etc/nginx/conf.d/hafleet-web.conf';

/** The backend site with a slow location: 400 kB at 100 kB/s (about 3 s), saying who served it. */
const slowSite = (host: string) => `server {
\tlisten 80 default_server;
\tdefault_type text/plain;
\tlocation = /health { return 200 "ok\\n"; }
\tlocation = /slow { alias /tmp/hafleet-slow.bin; limit_rate 100k; add_header X-Served-By ${host} always; }
\tlocation / { return 200 "${host}\\n"; }
}
`;

/** The PIDs of the nginx worker processes of `host`'s own network namespace (the lab shares one PID space). */
async function workers(host: string): Promise<string[]> {
  const r = await lab.hostExec(host, `for d in /proc/[0-9]*; do { IFS= read -r c < "$d/comm"; } 2>/dev/null || continue; [ "$c" = nginx ] || continue; [ "$d/ns/net" -ef /proc/self/ns/net ] || continue; case "$(tr '\\0' ' ' < "$d/cmdline" 2>/dev/null)" in *'worker process'*) echo "\${d#/proc/}";; esac; done`);
  return r.stdout.split('\n').filter(Boolean);
}

async function hits(n: number): Promise<string[]> {
  const r = await lab.adminExec('sh', ['-c', `i=0; while [ $i -lt ${n} ]; do curl -s --max-time 3 http://${lab.vip}/ || echo FAIL; i=$((i+1)); done`], { timeoutMs: 60_000 });
  return r.stdout.split('\n').filter(Boolean);
}

describe('hafleet maintenance on a realserver (nginx mode)', { timeout: 900_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 2 });
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(d.code, 0, d.stderr);
    await lab.waitForVipHolder('lb1', { timeoutMs: 20_000 });
    const oldWorkers = new Map<string, string[]>();
    for (const h of ['web1', 'web2']) {
      oldWorkers.set(h, await workers(h));
      assert.ok(oldWorkers.get(h)!.length > 0, `${h}: its nginx workers are listed`);
      const r = await lab.hostExec(h, `head -c 400000 /dev/zero > /tmp/hafleet-slow.bin && chmod 0644 /tmp/hafleet-slow.bin && cat > /etc/nginx/sites-enabled/hafleet-lab-backend <<'EOF'\n${slowSite(h)}EOF\nnginx -t 2>&1 && nginx -s reload`);
      assert.equal(r.code, 0, r.stdout + r.stderr);
    }
    // nginx -s reload returns before the new workers answer: wait until each serves /slow.
    for (const h of ['web1', 'web2']) {
      await waitFor(`${h} serves /slow`, async () => /x-served-by/i.test((await lab.hostExec(h, 'curl -sI --max-time 2 http://127.0.0.1/slow')).stdout), { timeoutMs: 10_000 });
      // …and every worker from before the reload is gone: until its master tells it to quit, an
      // old worker still accepts (and answers with the old site, no /slow) — "none draining"
      // alone also holds in that moment (a CI run saw all six downloads answered so).
      await waitFor(`${h}'s old nginx workers gone`, async () => {
        const now = await workers(h);
        return now.length > 0 && !now.some((p) => oldWorkers.get(h)!.includes(p)) && drainingCount((await lab.hostExec(h, DRAINING_SCRIPT)).stdout) === 0;
      }, { timeoutMs: 30_000 });
    }
  });
  after(async () => {
    await lab?.down();
  });

  it('on: long downloads through the VIP complete, new requests go to web2, 0 failed; deploy keeps it; off brings web1 back', async (t) => {
    const conf = NGINX(lab);
    const stop = '/tmp/hafleet-rs-maint-stop';
    await lab.adminExec('rm', ['-f', stop]);
    // Short requests through the VIP the whole time.
    const loop = lab.adminExec('sh', ['-c', `n=0; f=0; while [ ! -e ${stop} ] && [ $n -lt 4000 ]; do c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 http://${lab.vip}/); n=$((n+1)); case $c in 2*) ;; *) f=$((f+1)); echo "fail $c at $(date +%s.%N)";; esac; sleep 0.05; done; echo "sent $n failed $f"`], { timeoutMs: 900_000 });
    // Six 3 s downloads at once: round robin sends some of them to web1.
    const long = lab.adminExec('sh', ['-c', `d=$(mktemp -d); for i in 1 2 3 4 5 6; do curl -s -o /dev/null -D $d/h$i --max-time 20 -w "slow %{http_code} %{size_download} %{time_total}\\n" http://${lab.vip}/slow > $d/s$i & done; wait; for i in 1 2 3 4 5 6; do echo "$(cat $d/s$i) $(grep -i '^x-served-by' $d/h$i | tr -d '\\r')"; done; rm -rf "$d"`], { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 300)); // the downloads are under way (curl has connected) before the drain starts
    const on = await lab.hafleetJson(['maintenance', 'web1', 'on', '-i', lab.inventoryPath, '--json', '--yes'], { timeoutMs: 180_000 });
    assert.equal(on.code, 0, `${JSON.stringify(on.doc)} ${on.stderr.slice(-2000)}`);
    assert.equal(on.doc.role, 'realserver');
    assert.deepEqual([...on.doc.reloaded].sort(), ['lb1', 'lb2']);
    const downloads = (await long).stdout.split('\n').filter(Boolean);
    t.diagnostic(`long downloads: ${downloads.join(' | ')}; drained ${on.doc.drainMs} ms after the reloads began`);
    assert.equal(downloads.length, 6);
    for (const d of downloads) assert.match(d, /^slow 200 400000 /, `every long download completes whole: ${d}`);
    assert.ok(downloads.some((d) => /x-served-by: web1/i.test(d)), `a long download was on web1 when it was drained: ${downloads.join(' | ')}`);
    assert.notEqual(on.doc.drainMs, null, 'hafleet waited for the old workers to finish');
    for (const lb of ['lb1', 'lb2']) assert.match((await lab.hostExec(lb, `cat ${conf}`)).stdout, /server \S+:80 [^;]* down;/);
    assert.deepEqual([...new Set(await hits(20))], ['web2'], 'new requests go to web2 only');
    assert.equal((await lab.hostExec('web1', 'cat /var/lib/hafleet/maintenance')).stdout.trim(), '1', 'the state is on web1');

    // deploy (and plan) read the flag from web1: nothing to change, web1 stays down.
    const plan = await lab.hafleetJson(['plan', '-i', lab.inventoryPath, '--json'], { timeoutMs: 180_000 });
    assert.equal(plan.code, 0, plan.stderr.slice(-2000));
    assert.equal(plan.doc.summary.filesToChange, 0, `plan keeps web1 down: ${JSON.stringify(plan.doc.summary)}`);
    assert.deepEqual(plan.doc.maintenance, [{ host: 'web1', role: 'realserver' }], 'plan shows the drained realserver');
    const dep = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes', '--limit', 'lb*'], { timeoutMs: 180_000 });
    assert.equal(dep.code, 0, dep.stderr.slice(-2000));
    for (const lb of ['lb1', 'lb2']) assert.match((await lab.hostExec(lb, `cat ${conf}`)).stdout, / down;/, `deploy --limit lb* keeps web1 down on ${lb}`);
    assert.deepEqual([...new Set(await hits(10))], ['web2']);

    const off = await lab.hafleetJson(['maintenance', 'web1', 'off', '-i', lab.inventoryPath, '--json', '--yes'], { timeoutMs: 180_000 });
    assert.equal(off.code, 0, `${JSON.stringify(off.doc)} ${off.stderr.slice(-2000)}`);
    for (const lb of ['lb1', 'lb2']) assert.doesNotMatch((await lab.hostExec(lb, `cat ${conf}`)).stdout, / down;/);
    assert.deepEqual([...new Set(await hits(20))].sort(), ['web1', 'web2'], 'web1 serves again');

    await lab.adminExec('touch', [stop]);
    const traffic = (await loop).stdout;
    t.diagnostic(`short requests through the VIP during on, plan, deploy, off: ${traffic.trim().split('\n').pop()}`);
    assert.match(traffic, /sent \d+ failed 0$/m, traffic);
  });

  it('refuses to drain the last realserver in service', async () => {
    const on = await lab.hafleetJson(['maintenance', 'web1', 'on', '-i', lab.inventoryPath, '--json', '--yes'], { timeoutMs: 180_000 });
    assert.equal(on.code, 0, on.stderr.slice(-1500));
    const last = await lab.hafleetJson(['maintenance', 'web2', 'on', '-i', lab.inventoryPath, '--json', '--yes'], { timeoutMs: 180_000 });
    assert.equal(last.code, 1, last.stderr);
    assert.equal(last.doc.refused[0].code, 'last-realserver');
    assert.equal((await lab.hostExec('web2', 'cat /var/lib/hafleet/maintenance 2>/dev/null || echo none')).stdout.trim(), 'none', 'nothing written');
    const off = await lab.hafleetJson(['maintenance', 'web1', 'off', '-i', lab.inventoryPath, '--json', '--yes'], { timeoutMs: 180_000 });
    assert.equal(off.code, 0, off.stderr.slice(-1500));
  });
});
