/**
 * `vrrp_engine: agent` end to end: `lab up --engine agent` → `hafleet deploy` → the TypeScript
 * VRRP agent (this checkout's dist/, through the hafleet_agent_command the lab writes) on both
 * directors → one VIP holder; then failover by kill -9 and a switch back to keepalived. One lab,
 * steps in order. Needs dist/ built (`make test` builds; else `npx tsc -p tsconfig.json`).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startLab, REPO_ROOT, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';

let lab: TestLab;
let varsPath = '';
const AGENT_PID = '/run/hafleet/agent.pid';
const AGENT_CONF = '/etc/keepalived/hafleet-agent.conf';
const KA_PID = '/run/keepalived.pid';
const UNIT = '/etc/systemd/system/hafleet-agent.service';
const NOTIFY_LOG = '/var/log/hafleet-notify.log';
const DIRECTORS = ['lb1', 'lb2'];

async function deploy() {
  return lab.hafleetJson(['deploy', '-i', lab.inventoryPath, '--yes', '--json'], { timeoutMs: 180_000 });
}

function statusOf(doc: any): Record<string, string> {
  return Object.fromEntries(doc.result.hosts.map((h: any) => [h.host, h.status]));
}

/** The running agent's pid on `host` (pid file, live, command line names its config), else null. */
async function agentPid(host: string): Promise<number | null> {
  const r = await lab.hostExec(host, `p=$(cat ${AGENT_PID} 2>/dev/null) && kill -0 "$p" 2>/dev/null && tr '\\0' ' ' < /proc/$p/cmdline && echo "@$p"`);
  const m = /^(.*)@(\d+)$/.exec(r.stdout.trim());
  if (r.code !== 0 || !m || !m[1]!.includes(AGENT_CONF)) return null;
  return Number(m[2]);
}

/** Every process in the host's network namespace whose command line runs the agent's config. */
async function agentProcesses(host: string): Promise<number[]> {
  const h = (await lab.status()).hosts.find((x) => x.name === host)!;
  const out: number[] = [];
  for (const pid of Object.values(h.processes).flat()) {
    const argv = (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        return []; // ended meanwhile
      }
    })();
    if (argv.includes(AGENT_CONF) && argv.includes('agent')) out.push(pid);
  }
  return out.sort((a, b) => a - b);
}

async function keepalivedPid(host: string): Promise<number | null> {
  const r = await lab.hostExec(host, `p=$(cat ${KA_PID} 2>/dev/null) && kill -0 "$p" 2>/dev/null && echo "$p"`);
  return r.code === 0 && r.stdout.trim() ? Number(r.stdout.trim()) : null;
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

async function bothRealservers(): Promise<void> {
  const names = await waitFor('both realservers through the VIP', async () => {
    const n = await servedNames(6);
    return n.has('web1') && n.has('web2') ? n : undefined;
  }, { timeoutMs: 20_000 });
  assert.deepEqual([...names].sort(), ['web1', 'web2']);
}

describe('vrrp_engine: agent through deploy on a 2+2 lab', { timeout: 900_000 }, () => {
  before(async () => {
    assert.ok(existsSync(join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js')), 'dist/ is built (npx tsc -p tsconfig.json)');
    lab = await startLab(undefined, { directors: 2, realservers: 2, engine: 'agent' });
    varsPath = join(dirname(lab.inventoryPath), 'group_vars', 'all.yml');
  });
  after(async () => {
    await lab?.down();
  });

  it('lab up --engine agent names the checkout\'s built CLI as the agent command', () => {
    const vars = readFileSync(varsPath, 'utf8');
    assert.match(vars, /vrrp_engine: agent/);
    const m = /^hafleet_agent_command: (.+)$/m.exec(vars);
    assert.ok(m, vars);
    assert.equal(m[1], `${process.execPath} ${join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js')} agent`);
  });

  it('deploy: the agent runs on both directors (once each), one VIP holder, both realservers through the VIP', async () => {
    const r = await deploy();
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(statusOf(r.doc), { lb1: 'changed', lb2: 'changed', web1: 'ok', web2: 'ok' });
    // service_manager: direct → no systemd unit (lab hosts share the machine's /etc/systemd).
    for (const h of r.doc.result.hosts) assert.ok(!(h.changed ?? []).includes(UNIT), `${h.host}: ${h.changed}`);
    for (const lb of DIRECTORS) {
      const mode = (await lab.hostExec(lb, 'stat -c %a /usr/local/sbin/hafleet-agent')).stdout.trim();
      assert.equal(mode, '755', `wrapper mode on ${lb}`);
      const pid = await waitFor(`the agent on ${lb}`, () => agentPid(lb).then((p) => p ?? undefined), { timeoutMs: 15_000 });
      assert.deepEqual(await agentProcesses(lb), [pid], `exactly one agent on ${lb}, the pid file's`);
      assert.equal(await keepalivedPid(lb), null, `no keepalived on ${lb}`);
      // As in production: the agent's own user (the lab's hosts carry it, as useradd would make it), never uid 0.
      const uid = (await lab.hostExec(lb, `awk '/^Uid:/ {print $2}' /proc/${pid}/status; id -u hafleet-agent`)).stdout.trim().split('\n');
      assert.ok(uid.length === 2 && uid[0] === uid[1] && uid[0] !== '0', `the agent on ${lb} runs as hafleet-agent, not root: ${uid.join(' vs ')}`);
      const status = await waitFor(`${lb}'s agent status file`, async () => {
        const s = await lab.hostExec(lb, 'cat /run/hafleet/agent-status.json 2>/dev/null');
        return s.code === 0 && s.stdout.trim() ? s.stdout : undefined;
      }, { timeoutMs: 15_000 });
      assert.ok(!status.includes(/auth_pass: (\S+)/.exec(readFileSync(varsPath, 'utf8'))![1]!), 'no password in the status file');
    }
    const holder = await lab.waitForVipHolder(undefined, { timeoutMs: 20_000 });
    assert.ok(holder === 'lb1' || holder === 'lb2');
    // keepalived.conf says `notify "/usr/local/sbin/hafleet-notify" root`: the agent runs it as
    // root with keepalived's arguments (not `root` as one), so its log gets the transition.
    await waitFor(`${holder}'s notify log to show MASTER`, async () => {
      const log = await lab.hostExec(holder, `cat ${NOTIFY_LOG} 2>/dev/null`);
      return new RegExp(`^\\S+ ${holder} INSTANCE \\S+ MASTER priority=\\d+$`, 'm').test(log.stdout) ? true : undefined;
    }, { timeoutMs: 15_000 });
    await bothRealservers();
  });

  it('hafleet verify passes on the agent fleet (status file, one holder, traffic)', async () => {
    let last = { code: -1, stdout: '', stderr: '' };
    await waitFor('verify to pass', async () => {
      last = await lab.hafleet(['verify', '-i', lab.inventoryPath], { timeoutMs: 120_000 });
      return last.code === 0;
    }, { timeoutMs: 60_000, intervalMs: 1000 }).catch((e: Error) => assert.fail(`${e.message}\n${last.stdout}${last.stderr}`));
  });

  it('second deploy changes nothing and keeps the agents', async () => {
    const before = await Promise.all(DIRECTORS.map(agentPid));
    const r = await deploy();
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(statusOf(r.doc), { lb1: 'ok', lb2: 'ok', web1: 'ok', web2: 'ok' });
    assert.equal(r.doc.plan.summary.filesToChange, 0);
    assert.deepEqual(r.doc.plan.summary.handlers, {});
    assert.deepEqual(await Promise.all(DIRECTORS.map(agentPid)), before);
    for (const lb of DIRECTORS) assert.equal((await agentProcesses(lb)).length, 1, `one agent on ${lb}`);
  });

  it('hafleet-agent --reload (the reload without systemd): the configuration deploy rewrote root:root stays so, and the running agent reloads it in place', async () => {
    const lb = 'lb1';
    const pid = await agentPid(lb);
    const count = async (words: string) => Number((await lab.hostExec(lb, `grep -c '${words}' /var/log/hafleet-agent.log || true`)).stdout.trim());
    const [reloaded, refused] = [await count('reloading configuration'), await count('reload refused')];
    // Deploy's atomic write: a new file, root:root 0640, renamed over the granted one.
    const c = AGENT_CONF;
    assert.equal((await lab.hostExec(lb, `cp ${c} ${c}.new && chown root:root ${c}.new && chmod 0640 ${c}.new && mv ${c}.new ${c}`)).code, 0);
    const r = await lab.hostExec(lb, '/usr/local/sbin/hafleet-agent --reload');
    assert.equal(r.code, 0, r.stderr);
    await waitFor(`${lb}'s agent to reload`, async () => (await count('reloading configuration')) > reloaded, { timeoutMs: 10_000 });
    assert.equal(await count('reload refused'), refused, 'the agent could read what it reloaded');
    // Read through CAP_DAC_READ_SEARCH (as root where the host lacks the agent's user): the file stays as deploy wrote it.
    assert.equal((await lab.hostExec(lb, `stat -c '%U:%G %a' ${c}`)).stdout.trim(), 'root:root 640');
    assert.equal(await agentPid(lb), pid, 'the same agent, reloaded in place');
    const none = await lab.hostExec(lb, 'pid=$(cat /run/hafleet/agent.pid); mv /run/hafleet/agent.pid /run/hafleet/agent.pid.h; /usr/local/sbin/hafleet-agent --reload; rc=$?; mv /run/hafleet/agent.pid.h /run/hafleet/agent.pid; exit $rc');
    assert.equal(none.code, 1, 'no running agent named by the pid file: an error, not a silent success');
  });

  it('kill -9 of the master\'s agent: the other director takes the VIP', async (t) => {
    const master = (await lab.waitForVipHolder(undefined, { timeoutMs: 10_000 }))!;
    const other = master === 'lb1' ? 'lb2' : 'lb1';
    const pid = await agentPid(master);
    assert.ok(pid);
    const t0 = Date.now();
    assert.equal((await lab.hostExec(master, `kill -9 ${pid}`)).code, 0);
    // A killed agent (like keepalived) leaves its VIP on the interface: the takeover is seen on
    // the peer; its gratuitous ARPs move the traffic.
    await waitFor(`${other} holds ${lab.vip}`, async () => (await lab.vipHolders()).includes(other), { timeoutMs: 15_000, intervalMs: 100 });
    t.diagnostic(`takeover seen ${Date.now() - t0} ms after kill -9 (v2, advert_int 1: Master_Down_Interval ≈ 3.6 s); holders now ${(await lab.vipHolders()).join(', ')}`);
    await bothRealservers();
    assert.equal(await agentPid(master), null, 'the killed agent is gone');
    const v = await lab.hafleet(['verify', '-i', lab.inventoryPath], { timeoutMs: 120_000 });
    assert.notEqual(v.code, 0, `verify fails with ${master}'s agent dead:\n${v.stdout}`);
    assert.match(v.stdout + v.stderr, new RegExp(master), 'verify names the director');
  });

  it('switching the inventory to keepalived stops the agents and starts keepalived, one holder', () => toKeepalived());

  it('and back to the agent: keepalived stops, the agents start, one holder', async () => {
    await setEngine('keepalived', 'agent');
    const r = await deploy();
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(statusOf(r.doc), { lb1: 'changed', lb2: 'changed', web1: 'ok', web2: 'ok' });
    for (const lb of DIRECTORS) {
      const pid = await waitFor(`the agent on ${lb}`, () => agentPid(lb).then((p) => p ?? undefined), { timeoutMs: 15_000 });
      assert.deepEqual(await agentProcesses(lb), [pid], `exactly one agent on ${lb}`);
      assert.equal(await keepalivedPid(lb), null, `keepalived stopped on ${lb}`);
      assert.equal((await lab.hostExec(lb, 'ls /etc/keepalived/keepalived.conf 2>/dev/null; true')).stdout.trim(), '', `keepalived.conf removed on ${lb}`);
    }
    await lab.waitForVipHolder(undefined, { timeoutMs: 20_000 });
    await bothRealservers();
  });

  it('and to keepalived once more, the agent\'s files removed', () => toKeepalived());
});

async function setEngine(from: string, to: string): Promise<void> {
  const text = readFileSync(varsPath, 'utf8');
  assert.ok(text.includes(`vrrp_engine: ${from}`));
  writeFileSync(varsPath, text.replace(`vrrp_engine: ${from}`, `vrrp_engine: ${to}`));
}

async function toKeepalived(): Promise<void> {
  await setEngine('agent', 'keepalived');
  const r = await deploy();
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.deepEqual(statusOf(r.doc), { lb1: 'changed', lb2: 'changed', web1: 'ok', web2: 'ok' });
  for (const lb of DIRECTORS) {
    assert.deepEqual(await agentProcesses(lb), [], `no agent left on ${lb}`);
    assert.ok(await keepalivedPid(lb), `keepalived runs on ${lb}`);
    const gone = await lab.hostExec(lb, `ls ${AGENT_CONF} /usr/local/sbin/hafleet-agent ${AGENT_PID} 2>/dev/null; true`);
    assert.equal(gone.stdout.trim(), '', `agent files removed on ${lb}`);
  }
  await lab.waitForVipHolder(undefined, { timeoutMs: 20_000 });
  await bothRealservers();
}
