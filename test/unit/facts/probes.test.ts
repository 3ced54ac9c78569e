/**
 * Probes ride on the facts script (issue 19 part 2: verify and status cost one round trip per
 * host): the real script under the local sh, its probe sections read back raw.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFactsScript } from '../../../src/facts/script.js';
import { factsReportProblem, parseFactsReport } from '../../../src/facts/parse-report.js';

function run(script: string) {
  const r = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(factsReportProblem(r.stdout), null, r.stdout);
  return parseFactsReport('local', r.stdout);
}

describe('facts probes', () => {
  it('keeps each probe\'s output raw, blank lines included, in its own subshell', () => {
    const f = run(buildFactsScript({
      paths: [], managedDirs: [], sysctls: [],
      probes: [
        { name: 'one', script: 'x=1; umask 022; echo "a"; echo; echo "@@hafleet:s@@"; cd /' },
        // The subshell kept the first probe's variable and cwd to itself; stdin is closed.
        { name: 'two-2', script: 'echo "x=${x:-unset}"; pwd; cat; echo end' },
      ],
    }));
    assert.equal(f.probes?.one, 'a\n\n@@hafleet:s@@');
    assert.match(f.probes?.['two-2'] ?? '', /^x=unset\n.+\nend$/);
    assert.ok(!(f.probes?.['two-2'] ?? '').includes('@@HF@@'), 'the rest of the script was not read as stdin');
  });

  it('refuses a probe name the report could not frame', () => {
    assert.throws(() => buildFactsScript({ paths: [], managedDirs: [], sysctls: [], probes: [{ name: 'a b', script: 'true' }] }), /probe name/);
  });

  it('with contents: false, reports checksums but no content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hf-tr-probes-'));
    try {
      writeFileSync(join(dir, 'a.conf'), 'hello\n');
      const path = join(dir, 'a.conf');
      const lean = run(buildFactsScript({ paths: [path], managedDirs: [], sysctls: [], contents: false }));
      assert.equal(lean.files[path]!.content, null);
      assert.match(lean.files[path]!.sha256 ?? '', /^[0-9a-f]{64}$/);
      const full = run(buildFactsScript({ paths: [path], managedDirs: [], sysctls: [] }));
      assert.equal(full.files[path]!.content, 'hello\n');
      assert.equal(full.files[path]!.sha256, lean.files[path]!.sha256);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
