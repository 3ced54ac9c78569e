import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { factsReportProblem, parseFactsReport } from '../../../src/facts/parse-report.js';
import type { HostFacts } from '../../../src/facts/types.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'facts');

interface Fixture {
  description: string;
  output: string[];
  facts: HostFacts;
}

describe('parseFactsReport fixtures (command output → facts)', () => {
  const cases = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
  it('has fixtures to check', () => assert.ok(cases.length >= 5));
  for (const file of cases) {
    const fx = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture;
    it(`${file.replace(/\.json$/, '')}: ${fx.description}`, () => {
      const text = fx.output.join('\n') + '\n';
      assert.equal(factsReportProblem(text), null);
      assert.deepEqual(parseFactsReport(fx.facts.host, text), fx.facts);
    });
  }
});

describe('factsReportProblem', () => {
  it('notices a report cut short or not ours', () => {
    assert.match(factsReportProblem('@@HF@@ hafleet-facts 1\n@@HF@@ service-manager\nsystemd\n') ?? '', /cut short/);
    assert.match(factsReportProblem('sudo: a password is required\n') ?? '', /header/);
    assert.equal(factsReportProblem('@@HF@@ hafleet-facts 1\n@@HF@@ end\n'), null);
  });
});
