/**
 * 500 hosts behind one bastion (issue 17 part 2): for each N (2 directors + N−2 realservers),
 * `hafleet lab up --bastion`, then in the lab's admin namespace, where SSH reaches only the
 * bastion: plan (fresh), deploy, plan again, plan --contact-all (every realserver asked, as LVS-DR
 * mode must), verify — each under /usr/bin/time (wall, max RSS)
 * while ss samples, every 20 ms, the TCP connections the admin namespace has open (port 22: to
 * whom; any port: the most at once). Then `lab down`. Memory per lab host is the sum of RSS and
 * PSS of the processes in the hosts' namespaces (init, sshd, backend nginx; daemons after deploy).
 * Goals: plan ≤ 10 s at 500, cost linear in hosts, controller max RSS ≤ 300 MiB, one TCP
 * connection (to the bastion). Prints one table; figures go to bench/results/issue17-scale.md.
 *
 * Run (root, after `make build`: the commands run the built CLI, the bundle, as a user would):
 *   node --import tsx bench/scale.bench.ts [N…]     # default 10 100 500
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labCommand, labDown, pidsByNetns, pssKb, readState, rssKb, run, type LabState } from '../src/lab/index.js';
import { REPO_ROOT } from '../src/lab/inventory-files.js';

// What `bin` runs (package.json): the bundle, as a user's `hafleet` would.
const CLI = join(REPO_ROOT, 'dist', 'bundle', 'hafleet.mjs');
const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n >= 3);
const Ns = sizes.length ? sizes : [10, 100, 500];

const sh = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

interface Step { wallS: number; maxRssMiB: number; rc: number; tcpMax: number; sshPeers: string[]; tail: string }

/** One command in the admin namespace under /usr/bin/time, with ss sampling beside it. */
async function step(s: LabState, args: string[]): Promise<Step> {
  const cmd = ['/usr/bin/time', '-f', 'TIME %e %M', process.execPath, CLI, ...args].map(sh).join(' ');
  // mktemp, not a name of our own in /tmp: this runs as root, and a name known in advance can be planted.
  const script = `out=$(mktemp) || exit 1
${cmd} >"$out" 2>&1 & p=$!
max=0; peers=''
while kill -0 $p 2>/dev/null; do
  n=$(ss -Htn state established | grep -c . || true)
  [ "$n" -gt "$max" ] && max=$n
  peers="$peers $(ss -Htn state established '( dport = :22 )' | awk '{print $4}')"
  sleep 0.02
done
wait $p; rc=$?
echo "rc=$rc max=$max"
echo "peers=$(printf '%s\\n' $peers | sort -u | tr '\\n' ' ')"
tail -n 40 "$out"; rm -f "$out"`;
  const c = labCommand(s, undefined, ['sh', '-c', script]);
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  const r = await run(c.value.cmd, c.value.args, { timeoutMs: 900_000 });
  const time = /^TIME ([\d.]+) (\d+)$/m.exec(r.stdout);
  return {
    wallS: Number(time?.[1] ?? NaN), maxRssMiB: Number(time?.[2] ?? NaN) / 1024,
    rc: Number(/^rc=(\d+)/m.exec(r.stdout)?.[1] ?? NaN), tcpMax: Number(/ max=(\d+)/.exec(r.stdout)?.[1] ?? NaN),
    sshPeers: (/^peers=(.*)$/m.exec(r.stdout)?.[1] ?? '').trim().split(/\s+/).filter(Boolean),
    tail: r.stdout.split('\n').filter((l) => !/^TIME /.test(l)).slice(-6).join('\n'),
  };
}

async function memory(s: LabState): Promise<{ processes: number; rssKb: number; pssKb: number }> {
  const pids = [...(await pidsByNetns(s.hosts.map((h) => h.netns))).values()].flat();
  const [rss, pss] = await Promise.all([Promise.all(pids.map(rssKb)), Promise.all(pids.map(pssKb))]);
  return { processes: pids.length, rssKb: rss.reduce((a, b) => a + b, 0), pssKb: pss.reduce((a, b) => a + b, 0) };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '?');
const rows: string[] = [];
let failed = false;

for (const N of Ns) {
  const name = `sc${process.pid % 10000}`.slice(0, 8);
  const loadBefore = load();
  const t0 = performance.now();
  const up = await run(process.execPath, [CLI, 'lab', 'up', '--name', name, '--directors', '2', '--realservers', String(N - 2), '--bastion'], { timeoutMs: 900_000 });
  const upS = (performance.now() - t0) / 1000;
  const s = await readState(name);
  if (up.code !== 0 || !s) {
    console.error(`N=${N}: lab up failed (${up.code}): ${up.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    await labDown(name);
    failed = true;
    break;
  }
  const memUp = await memory(s);
  const inv = ['-i', s.inventory];
  const plan = await step(s, ['plan', ...inv]);
  const deploy = await step(s, ['deploy', ...inv, '--yes']);
  const again = await step(s, ['plan', ...inv]);
  // Every host asked, as in LVS-DR mode (realservers render files) or with --contact-all: what
  // each host costs when it must be contacted.
  const all = await step(s, ['plan', ...inv, '--contact-all']);
  const verify = await step(s, ['verify', ...inv]);
  const memDeployed = await memory(s);
  const loadAfter = load();
  const t1 = performance.now();
  const down = await labDown(name);
  const downS = (performance.now() - t1) / 1000;
  const steps = { plan, deploy, again, all, verify };
  for (const [k, v] of Object.entries(steps)) {
    if (v.rc !== 0) {
      failed = true;
      console.error(`N=${N} ${k}: rc ${v.rc}\n${v.tail}`);
    }
  }
  const peers = [...new Set(Object.values(steps).flatMap((v) => v.sshPeers))];
  const tcp = Math.max(...Object.values(steps).map((v) => v.tcpMax));
  const rss = Math.max(...Object.values(steps).map((v) => v.maxRssMiB));
  const perHost = (m: { rssKb: number; pssKb: number }) => `${f(m.rssKb / N / 1024, 2)}/${f(m.pssKb / N / 1024, 2)}`;
  rows.push(`| ${N} | ${f(upS)} s | ${f(downS)} s${down.remaining.length ? ' (left: ' + down.remaining.length + ')' : ''} | ${perHost(memUp)} | ${perHost(memDeployed)} | ` +
    `${f(plan.wallS, 2)} s | ${f(deploy.wallS, 2)} s | ${f(again.wallS, 2)} s | ${f(all.wallS, 2)} s | ${f(verify.wallS, 2)} s${verify.rc ? ' (rc ' + verify.rc + ')' : ''} | ${f(rss, 0)} MiB | ` +
    `${tcp} (${peers.join(' ') || 'none'}) | ${loadBefore} → ${loadAfter} |`);
  console.error(`N=${N} done: ${rows.at(-1)}`);
}

console.log('| hosts | lab up | lab down | MiB per host up (RSS/PSS) | MiB per host deployed (RSS/PSS) | plan (fresh) | deploy | plan again | plan --contact-all | verify | controller max RSS | most TCP conns at once (SSH peers) | load 1/5/15 before → after |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
process.exitCode = failed ? 1 : 0;
