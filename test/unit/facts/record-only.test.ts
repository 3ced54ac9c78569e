import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildFactsScript, MARK as MARK_FOR_TESTS } from '../../../src/facts/script.js';
import { factsReportProblem, parseFactsReport } from '../../../src/facts/parse-report.js';

const script = buildFactsScript({ paths: [], managedDirs: [], sysctls: [], recordOnly: true });

test('record-only script: valid sh (sh -n, shellcheck) and no probe of tools, processes or addresses', () => {
  assert.equal(spawnSync('sh', ['-n'], { input: script }).status, 0);
  const sc = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: script, encoding: 'utf8' });
  assert.equal(sc.status, 0, sc.stdout);
  for (const probe of ['/proc/', 'ip ', 'command -v', 'stat ', 'sha256sum']) assert.ok(!script.includes(probe), probe);
});

test('record-only script runs here: a whole report, scope record, read back by the shared parser', () => {
  const r = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(factsReportProblem(r.stdout), null);
  const f = parseFactsReport('rs1', r.stdout);
  assert.equal(f.readScope, 'record');
  assert.deepEqual(f.files, {});
});

test('a record-only report with a record: its files are what the planner may remove', () => {
  const record = { at: '2026-12-01T00:00:00Z', by: 'op@admin', planId: 'p1', files: [{ path: '/etc/sysctl.d/90-hafleet-arp.conf', sha256: 'a'.repeat(64) }] };
  const text = [`${MARK_FOR_TESTS} hafleet-facts 1`, `${MARK_FOR_TESTS} scope record`, `${MARK_FOR_TESTS} last-deploy`, Buffer.from(JSON.stringify(record)).toString('base64'), `${MARK_FOR_TESTS} end`, ''].join('\n');
  assert.equal(factsReportProblem(text), null);
  const f = parseFactsReport('rs1', text);
  assert.equal(f.readScope, 'record');
  assert.deepEqual(f.lastDeploy?.files.map((x) => x.path), ['/etc/sysctl.d/90-hafleet-arp.conf']);
});
