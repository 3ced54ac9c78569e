/**
 * Each lint rule has test/fixtures/lint/<code>/: an inventory that breaks the rule and
 * expected.txt with the exact lines `hafleet lint` prints. UPDATE_GOLDEN=1 rewrites expected.txt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { loadInventory } from '../../../src/inventory/index.js';
import { lintInventory, rules } from '../../../src/lint/index.js';
import { BUILD_CODES } from '../../../src/topology/index.js';

const root = 'test/fixtures/lint';
const folders = readdirSync(root).filter((f) => existsSync(join(root, f, 'hosts.yml'))).sort();

function linesOf(dir: string): string[] {
  const loaded = loadInventory(dir);
  if (!loaded.ok) return loaded.diagnostics.map(formatDiagnostic);
  return [...loaded.diagnostics, ...lintInventory(loaded.value)].map(formatDiagnostic);
}

for (const folder of folders) {
  test(`lint fixture ${folder}`, () => {
    const dir = join(root, folder);
    const actual = linesOf(dir);
    const file = join(dir, 'expected.txt');
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual.map((l) => l + '\n').join(''));
    const expected = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.deepEqual(actual, expected);
    if (folder === 'clean') return;
    // The fixture must fail its own rule (folder name = code, optionally with a -suffix case).
    const code = [...rules.map((r) => r.code), ...BUILD_CODES].filter((c) => folder === c || folder.startsWith(c + '--')).sort((a, b) => b.length - a.length)[0];
    assert.ok(code, `${folder} names no rule or build code`);
    assert.ok(actual.some((l) => l.includes(`[${code}]`)), `${folder} does not trigger ${code}`);
  });
}

test('every rule has a failing fixture', () => {
  const missing = rules.map((r) => r.code).filter((c) => !folders.some((f) => f === c || f.startsWith(c + '--')));
  assert.deepEqual(missing, []);
});

test('every code the model builder reports has a failing fixture too', () => {
  assert.deepEqual(BUILD_CODES.filter((c) => !folders.some((f) => f === c || f.startsWith(c + '--'))), []);
});

test('rule codes are unique and kebab-case', () => {
  const codes = rules.map((r) => r.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of codes) assert.match(c, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});
