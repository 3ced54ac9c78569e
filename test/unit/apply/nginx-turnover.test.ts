import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxTurnedOver, nginxWorkersScript, parseServeProbe, proveServes, serveProbeScript } from '../../../src/apply/serve-check.js';
import type { Transport } from '../../../src/transport/types.js';
import { FakeClock, ref } from './fake-transport.js';

/**
 * The serve proof after an nginx reload ends once nginx's old workers no longer take requests
 * (they say "shutting down" and have closed their listeners), seen in the look itself, instead of
 * after a fixed second; where that cannot be seen, the second stays.
 */

test('the probe lists nginx workers before its requests; parsed back as live or old', () => {
  const waiting = serveProbeScript([{ port: 80, host: 'v' }], [], [41, 57]);
  assert.match(waiting, /for p in 41 57; do/, 'after a reload it waits for the workers seen before');
  assert.equal(spawnSync('bash', ['-n'], { input: waiting }).status, 0);
  const sc = spawnSync('shellcheck', ['-s', 'bash', '-S', 'warning', '-'], { input: waiting, encoding: 'utf8' });
  assert.equal(sc.status, 0, sc.stdout);
  const s = serveProbeScript([{ port: 80, host: 'v' }]);
  assert.ok(s.indexOf('nginx-worker') < s.indexOf('curl '), 'workers first: a request after a list without a live old worker reaches the new config');
  assert.ok(!serveProbeScript([]).includes('nginx-worker'), 'no nginx port: no worker list');
  const o = parseServeProbe('@@hafleet nginx-worker 41 old\n@@hafleet nginx-worker 57 live\n@@hafleet http 80 200\n');
  assert.deepEqual([...o.nginxWorkers!], [[41, 'old'], [57, 'live']]);
  assert.equal(parseServeProbe('@@hafleet http 80 200\n').nginxWorkers, undefined);
});

test('turned over: no worker from before is live and a new one is; unknown before means not known', () => {
  const before = new Set([10, 11]);
  assert.equal(nginxTurnedOver(before, new Map([[10, 'live'], [11, 'live']])), false, 'not reloaded yet');
  assert.equal(nginxTurnedOver(before, new Map([[10, 'live'], [20, 'live']])), false, 'one old worker still accepts');
  assert.equal(nginxTurnedOver(before, new Map([[10, 'old'], [11, 'old'], [20, 'live']])), true, 'old ones shutting down');
  assert.equal(nginxTurnedOver(before, new Map([[20, 'live']])), true, 'old ones gone');
  assert.equal(nginxTurnedOver(before, new Map([[10, 'old']])), false, 'no live worker at all');
  assert.equal(nginxTurnedOver(before, undefined), false);
  assert.equal(nginxTurnedOver(new Set(), new Map([[20, 'live']])), false, 'nothing seen before: cannot tell');
});

/** A director whose look at time t reports `workers(t)` and nginx answering `code(t)`. */
function director(clock: FakeClock, workers: (t: number) => string, code: (t: number) => number = () => 200) {
  const looks: number[] = [];
  const scripts: string[] = [];
  const transport = {
    exec: async (_h: unknown, _c: string, o: { stdin?: string }) => {
      const t = clock.now();
      looks.push(t);
      scripts.push(String(o.stdin));
      return { ok: true, value: { code: 0, stdout: `${workers(t)}@@hafleet http 80 ${code(t)}\n@@hafleet:procs@@\nhafleet-agent 1\n@@hafleet:agent@@\n{"instances":[{"name":"web_51","state":"BACKUP","priority":100}]}\n@@hafleet:end@@\n`, stderr: '' } };
    },
  } as unknown as Transport;
  return { transport, looks, scripts };
}
const l = { ports: [{ port: 80, host: 'v' }], instances: [], scripts: [], directors: [], hosts: [], vips: [], served: true, cluster: 'web', trackWindowMs: 8000, speakerCycleMs: 4000 };
const base = { windowMs: 8000, quietMs: 1000, pollMs: 500 };
const OLD = '@@hafleet nginx-worker 10 old\n@@hafleet nginx-worker 20 live\n';
const NOT_YET = '@@hafleet nginx-worker 10 live\n';

test('the proof ends at the first good look that sees the reload taken, not after the quiet second', async () => {
  let clock = new FakeClock();
  let d = director(clock, () => OLD);
  assert.equal(await proveServes(d.transport, ref('lb2'), l, { ...base, clock, turnover: { workersBefore: new Set([10]), afterMs: 0 } }), null);
  assert.deepEqual(d.looks, [0], 'one look');
  assert.ok(!d.scripts[0]!.includes('for p in 10;'), 'nginx not reloaded by this deploy: no wait on the host for its workers');

  clock = new FakeClock();
  d = director(clock, () => OLD);
  assert.equal(await proveServes(d.transport, ref('lb2'), l, { ...base, clock, turnover: { workersBefore: new Set([10]), afterMs: 0, nginxReloaded: true } }), null);
  assert.match(d.scripts[0]!, /for p in 10; do/, 'nginx reloaded: the look waits on the host for worker 10 to stop taking requests');

  clock = new FakeClock();
  d = director(clock, (t) => (t < 250 ? NOT_YET : OLD));
  assert.equal(await proveServes(d.transport, ref('lb2'), l, { ...base, clock, turnover: { workersBefore: new Set([10]), afterMs: 0 } }), null);
  assert.ok(d.looks.length >= 2 && d.looks.at(-1)! >= 250 && d.looks.at(-1)! < 1000, `looked again soon and ended once turned over: ${d.looks}`);
  assert.ok(d.looks[1]! - d.looks[0]! <= 100, 'while waiting for the turnover it looks every 100 ms, not every 500');

  clock = new FakeClock();
  d = director(clock, () => NOT_YET);
  assert.equal(await proveServes(d.transport, ref('lb2'), l, { ...base, clock, turnover: { workersBefore: new Set([10]), afterMs: 0 } }), null);
  assert.ok(clock.now() >= 1000 && clock.now() < 2000, `never turned over (the reload not seen): the quiet second decides, as before (${clock.now()} ms)`);
});

test('turned over but the speaker was reloaded too: its cycle is still waited for; a bad look is still watched to the end', async () => {
  let clock = new FakeClock();
  let d = director(clock, () => OLD);
  assert.equal(await proveServes(d.transport, ref('lb2'), l, { ...base, clock, quietMs: 4000, turnover: { workersBefore: new Set([10]), afterMs: 4000 } }), null);
  assert.ok(clock.now() >= 4000 && clock.now() < 5000, `ended after the speaker's cycle (${clock.now()} ms)`);

  clock = new FakeClock();
  d = director(clock, () => OLD, () => 502);
  assert.match((await proveServes(d.transport, ref('lb2'), l, { ...base, clock, turnover: { workersBefore: new Set([10]), afterMs: 0 } }))!, /nginx answers 502/);
  assert.ok(clock.now() >= 8000, 'the new workers answer 502: watched for the whole window');
});

/** A free loopback port for the real nginx below. */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function workersNow(master: number, pidFile: string, waitGone: number[] = []): Map<number, 'live' | 'old'> {
  const out = spawnSync('bash', ['-c', nginxWorkersScript(pidFile, waitGone)], { encoding: 'utf8' }).stdout;
  const all = parseServeProbe(out).nginxWorkers ?? new Map();
  // Other nginx may run in this network namespace: keep this master's children.
  const ppid = (pid: number) => {
    try {
      return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
    } catch {
      return -1;
    }
  };
  return new Map([...all].filter(([pid]) => ppid(pid) === master));
}

for (const how of ['its pid file', 'every process of the namespace (no pid file)'] as const)
test(`a real nginx, its workers found through ${how}: its worker live, and after a reload the new one live and the old one gone or shutting down`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-nginx-turnover-'));
  const port = await freePort();
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'nginx.conf'), `daemon off; master_process on; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/logs/error.log;
events { worker_connections 64; }
http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${port}; location / { return 200 "ok\\n"; } } }
`);
  const nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  t.after(() => {
    nginx.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(ok(), what);
  };
  const pidFile = how === 'its pid file' ? join(dir, 'nginx.pid') : join(dir, 'none.pid');
  let before = new Map<number, 'live' | 'old'>();
  await until('nginx started its worker', () => (before = workersNow(nginx.pid!, pidFile)).size === 1);
  assert.deepEqual([...before.values()], ['live']);
  const started = performance.now();
  process.kill(nginx.pid!, 'SIGHUP');
  // One look right after the reload, as the proof's first: it waits on the host for the turnover.
  const now = workersNow(nginx.pid!, pidFile, [...before.keys()]);
  t.diagnostic(`one look ${Math.round(performance.now() - started)} ms after SIGHUP; workers ${JSON.stringify([...now])}`);
  assert.ok(nginxTurnedOver(new Set(before.keys()), now), `the first look saw the reload taken: ${JSON.stringify([...now])}`);
  const [oldPid] = before.keys();
  assert.notEqual(now.get(oldPid!), 'live');
});

test("the speaker's probe runs beside the look from the start, its output (in a pipe) read after the requests, its stdin not the script", () => {
  const s = serveProbeScript([{ port: 80, host: 'v' }], [{ name: 'chk', command: '/usr/local/sbin/hafleet-check-nginx', user: 'nobody', timeoutSec: 2 }], [41]);
  const at = (needle: string) => s.indexOf(needle);
  assert.ok(at('exec 4< <(hafleet_speaker </dev/null)') > at('hafleet_speaker() {'), 'started once defined');
  assert.ok(at('exec 4< <(hafleet_speaker </dev/null)') < at('for p in 41; do'), 'before the wait for the old workers');
  assert.ok(at('@@hafleet script 0') < at('cat <&4'), 'read after the look and the track scripts');
  assert.ok(!/>\s*\/tmp|mktemp/.test(s.slice(at('exec 4<'))), 'never through a file: keepalived\'s dump holds auth_pass');
  // The same parse as before: a look's lines first, then the probe's sections.
  const o = parseServeProbe('@@hafleet nginx-worker 57 live\n@@hafleet http 80 200\n@@hafleet script 0 0\n@@hafleet:addr@@\n[]\n@@hafleet:procs@@\nkeepalived 120\n@@hafleet:end@@\n');
  assert.equal(o.speakerRuns, true);
  assert.deepEqual([...o.http], [[80, 200]]);
});
