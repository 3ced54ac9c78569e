/**
 * One key table (src/topology/keys.ts) feeds the JSON schema, the type checks and lint's
 * unknown-key rule; these tests keep schema/inventory.schema.json and docs/reference.md in step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { BUILD_CODES, clusterSpec, toJsonSchema, topLevelSpecs, walkValue, type KeySpec, type VarEvent } from '../../../src/topology/index.js';
import type { VarValue } from '../../../src/inventory/index.js';
import { rules } from '../../../src/lint/index.js';

const SCHEMA = 'schema/inventory.schema.json';
const DOCS = 'docs/reference.md';
type Json = { [k: string]: unknown };

test('schema/inventory.schema.json is generated from the key table (UPDATE_GOLDEN=1 rewrites it)', () => {
  const text = JSON.stringify(toJsonSchema(), null, 2) + '\n';
  if (process.env.UPDATE_GOLDEN) writeFileSync(SCHEMA, text);
  assert.equal(readFileSync(SCHEMA, 'utf8'), text);
  const doc = JSON.parse(text) as Json;
  assert.equal(doc.$schema, 'https://json-schema.org/draft/2020-12/schema');
});

// Instance keys mean the same as the short-form keys: compare them under one name.
const norm = (p: string) => p.replace(/^hafleet_clusters\[\]\.instances\[\]\.(vrid|vips)/, 'hafleet_clusters[].$1');

/** Key paths of the generated schema: `hafleet_clusters[].vrrp.auth_pass`, `vrrp_priority`. */
function schemaPaths(node: Json, path: string, out: Set<string>): void {
  if (node.anyOf) for (const o of node.anyOf as Json[]) schemaPaths(o, path, out);
  if (node.items) schemaPaths(node.items as Json, `${path}[]`, out);
  for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, Json>)) {
    const p = path ? `${path}.${k}` : k;
    out.add(norm(p));
    schemaPaths(v, p, out);
  }
}

/** Key paths of the YAML example (keys under `priorities` are host names, not keys). */
function yamlPaths(v: unknown, path: string, out: Set<string>): void {
  if (Array.isArray(v)) for (const item of v) yamlPaths(item, `${path}[]`, out);
  else if (v && typeof v === 'object') {
    for (const [k, sub] of Object.entries(v)) {
      const p = path ? `${path}.${k}` : k;
      out.add(norm(p));
      if (k !== 'priorities') yamlPaths(sub, p, out);
    }
  }
}

function docsPaths(): Set<string> {
  const md = readFileSync(DOCS, 'utf8');
  const out = new Set<string>();
  const block = /```yaml\n(hafleet_clusters:[\s\S]*?)```/.exec(md);
  assert.ok(block, 'the hafleet_clusters example is in the docs');
  yamlPaths(parse(block[1]!), '', out);
  // The cluster key table (paths relative to an entry) and the variable tables (top-level names).
  const section = (title: string) => md.split(/^#+ /m).find((s) => s.startsWith(title)) ?? '';
  for (const m of section('Every key of a cluster entry').matchAll(/^\| `([^`]+)` \|/gm)) out.add(norm(`hafleet_clusters[].${m[1]}`));
  for (const t of ['Connection variables', 'Per-host variables']) {
    for (const m of section(t).matchAll(/^\| `([^`]+)` \|/gm)) out.add(m[1]!);
  }
  return out;
}

test('every key documented in docs/reference.md is in the schema, and every schema key is documented', () => {
  const schema = new Set<string>();
  schemaPaths(toJsonSchema(), '', schema);
  const docs = docsPaths();
  assert.deepEqual([...docs].filter((p) => !schema.has(p)).sort(), [], 'documented but not in the schema');
  assert.deepEqual([...schema].filter((p) => !docs.has(p)).sort(), [], 'in the schema but not documented');
});

test('the docs list every lint rule code and every code the model builder reports', () => {
  const md = readFileSync(DOCS, 'utf8');
  assert.deepEqual(rules.map((r) => r.code).filter((c) => !md.includes(`| \`${c}\` |`)), []);
  assert.deepEqual(BUILD_CODES.filter((c) => !md.includes(`\`${c}\``)), []);
});

/** A value with every key of a spec (objects take all props; anyOf takes its object option). */
function sample(spec: KeySpec): VarValue {
  switch (spec.type) {
    case 'string': return spec.enum?.[0] ?? 'x';
    case 'integer': case 'number': return spec.min ?? 1;
    case 'boolean': return true;
    case 'array': return [sample(spec.items)];
    case 'map': return { lb1: sample(spec.values) };
    case 'object': return Object.fromEntries(Object.entries(spec.props).map(([k, v]) => [k, sample(v)]));
    case 'anyOf': return sample(spec.options.find((o) => o.type === 'object') ?? spec.options[0]!);
  }
}

test('unknown-key uses the same table: every schema key is known, a key beside them is not', () => {
  const events: VarEvent[] = [];
  const full = sample(clusterSpec) as Record<string, VarValue>;
  walkValue(topLevelSpecs.hafleet_clusters!, [full], 'lb1', ['hafleet_clusters'], (e) => events.push(e));
  assert.deepEqual(events.filter((e) => e.kind === 'unknown-key'), []);
  const schema = new Set<string>();
  schemaPaths(toJsonSchema(), '', schema);
  let checked = 0;
  for (const p of schema) {
    // Put a misspelt sibling next to each object key of the cluster: it must be the one unknown key.
    const m = /^hafleet_clusters\[\]\.([a-z_]+)$/.exec(p);
    if (!m) continue;
    const bad = { ...full, [`${m[1]}_typo`]: 1 };
    const found: VarEvent[] = [];
    walkValue(clusterSpec, bad, 'lb1', ['hafleet_clusters', 0], (e) => found.push(e));
    assert.deepEqual(found.filter((e) => e.kind === 'unknown-key').map((e) => e.path.join('.')), [`hafleet_clusters.0.${m[1]}_typo`]);
    checked++;
  }
  assert.ok(checked >= 10);
});
