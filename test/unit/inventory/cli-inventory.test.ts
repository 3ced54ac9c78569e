import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES } from './tmp-inventory.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

function hafleet(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'inventory', ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', HAFLEET_INVENTORY: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--list prints one JSON document on stdout, exit 0', () => {
  const r = hafleet(['-i', join(FIXTURES, 'field-ini/hosts.ini'), '--list', '--limit', 'directors']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc._meta.hostvars), ['lb1', 'lb2']);
  assert.deepEqual(doc.directors, { hosts: ['lb1', 'lb2'] });
  assert.equal(doc.webservers, undefined);
});

test('-i falls back to HAFLEET_INVENTORY; --host prints one host', () => {
  const r = hafleet(['--host', 'lb2'], { HAFLEET_INVENTORY: join(FIXTURES, 'field-yaml') });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).vrrp_engine, 'agent');
});

test('usage errors exit 64: no mode, two modes', () => {
  const none = hafleet(['-i', join(FIXTURES, 'field-yaml')]);
  assert.equal(none.code, 64);
  assert.match(none.stderr, /--list, --graph or --host/);
  const two = hafleet(['-i', join(FIXTURES, 'field-yaml'), '--list', '--graph']);
  assert.equal(two.code, 64);
  assert.equal(two.stdout, '');
});

test('inventory errors exit 65 with every diagnostic on stderr and nothing on stdout', () => {
  const r = hafleet(['-i', join(FIXTURES, 'errors/bad.ini'), '--graph']);
  assert.equal(r.code, 65);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 6);
  assert.match(r.stderr, /bad\.ini:3:1: expected key=value/);
  const limit = hafleet(['-i', join(FIXTURES, 'field-yaml'), '--graph', '--limit', 'directorz']);
  assert.equal(limit.code, 65);
  assert.match(limit.stderr, /unknown-pattern.*directorz.*did you mean 'directors'/);
});
