import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { buildFactsScript } from '../../../src/facts/script.js';
import { factsReportProblem, parseFactsReport } from '../../../src/facts/parse-report.js';

const dir = mkdtempSync(join(tmpdir(), 'hf-files-only-'));
const file = join(dir, 'nginx.conf');
writeFileSync(file, 'events {}\n');
const script = buildFactsScript({ paths: [file, join(dir, 'gone.conf')], managedDirs: [], sysctls: [], contents: false, filesOnly: true });

test('files-only script (status on a realserver): valid sh (sh -n, shellcheck), no tool, process or address probe', () => {
  assert.equal(spawnSync('sh', ['-n'], { input: script }).status, 0);
  const sc = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: script, encoding: 'utf8' });
  assert.equal(sc.status, 0, sc.stdout);
  for (const probe of ['/proc/[0-9]', 'ip -j', 'ip -o', 'command -v "$t"', 'service-manager']) assert.ok(!script.includes(probe), probe);
});

test('files-only script runs here: checksums of the files, scope files, read by the shared parser', () => {
  const r = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(factsReportProblem(r.stdout), null);
  const f = parseFactsReport('web1', r.stdout);
  assert.equal(f.readScope, 'files');
  assert.equal(f.files[file]?.sha256, createHash('sha256').update('events {}\n').digest('hex'));
  assert.equal(f.files[file]?.content, null);
  assert.equal(f.files[join(dir, 'gone.conf')]?.sha256, null);
  assert.deepEqual(f.addresses, []);
  assert.deepEqual(f.tools, {});
});

test('the full script still probes tools, processes and addresses', () => {
  const full = buildFactsScript({ paths: [file], managedDirs: [], sysctls: [], contents: false });
  for (const probe of ['/proc/[0-9]', 'ip -j addr', 'service-manager']) assert.ok(full.includes(probe), probe);
});
