import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { plan, renderPlanText, planJson, type FactsByHost } from '../../../src/plan/index.js';
import type { DesiredState, HostDesired } from '../../../src/render/types.js';

/** test/fixtures/plan/<case>/: desired.json + facts.json → expected.txt + expected.json. */
const root = join(import.meta.dirname, '../../fixtures/plan');
const update = process.env.UPDATE_GOLDEN === '1';

export function loadCase(dir: string): { desired: DesiredState; facts: FactsByHost } {
  const desired = new Map(Object.entries(JSON.parse(readFileSync(join(dir, 'desired.json'), 'utf8')) as Record<string, HostDesired>));
  const facts: FactsByHost = new Map(Object.entries(JSON.parse(readFileSync(join(dir, 'facts.json'), 'utf8'))));
  return { desired, facts };
}

for (const name of readdirSync(root).sort()) {
  test(`plan fixture ${name}`, () => {
    const dir = join(root, name);
    const { desired, facts } = loadCase(dir);
    const p = plan(desired, facts, { id: 'test-plan', now: new Date('2026-11-25T12:00:00Z') });
    const text = renderPlanText(p);
    const json = JSON.stringify(planJson(p), null, 2) + '\n';
    for (const [file, got] of [['expected.txt', text], ['expected.json', json]] as const) {
      const path = join(dir, file);
      if (update || !existsSync(path)) writeFileSync(path, got);
      assert.equal(got, readFileSync(path, 'utf8'), `${name}/${file} (UPDATE_GOLDEN=1 rewrites it; review the diff)`);
    }
    // Whatever the case: no secret named by the desired state, nor any old one, leaks.
    for (const want of desired.values()) for (const f of want.files) for (const s of f.secrets) {
      assert.ok(!text.includes(s) && !json.includes(s), `secret ${s} leaked`);
    }
  });
}
