/**
 * become (sudo) for real: a lab whose inventory logs in as the non-root `hafleet` with
 * `ansible_become: true`. Every dial happens inside the lab's admin namespace: this file re-runs
 * itself there as a driver (HF_BECOME_DRIVER set) and reports JSON, as transport.test.ts does.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_USER, requireSudoPassword } from '../../src/lab/index.js';
import { createSshTransport, type HostRef, type Outcome, type Transport } from '../../src/transport/index.js';
import { startLab, type TestLab } from './support/lab.js';

interface Job {
  scenario: string;
  host: { name: string; address: string };
  privateKey: string;
  knownHosts: string;
  secret?: string;
}
type Out = Outcome<{ code: number; stdout: string; stderr: string }>;

const PUT_PATH = '/etc/keepalived/hf-become-put';
const SECRET_PATH = '/etc/keepalived/hf-become-secret';

const ref = (job: Job, o: Partial<HostRef> = {}): HostRef => ({
  name: job.host.name, address: job.host.address, port: 22, user: LAB_USER, privateKeyFile: job.privateKey,
  become: true, becomeUser: 'root', knownHostsFile: job.knownHosts, ...o,
});
const text = (r: Outcome<Buffer | null>) => (r.ok ? r.value?.toString('utf8') ?? null : r);

/** Scenarios run inside the admin namespace; each returns plain JSON for the test to judge. */
const scenarios: Record<string, (job: Job, t: Transport) => Promise<Record<string, unknown>>> = {
  async privileged(job, t) {
    const h = ref(job);
    const content = `put by ${LAB_USER} ${job.secret}\n`;
    return {
      login: await t.exec(h, 'id -un', { privileged: false }),
      root: await t.exec(h, 'id -u'),
      put: await t.put(h, PUT_PATH, content, { mode: '0640' }),
      putStat: await t.exec(h, `stat -c '%a %U %G' ${PUT_PATH}; cat ${PUT_PATH}`),
      // The temporary upload in /tmp is removed once installed.
      tmpLeft: await t.exec(h, "ls -A /tmp | grep -c '^.hafleet-put-' || true", { privileged: false }),
      get: text(await t.get(h, SECRET_PATH)),
      getMissing: text(await t.get(h, '/etc/keepalived/hf-no-such-file')),
      // Control: as hafleet without become the same file is out of reach (it really is root-only).
      getNoBecome: text(await t.get(ref(job, { become: false }), SECRET_PATH)),
    };
  },
  async password(job, t) {
    const h = ref(job);
    return {
      root: await t.exec(h, 'id -u'),
      // Long enough for the test to look at every process's argv while sudo runs.
      slow: await t.exec(h, 'sleep 2; id -u'),
      stdin: await t.exec(h, 'cat', { stdin: 'rest of stdin\n' }),
      put: await t.put(h, PUT_PATH, `with a password ${job.secret}\n`, { mode: '0640' }),
      putStat: await t.exec(h, `stat -c '%a %U' ${PUT_PATH}`),
      get: text(await t.get(h, SECRET_PATH)),
    };
  },
  // One step only: each rejected password costs sudo's failure delay (pam_faildelay, 2 s).
  async wrongPassword(job, t) {
    return { root: await t.exec(ref(job), 'id -u') };
  },
};

if (process.env.HF_BECOME_DRIVER) {
  const job = JSON.parse(process.env.HF_BECOME_DRIVER) as Job;
  // As the CLI does (cli/transport.ts): the environment is read here, at the edge, not by the transport.
  const becomePassword = process.env.HAFLEET_BECOME_PASS;
  const t = createSshTransport({ connectTimeoutMs: 10_000, agentSocket: null, sshConfig: { blocks: [] }, ...(becomePassword ? { becomePassword } : {}) });
  const result = await scenarios[job.scenario]!(job, t);
  await t.close();
  process.stdout.write(JSON.stringify(result));
} else {
  /** Runs argv on a pseudo-terminal; types $HF_PTY_ANSWER + Enter once a BECOME prompt shows; prints what the terminal showed. */
  const PTY_ANSWER = [
    'import os, pty, select, sys',
    'pid, fd = pty.fork()',
    'if pid == 0:',
    '    os.execvp(sys.argv[1], sys.argv[1:])',
    'out, answered = b"", False',
    'while True:',
    '    if not select.select([fd], [], [], 150)[0]: break',
    '    try: chunk = os.read(fd, 4096)',
    '    except OSError: break',
    '    if not chunk: break',
    '    out += chunk',
    '    if not answered and b"BECOME password" in out:',
    '        os.write(fd, os.environ["HF_PTY_ANSWER"].encode() + b"\\r"); answered = True',
    'status = os.waitpid(pid, 0)[1]',
    'sys.stdout.write(out.decode("utf8", "replace"))',
    'sys.exit(os.waitstatus_to_exitcode(status))',
  ].join('\n');
  describe('become through sudo as the lab user hafleet', { concurrency: false, timeout: 600_000 }, () => {
    let lab: TestLab;
    let scratch: string;
    const password = `pw-${randomBytes(12).toString('base64url')}`;
    const secret = `secret-${randomBytes(6).toString('hex')}`;
    /** Every output and observed argv of the run: the password must be in none of them. */
    const seen: string[] = [];
    const baseEnv = () => {
      const { SSH_AUTH_SOCK: _agent, HAFLEET_BECOME_PASS: _pw, ...base } = process.env;
      return { ...base, HOME: scratch };
    };
    const drive = async (scenario: string, host: string, env: Record<string, string> = {}) => {
      const h = lab.hosts.find((x) => x.name === host)!;
      const job: Job = { scenario, host: { name: h.name, address: h.address }, privateKey: lab.privateKey, knownHosts: lab.knownHosts, secret };
      const r = await lab.adminExec(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
        env: { ...baseEnv(), HF_BECOME_DRIVER: JSON.stringify(job), ...env }, timeoutMs: 120_000,
      });
      seen.push(r.stdout, r.stderr);
      assert.equal(r.code, 0, `driver ${scenario}: ${r.stderr}`);
      return JSON.parse(r.stdout) as Record<string, Out> & Record<string, unknown>;
    };
    const hafleet = async (args: string[], env: Record<string, string> = {}) => {
      const r = await lab.hafleet(args, { env: { ...baseEnv(), ...env }, timeoutMs: 180_000 });
      seen.push(r.stdout, r.stderr);
      return r;
    };
    /** Samples every process's argv on the machine (lab hosts included) while `fn` runs. */
    const watchArgv = async <T>(fn: () => Promise<T>): Promise<{ value: T; argv: Set<string> }> => {
      const argv = new Set<string>();
      const sample = () => {
        for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
          try {
            argv.add(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
          } catch {
            /* gone meanwhile */
          }
        }
      };
      const timer = setInterval(sample, 100);
      try {
        return { value: await fn(), argv };
      } finally {
        clearInterval(timer);
      }
    };

    before(async () => {
      scratch = mkdtempSync(join(tmpdir(), 'hf-become-home-'));
      lab = await startLab(undefined, { directors: 2, realservers: 2, user: LAB_USER });
      for (const host of ['lb1', 'lb2']) {
        const r = await lab.hostExec(host, `umask 077; printf '%s\\n' ${secret} > ${SECRET_PATH}; stat -c '%a %U' ${SECRET_PATH}`);
        assert.equal(r.stdout, '600 root\n', r.stderr);
      }
    });
    after(async () => {
      await lab?.down();
      rmSync(scratch, { recursive: true, force: true });
    });

    it('lab up --user hafleet writes ansible_user: hafleet with become; the machine has no such user', () => {
      const vars = readFileSync(join(lab.state.root, 'inventory', 'group_vars', 'all.yml'), 'utf8');
      assert.match(vars, /^ansible_user: hafleet$/m);
      assert.match(vars, /^ansible_become: true$/m);
      assert.ok(!/^hafleet:/m.test(readFileSync('/etc/passwd', 'utf8')), 'the machine\'s /etc/passwd is untouched');
      assert.ok(!/^hafleet:/m.test(readFileSync('/etc/shadow', 'utf8')), 'the machine\'s /etc/shadow is untouched');
      const lb1 = lab.state.hosts.find((h) => h.name === 'lb1')!;
      for (const target of ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/sudoers.d', '/home']) {
        assert.ok(lb1.mounts?.some((m) => m.target === target), `state.json records the ${target} mount`);
      }
    });

    it('with NOPASSWD: exec runs as root, put lands root-owned with its mode, get reads a root-only file', async () => {
      const r = await drive('privileged', 'lb1');
      assert.deepEqual(r.login, { ok: true, value: { code: 0, stdout: `${LAB_USER}\n`, stderr: '' } }, 'the SSH login is the non-root user');
      assert.deepEqual(r.root, { ok: true, value: { code: 0, stdout: '0\n', stderr: '' } });
      assert.deepEqual(r.put, { ok: true });
      assert.deepEqual(r.putStat, { ok: true, value: { code: 0, stdout: `640 root root\nput by ${LAB_USER} ${secret}\n`, stderr: '' } });
      assert.equal(r.tmpLeft.ok && r.tmpLeft.value.stdout.trim(), '0', 'no temporary upload left in /tmp');
      assert.equal(r.get, `${secret}\n`);
      assert.equal(r.getMissing, null);
      const denied = r.getNoBecome as unknown as Out;
      assert.equal(!denied.ok && denied.failure.kind, 'remote-error', `without become the 0600 file must be unreadable: ${JSON.stringify(denied)}`);
    });

    it('sudo wanting a password: auth with a hint without one; works with HAFLEET_BECOME_PASS; never shows it', async () => {
      await requireSudoPassword(lab.hostDir('lb2'), password);
      const without = await drive('password', 'lb2');
      for (const step of ['root', 'slow', 'stdin', 'put', 'putStat', 'get']) {
        const o = without[step] as unknown as Out;
        assert.equal(!o.ok && o.failure.kind, 'auth', `${step} without a password: ${JSON.stringify(o)}`);
        assert.ok(!o.ok && o.failure.kind === 'auth' && /HAFLEET_BECOME_PASS/.test(o.failure.hint), `${step}: the hint names HAFLEET_BECOME_PASS`);
        assert.match(!o.ok ? o.failure.message : '', /sudo needs a password for hafleet/);
      }

      const wrong = await drive('wrongPassword', 'lb2', { HAFLEET_BECOME_PASS: `${password}-wrong` });
      const w = wrong.root as unknown as Out;
      assert.equal(!w.ok && w.failure.kind, 'auth', JSON.stringify(w));
      assert.match(!w.ok ? w.failure.message : '', /rejected the become password/);

      const { value: ok, argv } = await watchArgv(() => drive('password', 'lb2', { HAFLEET_BECOME_PASS: password }));
      assert.deepEqual(ok.root, { ok: true, value: { code: 0, stdout: '0\n', stderr: '' } });
      assert.deepEqual(ok.slow, { ok: true, value: { code: 0, stdout: '0\n', stderr: '' } });
      assert.deepEqual(ok.stdin, { ok: true, value: { code: 0, stdout: 'rest of stdin\n', stderr: '' } }, 'the command gets stdin after the password line');
      assert.deepEqual(ok.put, { ok: true });
      assert.deepEqual(ok.putStat, { ok: true, value: { code: 0, stdout: '640 root\n', stderr: '' } });
      assert.equal(ok.get, `${secret}\n`);
      // The sampler did see the privileged command run (else "no password in argv" proves nothing).
      assert.ok([...argv].some((a) => a.includes('sudo -n -u root -- sh -c sleep 2')), 'argv of the running sudo was observed');
      const leaks = [...argv].filter((a) => a.includes(password));
      assert.deepEqual(leaks, [], 'the password is on no command line');
    });

    it('deploy --yes as hafleet with become converges; a second plan shows no changes', async () => {
      // lb2 still wants a password: without one, plan says so per host, with the hint.
      const refused = await hafleet(['plan', '-i', lab.inventoryPath, '--detailed-exitcode']);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(refused.stdout + refused.stderr, /lb2: .*sudo needs a password for hafleet.*HAFLEET_BECOME_PASS/);

      const env = { HAFLEET_BECOME_PASS: password };
      const d = await hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], env);
      assert.equal(d.code, 0, d.stdout + d.stderr);
      const st = await lab.status();
      for (const h of st.hosts.filter((x) => x.role === 'director')) {
        assert.ok((h.processes.keepalived ?? []).length > 0, `keepalived runs on ${h.name}`);
        assert.ok((h.processes.nginx ?? []).length > 0, `nginx runs on ${h.name}`);
      }
      const holder = await lab.waitForVipHolder(undefined, { timeoutMs: 20_000 });
      assert.ok(holder === 'lb1' || holder === 'lb2', `VIP held by a director, got ${holder}`);
      for (const host of ['lb1', 'lb2']) {
        const ka = await lab.hostExec(host, "stat -c '%U' /etc/keepalived/keepalived.conf");
        assert.equal(ka.stdout, 'root\n', `${host}: keepalived.conf installed as root`);
      }

      const again = await hafleet(['plan', '-i', lab.inventoryPath, '--detailed-exitcode'], env);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.match(again.stdout, /No changes/);
    });

    it('plan -K on a terminal asks for the password once, on demand, without echo', async () => {
      // A real pseudo-terminal (python's pty): the prompt is answered only once it is shown, as a person would.
      const cli = [process.execPath, '--import', 'tsx', join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.ts')];
      const r = await lab.adminExec('python3', ['-c', PTY_ANSWER, ...cli, 'plan', '-i', lab.inventoryPath, '--detailed-exitcode', '-K'], {
        env: { ...baseEnv(), HF_PTY_ANSWER: password }, timeoutMs: 180_000,
      });
      seen.push(r.stdout, r.stderr);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stdout.split('BECOME password').length - 1, 1, `asked once: ${r.stdout}`);
      assert.match(r.stdout, /No changes/);
      assert.doesNotMatch(r.stdout, /sudo needs a password/);
    });

    it('the password shows in no output and no file of the hosts', async () => {
      const outputs = seen.filter((s) => s.includes(password));
      assert.deepEqual(outputs.map((s) => s.slice(0, 200)), [], 'no driver or CLI output holds the password');
      const grep = await lab.hostExec('lb2', ['grep', '-rlF', '-D', 'skip', '--', password, '/var/log', '/run', '/tmp', '/home', '/etc/keepalived', '/etc/nginx', '/var/lib/hafleet']);
      assert.equal(grep.code, 1, `files holding the password: ${grep.stdout}${grep.stderr}`);
      // Uploads refused by sudo (no password) left no temporary file behind either.
      for (const host of ['lb1', 'lb2']) {
        assert.deepEqual(readdirSync(join(lab.hostDir(host), 'tmp')).filter((f) => f.startsWith('.hafleet-put-')), [], `${host}: /tmp`);
      }
    });
  });
}
