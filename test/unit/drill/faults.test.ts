import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FAULT_KINDS, faultHelpLine, faultKindOf, faultSpec, type DrillConfig, type FaultKind } from '../../../src/drill/index.js';

/**
 * One fixture per fault, as lint has one per rule: test/fixtures/drill/<fault>/expected.json says
 * what the fault's spec must say (its help line, names, whom it hits, what the VIP must do, and its
 * bound for the two configs below). A fault without a fixture, or a fixture without a fault, fails.
 */
const dir = 'test/fixtures/drill';
const v2: DrillConfig = { version: 2, advertIntSec: 1, preempt: true, preemptDelaySec: 0, masterPriority: 150, backupPriority: 100, track: { intervalSec: 1, timeoutSec: 2, fall: 2, weight: -60 } };
const v3: DrillConfig = { version: 3, advertIntSec: 0.5, preempt: false, preemptDelaySec: 0, masterPriority: 150, backupPriority: 90 };

interface Expected {
  help: string;
  aliases: string[];
  target: 'master' | 'realserver';
  expect: 'failover' | 'drain';
  releaseBeforeRestore: boolean;
  protocolClock: string;
  speakerSignal?: string;
  selfRestoring: boolean;
  bound: { v2: string | null; v3: string | null };
}

const fixtures = readdirSync(dir).sort();

test('every fault has a fixture and every fixture names a fault', () => {
  assert.deepEqual(fixtures, [...FAULT_KINDS].sort());
});

/** `sh -n`: the script parses as POSIX sh (dash), without running anything. */
function parses(script: string): string {
  const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  return r.status === 0 ? '' : r.stderr;
}

for (const name of fixtures) {
  test(`fault ${name}: its spec says what the fixture says`, () => {
    const want = JSON.parse(readFileSync(join(dir, name, 'expected.json'), 'utf8')) as Expected;
    const f = name as FaultKind;
    const s = faultSpec(f);
    assert.equal(s.name, name);
    assert.equal(faultHelpLine(f), want.help);
    assert.deepEqual(s.aliases, want.aliases);
    for (const a of want.aliases) assert.equal(faultKindOf(a), f, `alias ${a}`);
    assert.equal(s.target, want.target);
    assert.equal(s.expect, want.expect);
    assert.equal(s.releaseBeforeRestore, want.releaseBeforeRestore);
    assert.equal(s.protocolClock, want.protocolClock);
    assert.equal(s.speakerSignal, want.speakerSignal);
    assert.equal(s.selfRestoring, want.selfRestoring);
    assert.deepEqual({ v2: s.bound(v2)?.formula ?? null, v3: s.bound(v3)?.formula ?? null }, want.bound);
    for (const engine of ['keepalived', 'agent'] as const) {
      assert.equal(parses(s.inject({ dev: 'eth1', downSec: 5, engine })), '', `${name} inject (${engine}) parses`);
      assert.equal(parses(s.restore({ manager: 'direct' }, { dev: 'eth1', engine })), '', `${name} restore (${engine}) parses`);
    }
  });
}
