import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseServeProbe, proveServes, scriptWords, serveProbeScript, serveProblems, type ServeObservation } from '../../../src/apply/serve-check.js';
import type { Transport } from '../../../src/transport/types.js';
import { FakeClock, ref } from './fake-transport.js';

const lane = { ports: [{ port: 80, host: '198.18.0.100' }, { port: 8080, host: '[2001:db8::100]' }], instances: [{ name: 'web_51', priorities: { lb1: 150, lb2: 100 } }] };
const speaker = (state: string, prio?: number, scripts: { name: string; ok: boolean }[] = []) => ({
  source: 'keepalived' as const, scripts,
  instances: [{ name: 'web_51', state: state as 'BACKUP', authFailures: 0, ...(prio !== undefined ? { effectivePriority: prio } : {}) }],
});
const seen = (http: [number, number][], s = speaker('BACKUP', 100)): ServeObservation => ({ http: new Map(http), speaker: s, speakerRuns: true });

test('a director in BACKUP at its priority whose nginx answers 200 on every port serves', () => {
  assert.deepEqual(serveProblems(lane, 'lb2', seen([[80, 200], [8080, 404]])), []);
});

test('502/503/504 or no answer through the new config is not serving; a port that already failed before must still connect', () => {
  assert.deepEqual(serveProblems(lane, 'lb2', seen([[80, 503], [8080, 0]]), new Map([[80, 200]])), [
    'nginx answers 503 on port 80 (200 before the change)',
    'nginx does not answer on port 8080',
  ]);
  assert.deepEqual(serveProblems(lane, 'lb2', seen([[80, 503], [8080, 200]]), new Map([[80, 503]])), [], 'every realserver was already down: not the new config');
  assert.match(serveProblems(lane, 'lb2', seen([[80, 502], [8080, 200]]))[0]!, /502 on port 80 \(its realservers do not answer/);
});

test('the speaker: FAULT, demoted below its configured priority, a failing track script, or not running at all', () => {
  const ok: [number, number][] = [[80, 200], [8080, 200]];
  assert.deepEqual(serveProblems(lane, 'lb2', seen(ok, speaker('FAULT', 0))), ['VRRP instance web_51 is FAULT']);
  assert.deepEqual(serveProblems(lane, 'lb2', seen(ok, speaker('BACKUP', 40, [{ name: 'chk_nginx', ok: false }]))), ['VRRP instance web_51 is demoted to priority 40 (configured 100)', 'track script chk_nginx fails']);
  assert.deepEqual(serveProblems(lane, 'lb1', seen(ok, speaker('MASTER', 150))), []);
  assert.deepEqual(serveProblems(lane, 'lb2', { http: new Map(ok), speaker: null, speakerRuns: false }), ['no VRRP speaker (keepalived or the agent) runs']);
  assert.deepEqual(serveProblems(lane, 'lb2', { http: new Map(ok), speaker: null, speakerRuns: true }), ['the VRRP speaker gave no account of its state']);
  assert.deepEqual(serveProblems(lane, 'lb2', seen(ok, { source: 'keepalived', scripts: [], instances: [] })), ['VRRP instance web_51 is not running']);
});

test('the probe script: one request per port with its Host from the director itself, then verify\'s probe; parsed back', () => {
  const s = serveProbeScript(lane.ports);
  assert.equal(spawnSync('bash', ['-n'], { input: s }).status, 0);
  assert.ok(s.includes(`-H 'Host: 198.18.0.100' 'http://127.0.0.1:80/'`));
  const data = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'verify', 'keepalived', 'master-script-bad.data'), 'utf8');
  const out = ['@@hafleet http 80 503', '@@hafleet http 8080 000', '@@hafleet:addr@@', '[]', '@@hafleet:procs@@', 'keepalived 120', '@@hafleet:kdata@@', data, '@@hafleet:end@@'].join('\n');
  const o = parseServeProbe(out);
  assert.deepEqual([...o.http], [[80, 503], [8080, 0]]);
  assert.equal(o.speakerRuns, true);
  assert.equal(o.speaker?.instances[0]?.state, 'MASTER');
  assert.ok(o.speaker?.scripts.some((x) => !x.ok), 'the fixture\'s failing script is seen');
});

test('track scripts: split into words as keepalived does (no shell), each run once as its user with its timeout; a failing run is a problem at once', () => {
  assert.deepEqual(scriptWords(`/usr/local/sbin/check 'a b' "c d" e;f`), ['/usr/local/sbin/check', 'a b', 'c d', 'e;f']);
  const scripts = [{ name: 'chk_nginx', command: '/usr/local/sbin/hafleet-check-nginx 80', user: 'nobody', timeoutSec: 2 }, { name: 'chk_x', command: `/bin/false $(reboot)`, user: 'x y', timeoutSec: 1.5 }];
  const s = serveProbeScript(lane.ports, scripts);
  assert.equal(spawnSync('bash', ['-n'], { input: s }).status, 0);
  assert.ok(s.includes(`timeout -k 1 2 runuser -u 'nobody' -- '/usr/local/sbin/hafleet-check-nginx' '80'`));
  assert.ok(s.includes(`runuser -u 'x y' -- '/bin/false' '$(reboot)'`), 'every word single-quoted: nothing in a script line runs as a shell word');
  const o = parseServeProbe('@@hafleet http 80 200\n@@hafleet http 8080 200\n@@hafleet script 0 0\n@@hafleet script 1 124\n');
  assert.deepEqual([...o.scripts!], [[0, 0], [1, 124]]);
  const withScripts = { ...lane, scripts };
  assert.deepEqual(serveProblems(withScripts, 'lb2', { ...seen([[80, 200], [8080, 200]]), scripts: o.scripts! }), ['track script chk_x fails when run as x y the way keepalived runs it (exit 124: timed out)']);
  assert.deepEqual(serveProblems(withScripts, 'lb2', seen([[80, 200], [8080, 200]])), ['track script chk_nginx was not run', 'track script chk_x was not run']);
});

/** A host whose look is scripted by the test: `bad(t)` says whether the look at time t fails. */
function looker(clock: FakeClock, bad: (t: number) => boolean) {
  const looks: number[] = [];
  const transport = {
    exec: async () => {
      looks.push(clock.now());
      const code = bad(clock.now()) ? 503 : 200;
      return { ok: true, value: { code: 0, stdout: `@@hafleet http 80 ${code}\n@@hafleet:procs@@\nhafleet-agent 1\n@@hafleet:agent@@\n{"instances":[{"name":"web_51","state":"BACKUP","priority":100}]}\n@@hafleet:end@@\n`, stderr: '' } };
    },
  } as unknown as Transport;
  return { transport, looks };
}

test('the proof ends at the first good look past quietMs; a bad look is watched to the end of the window and the last look judged', async () => {
  const l = { ...lane, ports: [{ port: 80, host: 'v' }], instances: [], scripts: [], directors: [], hosts: [], vips: [], served: true, cluster: 'web', trackWindowMs: 8000, speakerCycleMs: 4000 };
  let clock = new FakeClock();
  let h = looker(clock, () => false);
  assert.equal(await proveServes(h.transport, ref('lb2'), l, { clock, windowMs: 8000, quietMs: 1000, pollMs: 500 }), null);
  assert.ok(clock.now() >= 1000 && clock.now() < 2000, `ended at ${clock.now()} ms, not at the 8 s window`);
  clock = new FakeClock();
  h = looker(clock, () => true);
  assert.match((await proveServes(h.transport, ref('lb2'), l, { clock, windowMs: 8000, quietMs: 1000, pollMs: 500 }))!, /nginx answers 503/);
  assert.ok(clock.now() >= 8000, 'a failing director is watched for the whole window');
  clock = new FakeClock();
  h = looker(clock, (t) => t < 3000);
  assert.equal(await proveServes(h.transport, ref('lb2'), l, { clock, windowMs: 8000, quietMs: 1000, pollMs: 500 }), null, 'recovered (a reload turning over) and then quiet: serves');
  clock = new FakeClock();
  h = looker(clock, () => false);
  assert.equal(await proveServes(h.transport, ref('lb2'), l, { clock, windowMs: 8000, pollMs: 500 }), null);
  assert.ok(clock.now() >= 8000, 'without quietMs: the whole window, as before');
});
