/**
 * The ssh2 transport and facts against a real lab. Every dial happens inside the lab's admin
 * namespace: this file re-runs itself there as a driver (HF_TR_DRIVER set) and reports JSON.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatherFacts } from '../../src/facts/index.js';
import { createSshTransport, fingerprintOf, type HostRef, type Outcome, type Transport } from '../../src/transport/index.js';
import { startLab, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';

interface Job {
  scenario: string;
  hosts: { name: string; address: string }[];
  privateKey: string;
  knownHosts: string;
  acceptNew?: boolean;
  jumpVia?: string;
  connectTimeoutMs?: number;
}

const ref = (job: Job, name: string, o: Partial<HostRef> = {}): HostRef => {
  const h = job.hosts.find((x) => x.name === name)!;
  return { name, address: h.address, port: 22, user: 'root', privateKeyFile: job.privateKey, become: false, becomeUser: 'root', knownHostsFile: job.knownHosts, ...o };
};

/** Scenarios run inside the admin namespace; each returns plain JSON for the test to judge. */
const scenarios: Record<string, (job: Job, t: Transport) => Promise<unknown>> = {
  async roundtrip(job, t) {
    const h = ref(job, job.hosts[0]!.name);
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0x27, 0x22]);
    const results: Record<string, unknown> = {};
    const steps: string[] = [];
    let last = performance.now();
    const step = (n: string) => {
      steps.push(`${n} ${(performance.now() - last).toFixed(0)}`);
      last = performance.now();
    };
    results.steps = steps;
    // First, on a cold transport: concurrent opens must share one handshake.
    const many = await Promise.all(Array.from({ length: 24 }, (_, i) => t.exec(h, `echo ${i}`)));
    results.many = many.map((r) => (r.ok ? r.value.stdout.trim() : r.failure.kind));
    step('many');
    results.echo = await t.exec(h, 'hostname; cat; exit 3', { stdin: 'from stdin' });
    step('echo');
    results.put = await t.put(h, '/tmp/hf-tr-file', bytes, { mode: '0640' });
    step('put');
    results.mode = await t.exec(h, "stat -c '%a %U' /tmp/hf-tr-file");
    step('mode');
    const got = await t.get(h, '/tmp/hf-tr-file');
    results.get = got.ok ? got.value?.toString('hex') ?? null : got;
    step('get');
    results.overwrite = await t.put(h, '/tmp/hf-tr-file', 'second\n', { mode: '0600' });
    step('overwrite');
    results.mode2 = await t.exec(h, "stat -c '%a' /tmp/hf-tr-file; cat /tmp/hf-tr-file");
    step('mode2');
    results.missing = await t.get(h, '/tmp/hf-tr-no-such-file');
    step('missing');
    results.putNoDir = await t.put(h, '/no/such/dir/file', 'x', { mode: '0644' });
    step('putNoDir');
    results.connections = await t.exec(h, "ss -Htn state established '( sport = :22 )' | wc -l");
    step('connections');
    results.timeout = await t.exec(h, 'sleep 7.25', { timeoutMs: 400 });
    step('timeout');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    results.aborted = await t.exec(h, 'sleep 7.5', { signal: ac.signal });
    step('aborted');
    results.after = await t.exec(h, 'echo still usable');
    step('after');
    return results;
  },
  async facts(job, t) {
    const t0 = performance.now();
    const out = await Promise.all(job.hosts.map((h) => gatherFacts(t, ref(job, h.name), {
      paths: ['/etc/ssh/sshd_config', '/nonexistent/file'], managedDirs: ['/etc/ssh'], sysctls: ['net.ipv4.ip_forward', 'net.ipv4.conf.eth0.arp_ignore'],
    })));
    return { ms: performance.now() - t0, out };
  },
  async hosts(job, t) {
    return Promise.all(job.hosts.map((h) => t.exec(ref(job, h.name, job.jumpVia ? { proxyJump: `root@${job.jumpVia}` } : {}), 'hostname; echo "$SSH_CONNECTION"')));
  },
  async latency(job, t) {
    const h = ref(job, job.hosts[0]!.name);
    const ms: number[] = [];
    for (let i = 0; i < 11; i++) {
      const t0 = performance.now();
      await t.exec(h, 'true');
      ms.push(performance.now() - t0);
    }
    return ms.map((x) => Math.round(x));
  },
  async drop(job, t) {
    const h = ref(job, job.hosts[0]!.name);
    const parent = await t.exec(h, 'echo $PPID');
    if (!parent.ok) return { parent };
    const inflight = t.exec(h, 'sleep 4');
    await new Promise((r) => setTimeout(r, 300));
    // The sshd process serving this connection (root sessions run without a privsep child).
    process.kill(Number(parent.value.stdout.trim()), 'SIGKILL');
    return { inflight: await inflight, after: await t.exec(h, 'echo back') };
  },
  async timed(job, t) {
    const t0 = performance.now();
    const r = await t.exec(ref(job, job.hosts[0]!.name), 'true');
    return { r, ms: performance.now() - t0 };
  },
  async wrongKey(job, t) {
    return t.exec(ref(job, job.hosts[0]!.name, { privateKeyFile: process.env.HF_TR_OTHER_KEY! }), 'true');
  },
};

if (process.env.HF_TR_DRIVER) {
  const job = JSON.parse(process.env.HF_TR_DRIVER) as Job;
  const recorded: string[] = [];
  const t = createSshTransport({
    acceptNewHostKeys: job.acceptNew ?? false, connectTimeoutMs: job.connectTimeoutMs ?? 5000, agentSocket: null,
    sshConfig: { blocks: [] }, onHostKeyRecorded: (h, f, fp) => recorded.push(`${h} ${f} ${fp}`),
  });
  const t0 = performance.now();
  const result = await scenarios[job.scenario]!(job, t);
  const ms = performance.now() - t0;
  await t.close();
  process.stdout.write(JSON.stringify({ result, recorded, ms, closeMs: performance.now() - t0 - ms }));
} else {
  describe('ssh transport and facts against a lab', { concurrency: false }, () => {
    let lab: TestLab;
    let scratch: string;
    const hostKey = (name: string) => {
      const h = lab.state.hosts.find((x) => x.name === name)!;
      const [type, b64] = readFileSync(join(h.dir, 'etc-ssh', 'ssh_host_ed25519_key.pub'), 'utf8').trim().split(/\s+/);
      return { type: type!, b64: b64!, fp: fingerprintOf(Buffer.from(b64!, 'base64')), address: h.address };
    };
    /** Runs a scenario in the admin namespace, with a scratch HOME so no real ~/.ssh is read or written. */
    const drive = async <T>(scenario: string, o: Partial<Job> = {}, env: Record<string, string> = {}) => {
      const job: Job = { scenario, hosts: lab.hosts, privateKey: lab.privateKey, knownHosts: lab.knownHosts, ...o };
      const { SSH_AUTH_SOCK: _agent, ...base } = process.env;
      const started = performance.now();
      const r = await lab.adminExec(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
        env: { ...base, HOME: scratch, HF_TR_DRIVER: JSON.stringify(job), ...env }, timeoutMs: 240_000,
      });
      assert.equal(r.code, 0, `driver ${scenario}: ${r.stderr}`);
      const out = JSON.parse(r.stdout) as { result: T; recorded: string[]; ms: number; closeMs: number };
      if (process.env.HF_TR_TIMES) console.log(`# ${scenario}: ${out.ms.toFixed(0)} ms, close ${out.closeMs.toFixed(0)} ms, process ${(performance.now() - started).toFixed(0)} ms`);
      return out;
    };
    const sshdLog = (name: string) => {
      const h = lab.state.hosts.find((x) => x.name === name)!;
      return readFileSync(join(h.dir, 'var-log', 'sshd.log'), 'utf8');
    };

    before(async () => {
      scratch = mkdtempSync(join(tmpdir(), 'hf-tr-home-'));
      lab = await startLab(undefined, { directors: 2, realservers: 2 });
    });
    after(async () => {
      await lab?.down();
      rmSync(scratch, { recursive: true, force: true });
    });

    it('exec, put, get and modes round-trip over one pooled connection; timeout and abort leave it usable', async () => {
      const { result: r } = await drive<Record<string, Outcome<{ code: number; stdout: string; stderr: string }>> & { get: string; many: string[] }>('roundtrip');
      const name = lab.hosts[0]!.name;
      if (process.env.HF_TR_TIMES) console.log(`# roundtrip steps (ms): ${(r as unknown as { steps: string[] }).steps.join(', ')}`);
      assert.deepEqual(r.echo, { ok: true, value: { code: 3, stdout: `${name}\nfrom stdin`, stderr: '' } });
      assert.deepEqual(r.put, { ok: true });
      assert.deepEqual(r.mode, { ok: true, value: { code: 0, stdout: '640 root\n', stderr: '' } });
      assert.equal(r.get, '000102ff0a0d2722');
      assert.deepEqual(r.mode2, { ok: true, value: { code: 0, stdout: '600\nsecond\n', stderr: '' } }, 'an existing file gets the new mode too');
      assert.deepEqual(r.missing, { ok: true, value: null });
      assert.equal(!r.putNoDir.ok && r.putNoDir.failure.kind, 'remote-error');
      assert.deepEqual(r.many, Array.from({ length: 24 }, (_, i) => String(i)), 'more commands at once than sshd has sessions per connection, on a cold transport');
      assert.equal(r.connections.ok && r.connections.value.stdout.trim(), '1', 'every exec, put and get rode one connection');
      assert.equal(!r.timeout.ok && r.timeout.failure.kind, 'timeout');
      assert.equal(!r.aborted.ok && r.aborted.failure.kind, 'aborted');
      assert.equal(r.after.ok && r.after.value.stdout, 'still usable\n');
      // The timed-out and aborted commands were killed on the host, not left running.
      let left = '';
      const gone = await waitFor('the killed sleeps to be gone', async () => {
        const ps = await lab.hostExec(name, 'ps -eo pid,ppid,pgid,args');
        left = ps.stdout.split('\n').filter((l) => /sleep 7\.(25|5)/.test(l)).join('\n');
        return left === '';
      }, { timeoutMs: 30_000, intervalMs: 250 }).catch(() => false);
      assert.ok(gone, `still running on ${name}:\n${left}\nsshd log:\n${sshdLog(name).slice(-1500)}`);
    });

    it('measures exec latency on a pooled connection (figure, printed)', async () => {
      const { result } = await drive<number[]>('latency');
      const warm = result.slice(1).sort((a, b) => a - b);
      console.log(`# exec latency: first (with connect) ${result[0]} ms, then median ${warm[Math.floor(warm.length / 2)]} ms of ${warm.length}`);
      assert.equal(result.length, 11);
    });

    it('gathers facts from every lab host in one command each, processes only from its own namespace', async () => {
      const { result } = await drive<{ ms: number; out: Outcome<import('../../src/facts/index.js').HostFacts>[] }>('facts');
      console.log(`# facts: connect + gather on ${lab.hosts.length} lab hosts: ${result.ms.toFixed(0)} ms`);
      const webs = lab.state.hosts.filter((h) => h.role === 'realserver');
      result.out.forEach((o, i) => {
        const h = lab.state.hosts[i]!;
        assert.ok(o.ok, JSON.stringify(o));
        if (!o.ok) return;
        const f = o.value;
        assert.equal(f.host, h.name);
        // The lab has no systemd; its hosts see the machine's /etc/init.d and service(8).
        assert.equal(f.serviceManager, existsSync('/etc/init.d') && existsSync('/usr/sbin/service') ? 'sysv' : 'direct');
        assert.ok(f.addresses.some((a) => a.dev === 'eth0' && a.address === h.address && a.prefix === 24), JSON.stringify(f.addresses));
        assert.match(f.files['/etc/ssh/sshd_config']!.content ?? '', new RegExp(`ListenAddress ${h.address.replace(/\./g, '\\.')}:22`));
        assert.equal(f.files['/etc/ssh/sshd_config']!.mode !== null, true);
        assert.equal(f.files['/nonexistent/file']!.sha256, null);
        assert.ok(f.managedFiles!['/etc/ssh']!.includes('/etc/ssh/ssh_host_ed25519_key.pub'));
        assert.match(f.sysctls['net.ipv4.ip_forward'] ?? '', /^[01]$/);
        assert.equal(f.tools.sha256sum, true);
        if (h.role === 'realserver') {
          assert.ok(f.processes.nginx?.includes(h.nginxPid!), `${h.name} sees its own nginx ${h.nginxPid}: ${JSON.stringify(f.processes)}`);
          for (const other of webs.filter((w) => w.name !== h.name)) assert.ok(!f.processes.nginx?.includes(other.nginxPid!), `${h.name} must not see ${other.name}'s nginx`);
        } else {
          assert.equal(f.processes.nginx, undefined, `${h.name} runs no nginx: ${JSON.stringify(f.processes)}`);
        }
      });
    });

    it('reaches a realserver through a director as jump host (ProxyJump)', async () => {
      const director = lab.hosts.find((h) => h.role === 'director')!;
      const web = lab.hosts.find((h) => h.role === 'realserver')!;
      const { result } = await drive<Outcome<{ stdout: string }>[]>('hosts', { hosts: [web], jumpVia: director.address });
      const r = result[0]!;
      assert.ok(r.ok, JSON.stringify(r));
      const [hostname, conn] = r.ok ? r.value.stdout.trim().split('\n') : [];
      assert.equal(hostname, web.name);
      assert.equal(conn!.split(' ')[0], director.address, 'the connection came from the jump host');
    });

    it('refuses a changed host key before authentication, naming host and both fingerprints', async () => {
      const name = lab.hosts[1]!.name;
      const real = hostKey(name);
      const impostor = hostKey(lab.hosts[0]!.name);
      const kh = join(scratch, 'changed_known_hosts');
      writeFileSync(kh, `${real.address} ${impostor.type} ${impostor.b64}\n`);
      const before = sshdLog(name);
      const { result } = await drive<Outcome<unknown>[]>('hosts', { hosts: [lab.hosts[1]!], knownHosts: kh });
      const r = result[0]!;
      assert.equal(!r.ok && r.failure.kind, 'host-key-changed');
      if (r.ok || r.failure.kind !== 'host-key-changed') return;
      assert.equal(r.failure.expected, impostor.fp);
      assert.equal(r.failure.got, real.fp);
      assert.ok(r.failure.message.includes(`host ${name}`) && r.failure.message.includes(impostor.fp) && r.failure.message.includes(real.fp), r.failure.message);
      const added = await waitFor('sshd to log the closed connection', () => {
        const log = sshdLog(name).slice(before.length);
        return /Connection closed|Disconnected|disconnect/i.test(log) && log;
      }, { timeoutMs: 30_000 });
      assert.doesNotMatch(added, /Accepted|publickey|Postponed|Failed/, `sshd saw an authentication attempt: ${added}`);
      assert.equal(readFileSync(kh, 'utf8'), `${real.address} ${impostor.type} ${impostor.b64}\n`, 'known_hosts untouched');
    });

    it('refuses an unknown host key with its fingerprint; accept-new records it and then it is known', async () => {
      const h = lab.hosts[2]!;
      const real = hostKey(h.name);
      const kh = join(scratch, 'new_known_hosts');
      writeFileSync(kh, '');
      const refused = await drive<Outcome<unknown>[]>('hosts', { hosts: [h], knownHosts: kh });
      const r = refused.result[0]!;
      assert.equal(!r.ok && r.failure.kind, 'host-key-unknown');
      assert.equal(!r.ok && r.failure.kind === 'host-key-unknown' && r.failure.fingerprint, real.fp);
      assert.match(!r.ok && 'hint' in r.failure ? r.failure.hint ?? '' : '', /--accept-new-host-keys/);
      assert.equal(readFileSync(kh, 'utf8'), '');

      const accepted = await drive<Outcome<{ stdout: string }>[]>('hosts', { hosts: [h], knownHosts: kh, acceptNew: true });
      assert.ok(accepted.result[0]!.ok, JSON.stringify(accepted.result[0]));
      assert.deepEqual(accepted.recorded, [`${h.name} ${kh} ${real.fp}`]);
      assert.equal(readFileSync(kh, 'utf8'), `${h.address} ${real.type} ${real.b64}\n`);
      const again = await drive<Outcome<unknown>[]>('hosts', { hosts: [h], knownHosts: kh });
      assert.ok(again.result[0]!.ok, 'known now, without accept-new');
    });

    it('reports a key the host does not take as an auth failure with a hint', async () => {
      const other = join(scratch, 'other_key');
      const gen = await lab.adminExec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      assert.equal(gen.code, 0, gen.stderr);
      const { result: r } = await drive<Outcome<unknown>>('wrongKey', {}, { HF_TR_OTHER_KEY: other });
      assert.equal(!r.ok && r.failure.kind, 'auth');
      assert.match(!r.ok ? r.failure.message : '', new RegExp(`tried key ${other}`));
      assert.match(!r.ok && 'hint' in r.failure ? r.failure.hint ?? '' : '', /ansible_ssh_private_key_file|ssh-add/);
    });

    it('reports a connection dropped under a running command as unreachable, and dials again next time', async () => {
      const { result: r } = await drive<{ inflight: Outcome<unknown>; after: Outcome<{ stdout: string }> }>('drop');
      assert.equal(!r.inflight.ok && r.inflight.failure.kind, 'unreachable', JSON.stringify(r));
      assert.match(!r.inflight.ok ? r.inflight.failure.message : '', /connection lost/);
      assert.equal(r.after.ok && r.after.value.stdout, 'back\n');
    });

    it('gives up on a host that never answers after the connect timeout, as unreachable', async () => {
      // .250 of the lab's own /24 is never assigned: ARP goes unanswered on the lab bridge.
      const silent = { name: 'silent', address: lab.hosts[0]!.address.replace(/\.\d+$/, '.250') };
      const { result } = await drive<{ r: Outcome<unknown>; ms: number }>('timed', { hosts: [silent], connectTimeoutMs: 1500 });
      assert.equal(!result.r.ok && result.r.failure.kind, 'unreachable', JSON.stringify(result.r));
      assert.ok(result.ms >= 1000 && result.ms < 8000, `gave up after ${result.ms} ms`);
      assert.match(!result.r.ok ? result.r.failure.message : '', /no SSH handshake in time/);
    });

    it('reports a host whose sshd is stopped as unreachable, a value beside the hosts that answer', async () => {
      const down = lab.state.hosts[3]!;
      process.kill(down.sshdPid!, 'SIGTERM');
      await waitFor('sshd to stop', () => {
        try {
          process.kill(down.sshdPid!, 0);
          return false;
        } catch {
          return true;
        }
      });
      const { result } = await drive<Outcome<{ stdout: string }>[]>('hosts');
      result.forEach((r, i) => {
        if (i === 3) {
          assert.equal(!r.ok && r.failure.kind, 'unreachable');
          assert.match(!r.ok ? r.failure.message : '', new RegExp(`host ${down.name} .*connection refused`));
        } else {
          assert.ok(r.ok, JSON.stringify(r));
        }
      });
    });
  });
}
