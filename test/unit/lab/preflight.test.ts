import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findBinary, ipv6Preflight, LAB_TOOLS, preflight } from '../../../src/lab/preflight.js';
import { DEFAULT_LABS_ROOT, labRoot, labsRootIn } from '../../../src/lab/state.js';

test('--ipv6 on a kernel without IPv6 is one diagnostic naming the flag and the boot option', () => {
  assert.deepEqual(ipv6Preflight(true), []);
  const [d, ...rest] = ipv6Preflight(false);
  assert.deepEqual(rest, []);
  assert.equal(d!.code, 'lab-no-ipv6');
  assert.deepEqual(d!.where, { key: '--ipv6' });
  assert.match(d!.message, /\/proc\/sys\/net\/ipv6 is missing/);
  assert.match(d!.hint ?? '', /ipv6\.disable=1/);
});

test('findBinary searches the PATH it is given, then the sbin/bin directories, and never the process PATH by itself', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-find-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'hf-only-here'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(join(dir, 'sh'), '#!/bin/sh\n', { mode: 0o755 });
  assert.equal(findBinary('hf-only-here', `/nonexistent${delimiter}${dir}`), join(dir, 'hf-only-here'));
  assert.equal(findBinary('sh', dir), join(dir, 'sh'), "the given PATH comes before the system's directories");
  const saved = process.env.PATH;
  process.env.PATH = dir;
  t.after(() => { process.env.PATH = saved; });
  assert.equal(findBinary('hf-only-here'), null, 'without a PATH given, the environment is not read');
  const sys = findBinary('sh');
  assert.ok(sys && ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'].some((d) => sys === join(d, 'sh')), `the system directories alone: ${sys}`);
  const seen: string[] = [];
  preflight(0, (bin) => (seen.push(bin), `/x/${bin}`));
  assert.deepEqual(seen, LAB_TOOLS.map((x) => x.bin), 'preflight asks the finder it is given for every tool');
});

test("the labs root is the environment's $HAFLEET_LAB_ROOT when the edge hands one, else /run/hafleet/labs", () => {
  assert.equal(labsRootIn({ HAFLEET_LAB_ROOT: '/tmp/labs' }), '/tmp/labs');
  assert.equal(labsRootIn({ HAFLEET_LAB_ROOT: '' }), DEFAULT_LABS_ROOT);
  assert.equal(labsRootIn({}), '/run/hafleet/labs');
  assert.equal(labRoot('x1', '/tmp/labs'), '/tmp/labs/x1');
});
