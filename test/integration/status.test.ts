/**
 * hafleet status against a real 2+2 lab, as a person uses it: `status --json` names the holder;
 * `status --watch 1` runs under tmux in the lab's admin namespace and the pane is read as a
 * person reads it (the VIP, the holder, MASTER/BACKUP); a drill fault stops the holder's
 * keepalived and the new holder shows in the pane within 3 s of the VIP moving; q quits and the
 * terminal comes back. One lab, steps in order.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labCommand } from '../../src/lab/index.js';
import { shellQuote } from '../../src/transport/index.js';
import { faultScript } from '../../src/drill/index.js';
import { REPO_ROOT, startLab, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';

let lab: TestLab;
/** The lab's VRRP instance name, as the first --json names it. */
let labInstance = '';
const SOCKET = `hf-status-${process.pid}`;
const SESSION = 'status';

function tmux(...args: string[]) {
  return spawnSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}
const pane = () => tmux('capture-pane', '-p', '-t', SESSION).stdout;
const paneVar = (v: string) => tmux('display-message', '-p', '-t', SESSION, `#{${v}}`).stdout.trim();
/** The member row of `host` in the pane: `  lb1   MASTER …` (the marker column first). */
const memberRow = (text: string, host: string) => text.split('\n').find((l) => new RegExp(`^[* ]\\s+${host}\\s+(MASTER|BACKUP|FAULT|STOP|INIT|UNKNOWN|UNREACHABLE)`).test(l));

describe('hafleet status on a 2+2 lab', { timeout: 600_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 2 });
    const d = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(d.code, 0, d.stderr);
    await lab.waitForVipHolder('lb1', { timeoutMs: 20_000 });
  });
  after(async () => {
    tmux('kill-server');
    await lab?.down();
  });

  it('--json names the holder of every VIP, members, drift and the probe', async (t) => {
    const t0 = performance.now();
    const r = await lab.hafleetJson(['status', '-i', lab.inventoryPath, '--json'], { timeoutMs: 60_000 });
    t.diagnostic(`status --json over ${lab.hosts.length} hosts: ${Math.round(performance.now() - t0)} ms (process start included)`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const v = r.doc.vips.find((x: any) => x.vip === lab.vip);
    assert.deepEqual({ holder: v.holder, holders: v.holders, cluster: typeof v.cluster, instance: typeof v.instance }, { holder: 'lb1', holders: ['lb1'], cluster: 'string', instance: 'string' });
    assert.ok(v.probe?.ok, `probe through ${lab.vip}: ${JSON.stringify(v.probe)}`);
    const inst = r.doc.clusters[0].instances[0];
    labInstance = inst.instance;
    const states = Object.fromEntries(inst.members.map((m: any) => [m.host, m.state]));
    assert.deepEqual(states, { lb1: 'MASTER', lb2: 'BACKUP' });
    assert.ok(inst.members.every((m: any) => typeof m.effectivePriority === 'number'), JSON.stringify(inst.members));
    assert.deepEqual(r.doc.drift, []);
    assert.equal(JSON.stringify(r.doc).includes('auth_pass'), false);
    // keepalived's own dump: hafleet's switchover and maintenance files, tracked, at 0.
    const files = (m: any) => m.tracks.filter((x: any) => x.kind === 'file').map((x: any) => `${x.name}=${x.value} ${x.ok}`);
    assert.deepEqual(files(inst.members[0]), ['hafleet_maintenance=0 true', `hafleet_move_${inst.instance}=0 true`]);
    t.diagnostic(`lb1: ${JSON.stringify(inst.members[0])}`);

    // web2's key "changed": its known_hosts line carries web1's key. Shown refused, never accepted.
    const known = lab.state.knownHosts;
    const original = readFileSync(known, 'utf8');
    const lines = original.split('\n');
    const addr = (h: string) => lab.hosts.find((x) => x.name === h)!.address;
    const web1Key = lines.find((l) => l.startsWith(`${addr('web1')} `))!.split(' ').slice(1).join(' ');
    writeFileSync(known, lines.map((l) => (l.startsWith(`${addr('web2')} `) ? `${addr('web2')} ${web1Key}` : l)).join('\n'));
    try {
      const k = await lab.hafleetJson(['status', '-i', lab.inventoryPath, '--json'], { timeoutMs: 60_000 });
      assert.equal(k.code, 4, 'only a host unreadable: exit 4');
      assert.deepEqual(k.doc.unreachable.map((u: any) => [u.host, u.failure]), [['web2', 'refused']]);
      assert.match(k.doc.unreachable[0].error, /^refused: /);
      assert.equal(k.doc.vips.find((x: any) => x.vip === lab.vip).holder, 'lb1', 'the rest of the view is whole');
      assert.equal(readFileSync(known, 'utf8').split('\n').filter((l) => l.startsWith(`${addr('web2')} `)).length, 1, 'the changed key was not added');
    } finally {
      writeFileSync(known, original);
    }
  });

  it('--watch under tmux shows the holder, follows a failover within 3 s and quits on q', async (t) => {
    const c = labCommand(lab.state, undefined, [process.execPath, '--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'status', '-i', lab.inventoryPath, '--watch', '1']);
    assert.ok(c.ok);
    // The shell records the watch's exit status and keeps the pane open: reading it from tmux's
    // remain-on-exit raced with the server exiting once (the pane gone, nothing left to read).
    const exitFile = join(tmpdir(), `hf-status-exit-${process.pid}`);
    rmSync(exitFile, { force: true });
    const cmd = `cd ${shellQuote(REPO_ROOT)} && ${[c.value.cmd, ...c.value.args].map(shellQuote).join(' ')}; echo "$?" > ${shellQuote(exitFile)}; exec sleep 600`;
    const s = tmux('new-session', '-d', '-s', SESSION, '-x', '160', '-y', '50', cmd);
    assert.equal(s.status, 0, s.stderr);
    const first = await waitFor('the holder in the pane', () => {
      const p = pane();
      return memberRow(p, 'lb1')?.includes('MASTER') && memberRow(p, 'lb2')?.includes('BACKUP') && p.includes(lab.vip) && p;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    t.diagnostic(`first frame:\n${first.trimEnd()}`);
    assert.match(first, new RegExp(`VIP ${lab.vip.replace(/\./g, '\\.')}\\s+holder lb1`));
    assert.equal(paneVar('alternate_on'), '1', 'the watch draws on the alternate screen');

    const stop = await lab.hostExec('lb1', faultScript('stop-keepalived', { engine: 'keepalived' }), { timeoutMs: 30_000 });
    assert.equal(stop.code, 0, stop.stdout + stop.stderr);
    await lab.waitForVipHolder('lb2', { timeoutMs: 20_000 });
    const moved = performance.now();
    const after = await waitFor('lb2 as the holder in the pane', () => {
      const p = pane();
      return new RegExp(`VIP ${lab.vip.replace(/\./g, '\\.')}\\s+holder lb2`).test(p) && memberRow(p, 'lb2')?.includes('MASTER') && p;
    }, { timeoutMs: 3000, intervalMs: 100 });
    t.diagnostic(`new holder in the pane ${Math.round(performance.now() - moved)} ms after the VIP moved`);
    t.diagnostic(`after the fault:\n${after.trimEnd()}`);
    assert.ok(after.split('\n').some((l) => l.startsWith('*') && l.includes('holder lb2')), 'the changed VIP row is marked');
    const stopped = await waitFor('lb1 shown stopped', () => {
      const row = memberRow(pane(), 'lb1');
      return row && /lb1\s+STOP\b.*speaker not running/.test(row) && row;
    }, { timeoutMs: 5000, intervalMs: 100 });
    t.diagnostic(`lb1: ${stopped.trim()}`);
    assert.match(memberRow(pane(), 'lb2') ?? '', /BACKUP→MASTER \d\d:\d\d:\d\d \(lb1 left MASTER \(STOP\)\)/, 'the takeover shows its time and cause');
    // The pane with its colours, for the README's picture of the terminal view (status-terminal-shot.ts draws it).
    mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(join(REPO_ROOT, 'test-artifacts', 'status-watch.ansi'), tmux('capture-pane', '-p', '-e', '-t', SESSION).stdout);
    assert.match(stopped, /MASTER→STOP \d\d:\d\d:\d\d \(speaker stopped \(shutdown\)\)/, 'the stop shows its cause');

    tmux('send-keys', '-t', SESSION, 'q');
    const q0 = performance.now();
    const ended = await waitFor('the watch to exit', () => (existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() || undefined : undefined), { timeoutMs: 10_000, intervalMs: 100 });
    t.diagnostic(`after q: exit ${ended} in ${Math.round(performance.now() - q0)} ms; pane:\n${pane().trimEnd()}`);
    rmSync(exitFile, { force: true });
    assert.equal(ended, '0', 'exit 0 on q');
    assert.equal(paneVar('alternate_on'), '0', 'the alternate screen was left');
    assert.ok(!pane().includes('hafleet status'), 'the frame went with the alternate screen: the terminal shows what it showed before');
    // Back to service for whatever follows.
    const start = await lab.hostExec('lb1', 'keepalived', { timeoutMs: 30_000 });
    assert.equal(start.code, 0, start.stderr);
  });

  it('a switchover shows as hafleet\'s move file at -254 and is the cause of the FAULT; the takeover names it', async (t) => {
    await lab.waitForVipHolder('lb1', { timeoutMs: 30_000 });
    const instance = labInstance;
    const move = await lab.hostExec('lb1', faultScript('switchover', { instance }), { timeoutMs: 30_000 });
    assert.equal(move.code, 0, move.stdout + move.stderr);
    try {
      await lab.waitForVipHolder('lb2', { timeoutMs: 20_000 });
      const r = await lab.hafleetJson(['status', '-i', lab.inventoryPath, '--json'], { timeoutMs: 60_000 });
      const [lb1, lb2] = r.doc.clusters[0].instances[0].members;
      t.diagnostic(`lb1: ${JSON.stringify({ state: lb1.state, tracks: lb1.tracks, last: lb1.lastTransition })}`);
      t.diagnostic(`lb2: ${JSON.stringify({ state: lb2.state, last: lb2.lastTransition })}`);
      assert.equal(lb1.state, 'FAULT');
      assert.deepEqual(lb1.tracks.find((x: any) => x.name === `hafleet_move_${instance}`), { kind: 'file', name: `hafleet_move_${instance}`, ok: false, weight: 1, value: -254, path: `/var/lib/hafleet/vrrp-move-${instance}` });
      assert.equal(lb1.lastTransition.reason, `hafleet switchover: hafleet_move_${instance}=-254`);
      assert.equal(lb2.lastTransition.reason, 'lb1 left MASTER (FAULT)');
    } finally {
      const back = await lab.hostExec('lb1', `printf '0\\n' > ${shellQuote(`/var/lib/hafleet/vrrp-move-${instance}`)}`, { timeoutMs: 30_000 });
      assert.equal(back.code, 0, back.stderr);
    }
  });
});
