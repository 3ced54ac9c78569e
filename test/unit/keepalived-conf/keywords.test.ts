/**
 * The keyword table drives these: every case of keyword-cases.ts parsed by the agent gets the
 * verdict and the effective values keepalived 2.2.7 gives it (test/integration/agent-keywords.test.ts
 * checks the table against keepalived itself), and docs/agent-keywords.md is the table rendered.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseConfig } from '../../../src/keepalived-conf/config.js';
import { AGENT_OWN_CASES, agentOutcome, caseConfig, DEFAULT_EFFECTIVE, KEYWORD_CASES } from '../../../src/keepalived-conf/keyword-cases.js';
import { KEEPALIVED_GLOBAL_KEYWORDS } from '../../../src/keepalived-conf/keywords.js';
import { KEEPALIVED_INSTANCE_KEYWORDS, KEYWORDS } from '../../../src/keepalived-conf/keywords.js';
import { renderKeywordDoc } from '../../../src/keepalived-conf/keywords-doc.js';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';

const mem = (text: string) => ({ read: (f: string) => (f === '/k.conf' ? text : undefined), list: () => [] });

test('keyword table: the agent gives every case keepalived’s verdict and effective values', () => {
  const kinds = new Map<string, number>();
  for (const c of KEYWORD_CASES) {
    const p = parseConfig('/k.conf', mem(caseConfig(c)));
    const got = agentOutcome(p);
    const why = `${c.keyword} — ${c.label}\n${caseConfig(c)}\n${p.diagnostics.map(formatDiagnostic).join('\n')}`;
    assert.equal(got.verdict, c.verdict, why);
    if (c.verdict !== 'fatal') assert.deepEqual(got.effective, { ...DEFAULT_EFFECTIVE, ...c.effective }, why);
    kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  }
  // Every kind the issue names is covered.
  for (const k of ['good', 'bad', 'boundary', 'case-variant', 'deprecated', 'wrong-block', 'dependent', 'missing']) assert.ok((kinds.get(k) ?? 0) > 0, k);
});

test('keyword table: errors keepalived runs through are reported at the keyword’s line, in its words', () => {
  const p = parseConfig('/k.conf', mem(caseConfig(KEYWORD_CASES.find((c) => c.label.startsWith('master in lower case'))!)));
  const d = p.diagnostics.find((x) => x.code === 'conf-state')!;
  assert.equal(d.severity, 'error');
  assert.equal(d.where.line, 4);
  assert.equal(d.message, "(VI_1) unknown state 'master', defaulting to BACKUP");
  assert.match(d.hint ?? '', /case-sensitively: write MASTER/);
  assert.ok(p.config, 'the agent runs it, as keepalived does');
  const pw = parseConfig('/k.conf', mem(caseConfig(KEYWORD_CASES.find((c) => c.label.startsWith('auth_pass without auth_type'))!)));
  assert.deepEqual(pw.diagnostics.map((x) => [x.severity, x.code]), [['warning', 'conf-auth-no-type']]);
  assert.doesNotMatch(JSON.stringify(pw.diagnostics), /s3cret/);
});

test("the agent's own keywords: hafleet_metrics_address is read with --metrics' syntax, a bad one refuses the file at its line; keepalived does not know it", () => {
  const got = AGENT_OWN_CASES.map((c) => {
    const p = parseConfig('/k.conf', mem(caseConfig(c)));
    const o = agentOutcome(p);
    const why = `${c.keyword} — ${c.label}\n${p.diagnostics.map(formatDiagnostic).join('\n')}`;
    assert.equal(o.verdict, c.agentVerdict, why);
    if (o.verdict !== 'fatal') assert.deepEqual(o.effective, DEFAULT_EFFECTIVE, `${why}: no VRRP value changes`);
    // keepalived's side of the row: an unknown global_defs keyword is a config error it runs through.
    assert.equal(c.verdict, 'error');
    assert.ok(!KEEPALIVED_GLOBAL_KEYWORDS.has(c.keyword));
    return [c.global![0], p.config?.global.metricsAddress ?? null, p.diagnostics.map((d) => `${d.where.line} ${d.message}`)];
  });
  assert.deepEqual(got, [
    ['hafleet_metrics_address 127.0.0.1:9650', '127.0.0.1:9650', []],
    ['hafleet_metrics_address 9650', '9650', []],
    ['hafleet_metrics_address [::1]:9650', '[::1]:9650', []],
    ['hafleet_metrics_address localhost:9650', null, ['2 hafleet_metrics_address: "localhost" is not an IP address']],
    ['hafleet_metrics_address 127.0.0.1:65536', null, ['2 hafleet_metrics_address: port 65536 is not 1–65535']],
  ]);
  assert.ok(KEYWORDS.some((k) => k.block === 'global_defs' && k.keyword === 'hafleet_metrics_address'), 'documented in the keyword table');
});

test('keyword table: every keyword the agent reads in vrrp_instance is one keepalived knows', () => {
  for (const k of KEYWORDS.filter((x) => x.block === 'vrrp_instance' && !x.keyword.startsWith('('))) {
    for (const word of k.keyword.split(' / ')) assert.ok(KEEPALIVED_INSTANCE_KEYWORDS.has(word), word);
  }
});

test('docs/agent-keywords.md is the table rendered (UPDATE_GOLDEN=1 rewrites it)', () => {
  const file = new URL('../../../docs/agent-keywords.md', import.meta.url);
  const want = renderKeywordDoc();
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, want);
  assert.equal(fs.readFileSync(file, 'utf8'), want);
});
