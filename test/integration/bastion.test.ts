/**
 * A fleet behind a bastion (`lab up` with `bastion`): SSH from the admin namespace reaches only
 * the bastion (nftables there; verify's HTTP probes still go straight, as a client's would), the inventory says `-o ProxyJump=root@bastion` the Ansible way.
 * plan, deploy and verify must go through it on ONE TCP connection from the admin namespace
 * (every host a channel of it), with the bastion's and each host's key checked.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labCommand, labDown, labUp, run, type LabState } from '../../src/lab/index.js';
import { REPO_ROOT, uniqueLabName } from './support/lab.js';

const CLI = join(REPO_ROOT, 'src', 'cli', 'main.ts');

describe('a fleet behind one bastion', { concurrency: false }, () => {
  let s: LabState;
  const inNs = (host: string | undefined, argv: string[], input?: string) => {
    const c = labCommand(s, host, argv);
    if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
    return run(c.value.cmd, c.value.args, { cwd: REPO_ROOT, timeoutMs: 240_000, ...(input !== undefined ? { input } : {}) });
  };
  /**
   * The command in the admin namespace while ss samples its established TCP connections to
   * port 22 every 20 ms: the most at once and every peer seen.
   */
  const watched = async (args: string[]) => {
    const cmd = [process.execPath, '--import', 'tsx', CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const script = `out=$(mktemp) || exit 1
${cmd} >"$out" 2>&1 & p=$!
max=0; peers=''
while kill -0 $p 2>/dev/null; do
  now=$(ss -Htn state established '( dport = :22 )' | awk '{print $4}')
  n=$(printf '%s' "$now" | grep -c . || true)
  [ "$n" -gt "$max" ] && max=$n
  peers="$peers $now"
  sleep 0.02
done
wait $p; rc=$?
echo "rc=$rc max=$max"
echo "peers=$(printf '%s\\n' $peers | sort -u | tr '\\n' ' ')"
cat "$out"; rm -f "$out"`;
    const r = await inNs(undefined, ['sh', '-c', script]);
    const rc = Number(/^rc=(\d+)/m.exec(r.stdout)?.[1]);
    const max = Number(/ max=(\d+)/.exec(r.stdout)?.[1]);
    const peers = (/^peers=(.*)$/m.exec(r.stdout)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
    return { rc, max, peers, out: r.stdout };
  };

  before(async () => {
    const r = await labUp({ name: uniqueLabName(), directors: 2, realservers: 10, bastion: true, ownerPid: process.pid });
    assert.ok(r.ok, JSON.stringify(r.diagnostics));
    s = r.value;
  });
  after(async () => {
    if (s) await labDown(s.name);
  });

  it('SSH from the admin namespace reaches the bastion only; the bastion reaches the fleet', async () => {
    const lb1 = s.hosts.find((h) => h.name === 'lb1')!;
    const direct = await inNs(undefined, ['timeout', '3', 'bash', '-c', `echo > /dev/tcp/${lb1.address}/22`]);
    assert.notEqual(direct.code, 0, 'a direct connection from the admin namespace to a fleet host must fail');
    const viaBastion = await inNs('bastion', ['timeout', '3', 'bash', '-c', `echo > /dev/tcp/${lb1.address}/22`]);
    assert.equal(viaBastion.code, 0, viaBastion.stderr);
    const toBastion = await inNs(undefined, ['timeout', '3', 'bash', '-c', `echo > /dev/tcp/${s.bastion!.address}/22`]);
    assert.equal(toBastion.code, 0, toBastion.stderr);
    assert.match(readFileSync(join(s.inventory, '..', 'group_vars', 'all.yml'), 'utf8'), new RegExp(`ansible_ssh_common_args: -o ProxyJump=root@${s.bastion!.address.replace(/\./g, '\\.')}`));
  });

  it('plan, deploy and verify of 12 hosts through the bastion, each on one TCP connection from the admin namespace', async () => {
    const bastion = `${s.bastion!.address}:22`;
    const rejected = async () => Number(/counter packets (\d+) /.exec((await inNs(undefined, ['nft', 'list', 'table', 'ip', 'hafleet_lab'])).stdout)?.[1]);
    const before = await rejected();
    for (const args of [['plan', '-i', s.inventory], ['deploy', '-i', s.inventory, '--yes'], ['verify', '-i', s.inventory], ['plan', '-i', s.inventory, '--detailed-exitcode']]) {
      const t0 = performance.now();
      const w = await watched(args);
      console.log(`# ${args[0]} through the bastion: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${w.max} TCP connection(s) at most`);
      assert.equal(w.rc, 0, `${args[0]}: ${w.out}`);
      assert.equal(w.max, 1, `${args[0]}: ${w.max} TCP connections at once: ${w.peers.join(' ')}`);
      assert.deepEqual(w.peers, [bastion], `${args[0]}: connections went to ${w.peers.join(' ')}`);
    }
    // Nothing tried to go around the bastion: the admin namespace's reject rule saw no new packet.
    assert.equal(await rejected(), before);
  });

  it("a changed bastion key is refused before anything is sent, naming the jump host; a fleet host's key is checked too", async () => {
    const kh = readFileSync(s.knownHosts, 'utf8').split('\n');
    const line = (addr: string) => kh.findIndex((l) => l.startsWith(`${addr} `));
    const b = line(s.bastion!.address);
    const w = line(s.hosts[0]!.address);
    assert.ok(b >= 0 && w >= 0);
    const key = (i: number) => kh[i]!.split(' ').slice(1).join(' ');
    const original = kh.join('\n');
    try {
      // The bastion presents its own key, but known_hosts says lb1's: refused.
      writeFileSync(s.knownHosts, kh.map((l, i) => (i === b ? `${s.bastion!.address} ${key(w)}` : l)).join('\n'));
      const bad = await watched(['plan', '-i', s.inventory, '--limit', 'lb1']);
      assert.equal(bad.rc, 1, bad.out);
      assert.match(bad.out, /lb1: failed: jump host 198\.18\.\d+\.5 \(for lb1\).*HOST KEY CHANGED.*nothing was sent/);
      // lb1 presents its key through the (good) bastion, but known_hosts says the bastion's: refused.
      writeFileSync(s.knownHosts, kh.map((l, i) => (i === w ? `${s.hosts[0]!.address} ${key(b)}` : l)).join('\n'));
      const bad2 = await watched(['plan', '-i', s.inventory, '--limit', 'lb1']);
      assert.equal(bad2.rc, 1, bad2.out);
      assert.match(bad2.out, /lb1: failed: .*HOST KEY CHANGED.*nothing was sent/);
      assert.doesNotMatch(bad2.out, /jump host/);
    } finally {
      writeFileSync(s.knownHosts, original);
    }
  });
});
