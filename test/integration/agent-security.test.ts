/**
 * The agent is as strict as keepalived 2.2.7, shown side by side in namespaces of our own
 * (bench/vrrp-lab.ts): script security (an unsafe root script is refused by both, with the same
 * words), who scripts run as (script_user, `notify "…" USER`), the hafleet notify script writing
 * its log on an agent director, the agent under the systemd unit's capability set and as nobody
 * with only CAP_NET_RAW + CAP_NET_ADMIN (setpriv), and `-t` on a missing interface. Needs root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { VrrpLab, waitFor, sleep, type Node } from '../../bench/vrrp-lab.js';

const isRoot = process.getuid?.() === 0;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const VIP = '198.18.250.100';
const NOBODY = 65534;
/** The systemd unit's set (templates/director/hafleet-agent.service.hbs), as setpriv words. */
const UNIT_CAPS = 'net_raw,net_admin,setuid,setgid,kill,dac_read_search';

interface Agent {
  child: ChildProcess;
  status: string;
  log: () => string;
  exited: Promise<number | null>;
}

describe('agent: script security, script users, capabilities, -t (as keepalived)', { skip: isRoot ? false : 'needs root (network namespaces, raw sockets)', concurrency: false }, () => {
  let lab: VrrpLab;
  let dir: string;
  const agents: Agent[] = [];
  let seq = 0;

  /** A keepalived.conf: global_defs lines, vrrp_script blocks, and lines inside the instance. */
  const conf = (o: { priority: number; global?: string[]; scripts?: string[]; inst?: string[] }) => [
    'global_defs {', '    router_id hfsec', ...(o.global ?? []).map((l) => `    ${l}`), '}',
    ...(o.scripts ?? []),
    'vrrp_instance VI_1 {', '    state BACKUP', '    interface eth0', '    virtual_router_id 71', '    version 3', `    priority ${o.priority}`,
    '    advert_int 0.2', ...(o.inst ?? []).map((l) => `    ${l}`), '    virtual_ipaddress {', `        ${VIP}/24 dev eth0`, '    }', '}', '',
  ].join('\n');
  const trackConf = (script: string, global: string[], priority = 150) => conf({
    priority, global,
    scripts: ['vrrp_script chk {', `    script "${script}"`, '    interval 1', '}'],
    inst: ['track_script {', '    chk', '}'],
  });
  const write = (name: string, text: string, mode = 0o644) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text, { mode });
    fs.chmodSync(f, mode);
    return f;
  };

  /** The agent in a router's namespace, through setpriv when given its words. */
  const startAgent = (n: Node, file: string, priv: string[] = []): Agent => {
    const i = seq++;
    const status = path.join(dir, 'run', `agent-${n}-${i}.json`);
    const logFile = path.join(dir, `agent-${n}-${i}.log`);
    const pre = priv.length > 0 ? ['setpriv', ...priv, '--'] : [];
    const child = spawn('ip', ['netns', 'exec', lab.ns(n), ...pre, process.execPath, '--import', 'tsx', MAIN, 'agent', '-f', file, '--status-file', status], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = fs.openSync(logFile, 'a');
    child.stdout!.on('data', (d: Buffer) => fs.writeSync(out, d));
    child.stderr!.on('data', (d: Buffer) => fs.writeSync(out, d));
    const a: Agent = { child, status, log: () => fs.readFileSync(logFile, 'utf8'), exited: new Promise((r) => child.once('exit', (c) => r(c))) };
    agents.push(a);
    return a;
  };
  const ready = (a: Agent) => waitFor(() => fs.existsSync(a.status) || a.child.exitCode !== null, 30_000, 20, 'agent ready').then(() => {
    assert.ok(fs.existsSync(a.status), `the agent did not start:\n${a.log()}`);
  });
  const stopAll = async () => {
    for (const a of agents) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGTERM');
    await Promise.race([Promise.all(agents.map((a) => a.exited)), sleep(5000)]);
    for (const a of agents) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
    agents.length = 0;
    await lab.stopAll();
  };
  /** `agent -t` and `keepalived -t` on one file in a router's namespace. */
  const bothTest = (file: string) => {
    const a = spawnSync('ip', ['netns', 'exec', lab.ns('a'), process.execPath, '--import', 'tsx', MAIN, 'agent', '-t', '-f', file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const k = spawnSync('ip', ['netns', 'exec', lab.ns('a'), 'keepalived', '-t', '-n', '-l', '-f', file], { encoding: 'utf8' });
    return { agent: { code: a.status, err: a.stderr }, keepalived: { code: k.status, err: k.stderr } };
  };

  before(() => {
    lab = new VrrpLab('s');
    lab.up();
    dir = lab.dir;
    // Scripts of other users must reach their files: the lab dir is root's, 0755, under sticky /tmp.
    fs.chmodSync(dir, 0o755);
    fs.mkdirSync(path.join(dir, 'run'), { mode: 0o1777 });
    fs.chmodSync(path.join(dir, 'run'), 0o1777);
    fs.mkdirSync(path.join(dir, 'out'), { mode: 0o1777 });
    fs.chmodSync(path.join(dir, 'out'), 0o1777);
    write('fail.sh', '#!/bin/sh\nexit 1\n', 0o755);
    write('ww-fail.sh', '#!/bin/sh\nexit 1\n', 0o777);
    // Records who ran it: "<tag> uid gid groups args…".
    write('id.sh', `#!/bin/sh\ntag=$1; shift\necho "$tag $(id -u) $(id -g) $(id -G) $*" >> ${dir}/out/$tag\nexit 0\n`, 0o755);
    fs.mkdirSync(path.join(dir, 'nb'), { mode: 0o755 });
    fs.chownSync(path.join(dir, 'nb'), NOBODY, NOBODY);
    write('nb/fail.sh', '#!/bin/sh\nexit 1\n', 0o755);
  });
  after(async () => {
    await stopAll();
    await lab?.down();
  });

  test('a world-writable track script run as root: agent and keepalived both refuse it with the same words, and run the instance without it', async () => {
    const ww = path.join(dir, 'ww-fail.sh');
    const file = write('ww.conf', trackConf(ww, ['enable_script_security', 'script_user root']));
    const t = bothTest(file);
    assert.equal(t.keepalived.code, 5, t.keepalived.err);
    assert.match(t.keepalived.err, /Disabling track script chk due to insecure/);
    assert.equal(t.agent.code, 1, t.agent.err);
    assert.match(t.agent.err, new RegExp(`Unsafe permissions found for script '${ww}' - disabling\\.`));
    assert.match(t.agent.err, /ww\.conf:6:1: Disabling track script chk due to insecure/);

    // Running: the failing script is never run, so the priority-150 router is not in FAULT and wins.
    const peer = write('peer.conf', conf({ priority: 100 }));
    const b = startAgent('b', peer);
    const a = startAgent('a', file);
    await Promise.all([ready(a), ready(b)]);
    await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'the agent with the refused script to win');
    assert.match(a.log(), /Unsafe permissions found for script .* - disabling\./);
    a.child.kill('SIGTERM');
    await a.exited;
    await waitFor(lab.holdsAlone('b', VIP), 5000, 20, 'handover to b');
    // keepalived given the same file does the same: wins, logs the same words.
    const k = lab.startKeepalived('a', file);
    await lab.ready(k);
    await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'keepalived with the refused script to win');
    assert.match(fs.readFileSync(k.log, 'utf8'), new RegExp(`Unsafe permissions found for script '${ww}' - disabling\\.`));
    await stopAll();

    // Control: the same failing script, safe (root's, 0755), is run and puts the router in FAULT.
    const safe = write('safe.conf', trackConf(path.join(dir, 'fail.sh'), ['enable_script_security', 'script_user root']));
    const b2 = startAgent('b', peer);
    const a2 = startAgent('a', safe);
    await Promise.all([ready(a2), ready(b2)]);
    await waitFor(lab.holdsAlone('b', VIP), 15_000, 20, 'the router whose safe failing script runs to stay off the VIP');
    await waitFor(() => JSON.parse(fs.readFileSync(a2.status, 'utf8')).instances[0].state === 'FAULT', 5000, 20, 'FAULT from the failing script');
    await stopAll();
  });

  test('a root script in a directory owned by nobody is refused by both; with no keepalived_script and no script_user, security on: removed, never root', () => {
    const t = bothTest(write('nb.conf', trackConf(path.join(dir, 'nb/fail.sh'), ['enable_script_security', 'script_user root'])));
    assert.equal(t.keepalived.code, 5, t.keepalived.err);
    assert.match(t.keepalived.err, /Disabling track script chk due to insecure/);
    assert.equal(t.agent.code, 1);
    assert.match(t.agent.err, /Unsafe permissions found for script '.*\/nb\/fail\.sh' - disabling\./);
    assert.match(t.agent.err, /Disabling track script chk due to insecure/);

    assert.equal(spawnSync('id', ['keepalived_script']).status, 1, 'this test assumes the keepalived_script user does not exist');
    const d = bothTest(write('nouser.conf', trackConf(path.join(dir, 'fail.sh'), ['enable_script_security'])));
    assert.equal(d.keepalived.code, 5, d.keepalived.err);
    assert.equal(d.agent.code, 1);
    for (const words of ['Unable to set default user keepalived_script for script', 'Unable to set default user for vrrp script chk - removing']) {
      assert.ok(d.keepalived.err.includes(words), d.keepalived.err);
      assert.ok(d.agent.err.includes(words), d.agent.err);
    }
  });

  test('under the unit’s capability set: track script as script_user nobody (groups cleared), notify "…" root as root, notify_master … nobody as nobody, the hafleet notify script writes its log', async () => {
    // The notify script hafleet renders for a director, its log moved into the lab.
    const rendered = fs.mkdtempSync(path.join(os.tmpdir(), 'hfsec-render-'));
    let notifyScript: string;
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'render', '-i', 'inventories/nginx-ha', '--out', rendered], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const host = fs.readdirSync(rendered)[0]!;
      const text = fs.readFileSync(path.join(rendered, host, 'usr/local/sbin/hafleet-notify'), 'utf8');
      assert.match(text, /^LOG_FILE=/m);
      notifyScript = write('hafleet-notify', text.replace(/^LOG_FILE=.*$/m, `LOG_FILE=${dir}/out/hafleet-notify.log`), 0o755);
    } finally {
      fs.rmSync(rendered, { recursive: true, force: true });
    }
    const idsh = path.join(dir, 'id.sh');
    const file = write('users.conf', conf({
      priority: 150,
      global: ['enable_script_security', 'script_user nobody'],
      scripts: ['vrrp_script chk {', `    script "${idsh} track"`, '    interval 1', '}'],
      // keepalived.conf.hbs renders exactly this notify line.
      inst: ['track_script {', '    chk', '}', `notify "${notifyScript}" root`, `notify_master "${idsh} master" nobody`, `notify_backup "${idsh} backup" root`],
    }));
    const t = bothTest(file);
    assert.equal(t.agent.code, 0, t.agent.err);

    const priv = ['--bounding-set', `-all,+${UNIT_CAPS.split(',').join(',+')}`, '--inh-caps', `-all,+${UNIT_CAPS.split(',').join(',+')}`, '--ambient-caps', `-all,+${UNIT_CAPS.split(',').join(',+')}`];
    const a = startAgent('a', file, priv);
    await ready(a);
    const capEff = /^CapEff:\s*(\w+)/m.exec(fs.readFileSync(`/proc/${a.child.pid}/status`, 'utf8'))![1]!;
    assert.equal(BigInt('0x' + capEff), (1n << 13n) | (1n << 12n) | (1n << 7n) | (1n << 6n) | (1n << 5n) | (1n << 2n), 'the agent runs with the unit’s six capabilities only');
    await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'the agent to become master');
    const out = (tag: string) => (fs.existsSync(path.join(dir, 'out', tag)) ? fs.readFileSync(path.join(dir, 'out', tag), 'utf8') : '');
    await waitFor(() => out('track') !== '' && out('master') !== '' && out('hafleet-notify.log') !== '', 10_000, 50, 'scripts to run');
    assert.equal(out('track').split('\n')[0], `track ${NOBODY} ${NOBODY} ${NOBODY} `, 'track script: nobody, only its own group');
    assert.equal(out('master').split('\n')[0], `master ${NOBODY} ${NOBODY} ${NOBODY} `, 'notify_master … nobody');
    assert.equal(out('backup').split('\n')[0], 'backup 0 0 0 ', 'notify_backup … root: root, no argument "root"');
    assert.match(out('hafleet-notify.log'), /INSTANCE VI_1 MASTER priority=150$/m, 'notify "…" root: the rendered hafleet-notify, as root, with keepalived’s arguments');
    assert.doesNotMatch(out('hafleet-notify.log'), /root/, 'the user is not passed as an argument');
    await stopAll();
  });

  test('as the director starts it: the rendered wrapper, run by root, drops to user hafleet-agent with the unit’s six capabilities (uid ≠ 0, CapEff exactly the set, no ambient); a nobody script gets none, a root script at most the set', async (t) => {
    // A private mount namespace: the host's passwd/group with the agent's user, its /etc/keepalived
    // and /run, as a lab host has them (the machine's files are never touched).
    const AGENT_UID = 64990;
    const etc = path.join(dir, 'wrap-etc');
    fs.mkdirSync(path.join(etc, 'keepalived'), { recursive: true });
    fs.writeFileSync(path.join(etc, 'passwd'), fs.readFileSync('/etc/passwd', 'utf8') + `hafleet-agent:x:${AGENT_UID}:${AGENT_UID}:hafleet VRRP agent:/nonexistent:/usr/sbin/nologin\n`);
    fs.writeFileSync(path.join(etc, 'group'), fs.readFileSync('/etc/group', 'utf8') + `hafleet-agent:x:${AGENT_UID}:\n`);
    const capsSh = write('caps.sh', `#!/bin/sh\n{ echo "$1 $(id -u) $(grep -E '^Cap(Eff|Prm|Amb):' /proc/self/status | tr -s '\\t\\n' '  ')"; } >> ${dir}/out/caps-$1\nexit 0\n`, 0o755);
    fs.writeFileSync(path.join(etc, 'keepalived', 'hafleet-agent.conf'), conf({
      priority: 150,
      global: ['enable_script_security', 'script_user nobody'],
      scripts: ['vrrp_script chk {', `    script "${capsSh} track"`, '    interval 1', '}'],
      inst: ['track_script {', '    chk', '}', `notify_master "${capsSh} master" root`],
    }), { mode: 0o600 });
    const template = fs.readFileSync(path.join(ROOT, 'templates/director/hafleet-agent.sh.hbs'), 'utf8');
    const command = [process.execPath, '--import', 'tsx', MAIN, 'agent'].map((w) => `'${w}'`).join(' ');
    const wrapper = write('hafleet-agent', template.replaceAll('{{shwords hafleet_agent_command}}', command).replace('{{shcomment host.name}}', 'lab'), 0o755);
    const setup = [
      `mount --bind ${etc}/passwd /etc/passwd`, `mount --bind ${etc}/group /etc/group`, `mount --bind ${etc}/keepalived /etc/keepalived`,
      'mount -t tmpfs -o mode=0755 tmpfs /run', `exec ${wrapper}`,
    ].join(' && ');
    const logFile = path.join(dir, 'wrapper.log');
    const out = fs.openSync(logFile, 'a');
    const child = spawn('ip', ['netns', 'exec', lab.ns('a'), 'unshare', '-m', '--propagation', 'private', 'sh', '-c', setup], { cwd: ROOT, stdio: ['ignore', out, out] });
    const a: Agent = { child, status: `/proc/${child.pid}/root/run/hafleet/agent-status.json`, log: () => fs.readFileSync(logFile, 'utf8'), exited: new Promise((r) => child.once('exit', (c) => r(c))) };
    agents.push(a);
    await ready(a);
    const st = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const field = (k: string) => new RegExp(`^${k}:[ \\t]*(.*)$`, 'm').exec(st)![1]!.trim().split(/\s+/);
    assert.deepEqual(field('Uid'), Array(4).fill(String(AGENT_UID)), 'real, effective, saved and fs uid: the agent’s user, not 0');
    assert.deepEqual(field('Gid'), Array(4).fill(String(AGENT_UID)));
    assert.deepEqual(field('Groups'), [''], 'supplementary groups cleared');
    const FIVE = (1n << 13n) | (1n << 12n) | (1n << 7n) | (1n << 6n) | (1n << 5n) | (1n << 2n);
    assert.equal(BigInt('0x' + field('CapEff')[0]), FIVE, 'CapEff: net_raw, net_admin, setuid, setgid, kill, dac_read_search, nothing else');
    assert.equal(BigInt('0x' + field('CapBnd')[0]), FIVE, 'bounding set: the same six');
    assert.equal(BigInt('0x' + field('CapAmb')[0]), 0n, 'ambient set cleared by the agent: scripts do not inherit it');
    assert.equal(field('NoNewPrivs')[0], '1');
    assert.equal(fs.readFileSync(`/proc/${child.pid}/root/run/hafleet/agent.pid`, 'utf8').trim(), String(child.pid), 'the pid file names the agent itself');
    await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'the non-root agent to become master and add the VIP');
    const caps = (tag: string) => (fs.existsSync(path.join(dir, 'out', `caps-${tag}`)) ? fs.readFileSync(path.join(dir, 'out', `caps-${tag}`), 'utf8') : '');
    await waitFor(() => caps('track') !== '' && caps('master') !== '', 10_000, 50, 'scripts to run');
    t.diagnostic(`track: ${caps('track').split('\n')[0]}; master: ${caps('master').split('\n')[0]}`);
    assert.match(caps('track'), new RegExp(`^track ${NOBODY} CapPrm: 0+ CapEff: 0+ CapAmb: 0+`), 'a script as nobody: no capability at all');
    const root = /^master 0 CapPrm: (\w+) CapEff: (\w+) CapAmb: (\w+)/.exec(caps('master'));
    assert.ok(root, caps('master'));
    assert.equal(BigInt('0x' + root[1]!) & ~FIVE, 0n, 'a root script: within the six');
    // The config stays root's as deploy wrote it: the agent reads it through CAP_DAC_READ_SEARCH.
    const kept = fs.statSync(path.join(etc, 'keepalived', 'hafleet-agent.conf'));
    assert.deepEqual([kept.uid, kept.gid], [0, 0], 'no owner change for the agent: a deploy stays idempotent');
    await stopAll();
    await waitFor(() => lab.holders(VIP).length === 0, 5000, 20, 'the VIP removed on SIGTERM by the non-root agent');
  });

  test('as nobody with only CAP_NET_RAW + CAP_NET_ADMIN (setpriv): wins and loses elections and moves the VIP; a missing capability is named', async () => {
    const nobodyPriv = (caps: string) => ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups',
      '--inh-caps', `-all,${caps}`, '--ambient-caps', `-all,${caps}`, '--bounding-set', `-all,${caps}`];
    const hi = write('hi.conf', conf({ priority: 150 }));
    const lo = write('lo.conf', conf({ priority: 50 }));
    const peer = write('peer100.conf', conf({ priority: 100 }));
    const b = startAgent('b', peer);
    await ready(b);
    await waitFor(lab.holdsAlone('b', VIP), 15_000, 20, 'b master alone');
    // Loses: priority 50 stays backup.
    const l = startAgent('a', lo, nobodyPriv('+net_raw,+net_admin'));
    await ready(l);
    await sleep(1500);
    assert.deepEqual(lab.holders(VIP), ['b']);
    assert.equal(JSON.parse(fs.readFileSync(l.status, 'utf8')).instances[0].state, 'BACKUP');
    l.child.kill('SIGTERM');
    await l.exited;
    // Wins: priority 150 preempts, takes the VIP; SIGTERM gives it back (address removed: CAP_NET_ADMIN).
    const h = startAgent('a', hi, nobodyPriv('+net_raw,+net_admin'));
    await ready(h);
    await waitFor(lab.holdsAlone('a', VIP), 15_000, 20, 'the unprivileged agent to preempt and hold the VIP');
    h.child.kill('SIGTERM');
    await h.exited;
    await waitFor(lab.holdsAlone('b', VIP), 5000, 20, 'the VIP back on b after SIGTERM');
    // Without CAP_NET_ADMIN: refused up front, the capability named.
    const m = startAgent('a', hi, nobodyPriv('+net_raw'));
    const code = await m.exited;
    assert.equal(code, 1);
    assert.match(m.log(), /hafleet agent lacks CAP_NET_ADMIN/);
    // Scripts as another user need CAP_SETUID/CAP_SETGID/CAP_KILL: named too.
    const s = write('s.conf', trackConf(path.join(dir, 'fail.sh'), ['enable_script_security', 'script_user root']));
    const m2 = startAgent('a', s, nobodyPriv('+net_raw,+net_admin'));
    assert.equal(await m2.exited, 1);
    assert.match(m2.log(), /lacks CAP_SETUID, CAP_SETGID, CAP_KILL/);
    await stopAll();
  });

  test('agent -t fails on a missing interface / track_interface / VIP dev like keepalived -t, with its words at file:line', () => {
    const file = write('noif.conf', conf({ priority: 100, inst: ['track_interface {', '    eth7', '}', 'virtual_ipaddress_excluded {', '    198.18.250.101/24 dev eth5', '}'] }).replace('interface eth0', 'interface eth9'));
    const t = bothTest(file);
    assert.equal(t.keepalived.code, 5, t.keepalived.err);
    assert.match(t.keepalived.err, /Non-existent interface specified in configuration/);
    assert.notEqual(t.agent.code, 0);
    const words = ["WARNING - interface eth9 for vrrp_instance VI_1 doesn't exist", "(VI_1) tracked interface eth7 doesn't exist", "WARNING - interface eth5 for ip address 198.18.250.101/24 doesn't exist"];
    for (const w of words) {
      // keepalived: "(FILE: Line N) words"; the agent: "FILE:N:COL: words" — the same line.
      const k = new RegExp(`Line (\\d+)\\) ${w.replace(/[().]/g, '\\$&')}`).exec(t.keepalived.err);
      assert.ok(k, `keepalived: ${w}\n${t.keepalived.err}`);
      assert.ok(t.agent.err.includes(`noif.conf:${k[1]}:`) && new RegExp(`noif\\.conf:${k[1]}:\\d+: ${w.replace(/[().]/g, '\\$&')}`).test(t.agent.err), `agent at line ${k[1]}: ${w}\n${t.agent.err}`);
    }
    const ok = bothTest(write('if.conf', conf({ priority: 100 })));
    assert.deepEqual([ok.agent.code, ok.keepalived.code], [0, 0], `${ok.agent.err}\n${ok.keepalived.err}`);
  });
});
