import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { selectHosts, type Inventory } from '../../../src/inventory/index.js';
import { FIXTURES, mustLoad, writeTree } from './tmp-inventory.js';

// all: ungrouped(jump) lvs(directors(lb1 lb2) realservers(rs1..rs4)) canary(rs2) dbs(db-a db-b db-c)
const inv = mustLoad(join(FIXTURES, 'field-yaml/hosts.yml'));

function sel(pattern: string, i: Inventory = inv, cwd?: string): string[] {
  const r = selectHosts(i, pattern, { cwd });
  assert.ok(r.ok, `${pattern}: ${JSON.stringify(r.diagnostics)}`);
  return r.value;
}

// Expected orders are ansible-core 2.14's (--limit keeps the order of the all group's walk:
// all's children in order — ungrouped, lvs, canary, dbs — then their children): see
// test/integration/inventory-oracle.test.ts.
test('all, *, a host, a group, a parent group', () => {
  const everyone = ['jump', 'rs2', 'db-a', 'db-b', 'db-c', 'lb1', 'lb2', 'rs1', 'rs3', 'rs4'];
  assert.deepEqual(sel('all'), everyone);
  assert.deepEqual(sel('*'), everyone);
  assert.deepEqual(sel('lb2'), ['lb2']);
  assert.deepEqual(sel('directors'), ['lb1', 'lb2']);
  assert.deepEqual(sel('lvs'), ['rs2', 'lb1', 'lb2', 'rs1', 'rs3', 'rs4']);
  assert.deepEqual(sel('ungrouped'), ['jump']);
});

test('globs and regexes match groups and hosts', () => {
  assert.deepEqual(sel('db-*'), ['db-a', 'db-b', 'db-c']);
  assert.deepEqual(sel('rs[!24]'), ['rs1', 'rs3']);
  assert.deepEqual(sel('db-[ab]'), ['db-a', 'db-b']);
  assert.deepEqual(sel('rs?'), ['rs2', 'rs1', 'rs3', 'rs4']);
  assert.deepEqual(sel('dire*'), ['lb1', 'lb2'], 'a glob on a group name');
  assert.deepEqual(sel('~lb\\d'), ['lb1', 'lb2']);
  assert.deepEqual(sel('~(rs|db-)[ab1]'), ['db-a', 'db-b', 'rs1'], 'regex anchored at the start only');
  const dotted = mustLoad(join(FIXTURES, 'field-ini/hosts.ini'));
  assert.deepEqual(sel('*.example.test', dotted), ['db-a.example.test', 'db-b.example.test', 'db-c.example.test']);
});

test('union with : and , keeps the order of all, whatever the written order', () => {
  assert.deepEqual(sel('dbs:directors'), ['db-a', 'db-b', 'db-c', 'lb1', 'lb2']);
  assert.deepEqual(sel('directors,dbs'), ['db-a', 'db-b', 'db-c', 'lb1', 'lb2']);
  assert.deepEqual(sel('rs4, jump'), ['jump', 'rs4']);
});

test('intersection and exclusion, applied after unions whatever the written order', () => {
  assert.deepEqual(sel('lvs:&canary'), ['rs2']);
  assert.deepEqual(sel('realservers:!canary'), ['rs1', 'rs3', 'rs4']);
  assert.deepEqual(sel('!canary:realservers'), ['rs1', 'rs3', 'rs4']);
  assert.deepEqual(sel('!lvs:dbs:&db-[ab]'), ['db-a', 'db-b']);
  assert.deepEqual(sel('!lvs:!dbs'), ['jump'], 'only exclusions: they apply to all');
  assert.deepEqual(sel('&canary'), ['rs2']);
  assert.deepEqual(sel('directors:&dbs'), [], 'an empty intersection is no error');
});

test('subscripts: index, negative index, inclusive ranges', () => {
  // As in Ansible, a numeric [..] after a name is a subscript, not a glob character class.
  assert.equal(selectHosts(inv, 'rs[13]').ok, false);
  assert.deepEqual(sel('realservers[0]'), ['rs1']);
  assert.deepEqual(sel('realservers[-1]'), ['rs4']);
  assert.deepEqual(sel('realservers[1:2]'), ['rs2', 'rs3']);
  assert.deepEqual(sel('realservers[2:]'), ['rs3', 'rs4']);
  assert.deepEqual(sel('lvs[1:2]:dbs[0]'), ['db-a', 'lb2', 'rs1'], 'lvs[1:2] counts in lvs own order; the result is in the order of all');
});

test('@file: one pattern per line, relative to cwd', () => {
  const dir = writeTree({ 'retry/limit.txt': 'lb1\n\ndbs\n!db-b\n' });
  assert.deepEqual(sel('@retry/limit.txt', inv, dir), ['db-a', 'db-c', 'lb1']);
  assert.deepEqual(sel('@retry/limit.txt:jump', inv, dir), ['jump', 'db-a', 'db-c', 'lb1']);
});

test('unknown names are errors naming the term, with the closest name', () => {
  const r = selectHosts(inv, 'all:!directorz:&lvs');
  assert.equal(r.ok, false);
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0].code, 'unknown-pattern');
  assert.match(r.diagnostics[0].message, /'directorz'/);
  assert.match(r.diagnostics[0].hint!, /'directors'/);
  const two = selectHosts(inv, 'web*,lb9');
  assert.equal(two.ok, false);
  assert.deepEqual(two.diagnostics.map((d) => d.code), ['unknown-pattern', 'unknown-pattern']);
});

test('out-of-range subscripts, bad regexes and missing limit files are errors', () => {
  const slice = selectHosts(inv, 'directors[5]');
  assert.equal(slice.ok, false);
  assert.equal(slice.diagnostics[0].code, 'pattern-slice');
  const re = selectHosts(inv, '~lb(');
  assert.equal(re.ok, false);
  assert.equal(re.diagnostics[0].code, 'bad-pattern');
  const file = selectHosts(inv, '@nope.txt', { cwd: '/nonexistent' });
  assert.equal(file.ok, false);
  assert.equal(file.diagnostics[0].code, 'pattern-file');
});

test('an IPv6 host name is not split at its colons', () => {
  const dir = writeTree({ 'hosts.ini': '[v6]\n::ffff:198.18.0.1\n::ffff:198.18.0.2\n' });
  const v6 = mustLoad(join(dir, 'hosts.ini'));
  assert.deepEqual(sel('::ffff:198.18.0.2', v6), ['::ffff:198.18.0.2']);
  assert.deepEqual(sel('::ffff:198.18.0.2,v6[0]', v6), ['::ffff:198.18.0.1', '::ffff:198.18.0.2']);
});
