/**
 * Differential test: generated inventories read by hafleet and by ansible-core itself
 * (Debian 12's ansible-core, installed by `make test` as the oracle). Every `--list` document
 * must be equal key for key and every `--limit` pattern must select the same hosts in the same
 * order, except where hafleet differs on purpose: those are named below and counted.
 *
 * The oracle is ONE python process importing ansible's InventoryManager/VariableManager and
 * ansible-inventory's json builder (a process per case costs ~1 s); a few inventories also go
 * through the real `ansible-inventory --list` binary to prove the in-process oracle is the CLI.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { loadInventory, selectHosts, toAnsibleList } from '../../src/inventory/index.js';
import { formatDiagnostic } from '../../src/diagnostics/index.js';
import { generate, type Generated } from '../fixtures/inventory/oracle/generate.js';

const INVENTORIES = 220;
const CLI_CHECKS = 4;
/** Pairs of generated inventories read as `ansible-inventory -i a -i b` (the real binary, ~1 s each). */
const TWO_SOURCE_CASES = 30;
/** Generated inventories served by an executable script (most with _meta.hostvars, every fourth answering --host). */
const SCRIPT_CASES = 8;
const ORACLE = new URL('../fixtures/inventory/oracle/oracle.py', import.meta.url).pathname;

/**
 * Where hafleet differs from ansible-core on purpose. Each is checked: hafleet must refuse
 * exactly where Ansible shows the stated behaviour, and nowhere else.
 */
const NAMED_DIFFERENCES = {
  // Ansible warns "Could not match supplied host pattern, ignoring" and goes on with the other
  // terms; hafleet refuses the whole pattern: a typo in --limit 'all:!lb1' must not deploy lb1.
  'unmatched-term-refused': 'a pattern term that matches nothing is an error (unknown-pattern), Ansible warns and ignores it',
  // Ansible fails too ("No hosts matched the subscripted pattern"); hafleet says which range exists.
  'subscript-out-of-range-refused': 'a subscript past the end is an error (pattern-slice), as Ansible (which raises AnsibleError)',
  // Ansible's [a:b] past the end is a Python slice: nothing, silently; hafleet says which range exists.
  'slice-past-end-refused': 'a [a:b] slice starting past the end is an error (pattern-slice); Ansible selects nothing for that term',
} as const;
type DifferenceName = keyof typeof NAMED_DIFFERENCES;

interface OraclePattern { hosts: string[] | null; unmatched: string[]; error: string | null }
interface OracleResult { list: Record<string, unknown> | null; ambiguous: string[]; error: string | null; warnings: string[]; patterns: OraclePattern[] }

function python(): string {
  // ansible-inventory's own interpreter: a pyenv python3 on PATH may not have ansible.
  let bin: string;
  try {
    bin = execFileSync('sh', ['-c', 'command -v ansible-inventory'], { encoding: 'utf8' }).trim();
  } catch {
    assert.fail('ansible-inventory is not installed: `make test` installs ansible-core (the oracle); or apt-get install ansible-core');
  }
  const shebang = readFileSync(bin, 'utf8').split('\n')[0]!.replace(/^#!\s*/, '').trim().split(/\s+/);
  return shebang[0]!.endsWith('env') ? shebang[1]! : shebang[0]!;
}

function writeCase(root: string, i: number, g: Generated): string {
  const dir = join(root, `inv${String(i).padStart(3, '0')}`);
  for (const [path, content] of Object.entries(g.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  mkdirSync(dir, { recursive: true });
  return g.source === '.' ? dir : join(dir, g.source);
}

// Ansible reads no ansible.cfg of this machine or this checkout while it is the oracle.
const oracleEnv = (root: string) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, ANSIBLE_CONFIG: join(root, 'none.cfg'), LANG: 'C.UTF-8', ANSIBLE_NOCOLOR: '1' });

test(`inventory differential test against ansible-core over ${INVENTORIES} generated inventories`, { timeout: 120_000 }, () => {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'hafleet-oracle-'));
  try {
    const cases = Array.from({ length: INVENTORIES }, (_, i) => generate(1000 + i));
    const sources = cases.map((g, i) => writeCase(root, i, g));
    const request = JSON.stringify({ cases: cases.map((g, i) => ({ source: sources[i], patterns: g.patterns })) });
    const run = spawnSync(python(), [ORACLE], { input: request, cwd: root, env: oracleEnv(root), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    assert.equal(run.status, 0, `oracle failed: ${run.stderr}`);
    const oracle = JSON.parse(run.stdout) as { version: string; results: OracleResult[] };
    const oracleMs = Date.now() - started;

    const mismatches: string[] = [];
    const differences = new Map<DifferenceName, number>();
    const named = (n: DifferenceName) => differences.set(n, (differences.get(n) ?? 0) + 1);
    let patterns = 0;
    let setCompared = 0;
    const shapes: Record<string, number> = {};
    cases.forEach((g, i) => {
      shapes[g.shape] = (shapes[g.shape] ?? 0) + 1;
      const want = oracle.results[i]!;
      const where = `case ${i} (seed ${1000 + i}, ${g.shape}, ${sources[i]})`;
      assert.equal(want.error, null, `${where}: the generator wrote an inventory Ansible refuses: ${want.error}`);
      const loaded = loadInventory(sources[i]!, {});
      if (!loaded.ok) {
        mismatches.push(`${where}: hafleet refuses an inventory Ansible reads:\n  ${loaded.diagnostics.map(formatDiagnostic).join('\n  ')}`);
        return;
      }
      try {
        assert.deepStrictEqual(toAnsibleList(loaded.value), want.list);
      } catch (e) {
        mismatches.push(`${where}: --list differs:\n${(e as Error).message.slice(0, 3000)}`);
      }
      g.patterns.forEach((p, j) => {
        patterns++;
        const w = want.patterns[j]!;
        const got = selectHosts(loaded.value, p, { cwd: root });
        const codes = got.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
        if (w.error !== null) {
          if (/No hosts matched the subscripted pattern/.test(w.error) && !got.ok && codes.includes('pattern-slice')) named('subscript-out-of-range-refused');
          else mismatches.push(`${where}: pattern ${JSON.stringify(p)}: Ansible fails (${w.error}), hafleet ${got.ok ? `selects ${JSON.stringify(got.value)}` : `refuses with ${codes.join(', ')}`}`);
          return;
        }
        // Ansible also warns about a term naming an empty group; hafleet selects nothing for it, alike.
        if (!got.ok && w.unmatched.length > 0 && codes.includes('unknown-pattern') && codes.every((c) => c === 'unknown-pattern' || c === 'pattern-slice')) {
          named('unmatched-term-refused');
          return;
        }
        if (!got.ok && codes.every((c) => c === 'pattern-slice') && /\[\d+:\d*\]/.test(p)) {
          named('slice-past-end-refused');
          return;
        }
        // Where Ansible's own order follows Python set iteration (see oracle.py), compare sets:
        // the hosts chosen must agree; a subscript over such a group picks by that order.
        if (want.ambiguous.length > 0) {
          setCompared++;
          if (got.ok && /\[-?\d/.test(p)) return;
          if (got.ok && JSON.stringify([...got.value].sort()) === JSON.stringify([...w.hosts!].sort())) return;
        }
        if (!got.ok) mismatches.push(`${where}: pattern ${JSON.stringify(p)}: Ansible selects ${JSON.stringify(w.hosts)}, hafleet refuses: ${got.diagnostics.map(formatDiagnostic).join('; ')}`);
        else if (JSON.stringify(got.value) !== JSON.stringify(w.hosts)) mismatches.push(`${where}: pattern ${JSON.stringify(p)}: Ansible ${JSON.stringify(w.hosts)}, hafleet ${JSON.stringify(got.value)}`);
      });
    });

    // The in-process oracle is the CLI: the real binary on a few inventories of each shape.
    const picked = [...new Set(['yaml', 'ini', 'dir'].map((s) => cases.findIndex((g) => g.shape === s)))].filter((i) => i >= 0);
    while (picked.length < CLI_CHECKS) picked.push(picked.length * 37);
    for (const i of picked) {
      const out = execFileSync('ansible-inventory', ['-i', sources[i]!, '--list'], { cwd: root, env: oracleEnv(root), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.deepStrictEqual(JSON.parse(out), oracle.results[i]!.list, `case ${i}: ansible-inventory --list differs from the in-process oracle`);
    }

    const kinds = [...differences.entries()].map(([k, n]) => `${k} ×${n}`).join(', ');
    console.log(`inventory-diff: ${INVENTORIES} inventories (${Object.entries(shapes).map(([k, n]) => `${n} ${k}`).join(', ')}), ${patterns} patterns (${setCompared} compared as sets where Ansible's order is Python set order), ` +
      `${differences.size} named differences (${kinds}); ansible-core ${oracle.version}, ${picked.length} checked with the ansible-inventory binary; ` +
      `oracle ${oracleMs} ms, total ${Date.now() - started} ms`);
    assert.equal(mismatches.length, 0, `${mismatches.length} mismatches:\n${mismatches.slice(0, Number(process.env.SHOW ?? 15)).join('\n\n')}`);
    assert.ok(patterns >= 1000, `only ${patterns} patterns`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test(`two inventory sources (-i a -i b) against ansible-inventory over ${TWO_SOURCE_CASES} generated pairs`, { timeout: 120_000 }, () => {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'hafleet-oracle2-'));
  try {
    const mismatches: string[] = [];
    let compared = 0;
    let loopsRefused = 0;
    for (let i = 0; i < TWO_SOURCE_CASES; i++) {
      // Seeds apart from the single-source test's; the two halves share host and group names.
      const a = writeCase(root, 2 * i, generate(5000 + 2 * i));
      const b = writeCase(root, 2 * i + 1, generate(5001 + 2 * i));
      const run = spawnSync('ansible-inventory', ['-i', a, '-i', b, '--list'], { cwd: root, env: oracleEnv(root), encoding: 'utf8' });
      assert.equal(run.status, 0, `pair ${i}: ansible-inventory failed: ${run.stderr}`);
      const loaded = loadInventory([a, b], {});
      // Named difference: a group loop made by the second source is refused; Ansible warns that
      // it cannot parse that source and keeps what it read of it before the loop.
      if (!loaded.ok && /recursive\s+dependency\s+loop/.test(run.stderr) && loaded.diagnostics.every((d) => d.severity !== 'error' || /its own ancestor/.test(d.message))) {
        loopsRefused++;
        continue;
      }
      if (!loaded.ok) {
        mismatches.push(`pair ${i} (${a} + ${b}): hafleet refuses what Ansible reads:\n  ${loaded.diagnostics.map(formatDiagnostic).join('\n  ')}`);
        continue;
      }
      try {
        assert.deepStrictEqual(toAnsibleList(loaded.value), JSON.parse(run.stdout));
        compared++;
      } catch (e) {
        mismatches.push(`pair ${i} (${a} + ${b}): --list differs:\n${(e as Error).message.slice(0, 3000)}`);
      }
    }
    console.log(`inventory-diff two sources: ${compared}/${TWO_SOURCE_CASES} pairs equal to ansible-inventory -i a -i b, loop-across-sources-refused ×${loopsRefused} (a group loop the second source makes is an error; Ansible warns and keeps the source's part before it), ${Date.now() - started} ms`);
    assert.equal(mismatches.length, 0, `${mismatches.length} mismatches:\n${mismatches.slice(0, 5).join('\n\n')}`);
    assert.ok(compared >= TWO_SOURCE_CASES - 3, `only ${compared} pairs compared`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test(`inventory scripts (--list, _meta.hostvars or --host) against ansible-inventory over ${SCRIPT_CASES} generated inventories`, { timeout: 120_000 }, () => {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'hafleet-oracle3-'));
  try {
    const mismatches: string[] = [];
    for (let i = 0; i < SCRIPT_CASES; i++) {
      const g = generate(9000 + i);
      const source = writeCase(root, i, g);
      const loaded = loadInventory(source, {});
      assert.ok(loaded.ok, `case ${i}: ${loaded.diagnostics.map(formatDiagnostic).join('; ')}`);
      // What the script serves: the inventory as --list shows it (the single-source test holds
      // that this is Ansible's own --list); without _meta, Ansible asks --host for every host.
      const doc = toAnsibleList(loaded.value) as Record<string, unknown> & { _meta: { hostvars: Record<string, unknown> } };
      const withMeta = i % 4 !== 3; // --host costs Ansible a python start per host
      const served = withMeta ? doc : Object.fromEntries(Object.entries(doc).filter(([k]) => k !== '_meta'));
      const script = join(root, `script${i}.py`);
      writeFileSync(script, `#!/usr/bin/env python3
import json, sys
DOC = json.loads(${JSON.stringify(JSON.stringify(served))})
HOSTVARS = json.loads(${JSON.stringify(JSON.stringify(doc._meta.hostvars))})
if sys.argv[1:] == ['--list']:
    print(json.dumps(DOC))
elif sys.argv[1:2] == ['--host']:
    print(json.dumps(HOSTVARS.get(sys.argv[2], {})))
else:
    sys.exit(2)
`);
      chmodSync(script, 0o755);
      const run = spawnSync('ansible-inventory', ['-i', script, '--list'], { cwd: root, env: oracleEnv(root), encoding: 'utf8' });
      assert.equal(run.status, 0, `script ${i}: ansible-inventory failed: ${run.stderr}`);
      const mine = loadInventory(script, {});
      if (!mine.ok) { mismatches.push(`script ${i} (${g.shape}): hafleet refuses: ${mine.diagnostics.map(formatDiagnostic).join('; ')}`); continue; }
      try {
        assert.deepStrictEqual(toAnsibleList(mine.value), JSON.parse(run.stdout));
      } catch (e) {
        mismatches.push(`script ${i} (${g.shape}, ${withMeta ? '_meta' : '--host'}): --list differs:\n${(e as Error).message.slice(0, 3000)}`);
      }
    }
    console.log(`inventory-diff scripts: ${SCRIPT_CASES - mismatches.length}/${SCRIPT_CASES} script inventories equal to ansible-inventory's reading, ${Date.now() - started} ms`);
    assert.equal(mismatches.length, 0, `${mismatches.length} mismatches:\n${mismatches.slice(0, 4).join('\n\n')}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
