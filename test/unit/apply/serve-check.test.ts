import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseServeProbe, serveProbeScript, serveProblems, type ServeObservation } from '../../../src/apply/index.js';

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
