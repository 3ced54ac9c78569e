/** docs/agent-keywords.md, rendered from the keyword table and its cases (checked by a unit test). */
import { AGENT_OWN_CASES, DEFAULT_EFFECTIVE, KEYWORD_CASES, type KeywordCase, type Verdict } from './keyword-cases.js';
import { KEYWORDS } from './keywords.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function outcome(c: KeywordCase): string {
  if (c.verdict === 'fatal') return 'keepalived’s VRRP stops; the agent refuses the file';
  const diff = Object.entries(c.effective ?? {}).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  return `${c.verdict === 'ok' ? 'runs' : 'config error, runs'}${diff ? `: ${diff}` : ' with the defaults'}`;
}

const AGENT_SAYS: Record<Verdict, string> = { ok: 'runs', error: 'config error, runs', fatal: 'refuses the file' };

function lines(c: KeywordCase): string {
  const ls = [...(c.global ?? []).map((l) => `global_defs: ${l}`), ...(c.top ?? []).filter((l) => l.startsWith('    ')).map((l) => `vrrp_script: ${l.trim()}`), ...(c.lines ?? []), ...(c.omit ?? []).map((o) => `(no ${o})`)];
  return cell(ls.map((l) => `\`${l.trim()}\``).join(' '));
}

export function renderKeywordDoc(): string {
  const out = [
    '# The agent and keepalived 2.2.7: keyword by keyword',
    '',
    '<!-- Rendered from src/keepalived-conf/keywords.ts and src/keepalived-conf/keyword-cases.ts; `UPDATE_GOLDEN=1 node --import tsx --test test/unit/keepalived-conf/keywords.test.ts` rewrites it. -->',
    '',
    'The agent reads keepalived.conf as keepalived 2.2.7 does (Debian 12), checked against its source',
    '(keepalived/vrrp/vrrp_parser.c, vrrp.c vrrp_complete_instance, lib/parser.c) and, in the lab, against',
    'keepalived itself: `keepalived -t` and its data dump (`-d`) on every case below',
    '(test/integration/agent-keywords.test.ts). Where keepalived reports a configuration error and runs on',
    '(`keepalived -t` exits 5), `hafleet agent -t` reports an error at the same line, in keepalived’s words with',
    'a hint, and exits non-zero; the agent then runs with the value keepalived uses. Where keepalived’s VRRP',
    'stops, the agent refuses the file.',
    '',
    '## Keywords',
    '',
    '| block | keyword | values | case-sensitive | default | bad value | depends on / trap | keepalived source |',
    '|---|---|---|---|---|---|---|---|',
    ...KEYWORDS.map((k) => `| ${k.block} | \`${k.keyword}\` | ${cell(k.values)} | ${k.caseSensitive ? 'yes' : 'no'} | ${cell(k.default)} | ${k.onBad} | ${cell(k.depends ?? '')} | ${k.source} |`),
    '',
    `## Cases (${KEYWORD_CASES.length})`,
    '',
    `Each is \`vrrp_instance VI_1\` on eth0, virtual_router_id 51, VIP 198.18.5.100/24, plus the lines shown. Defaults: ${Object.entries(DEFAULT_EFFECTIVE).map(([k, v]) => `${k} ${String(v)}`).join(', ')}.`,
    '',
    '| keyword | kind | case | lines | keepalived and the agent |',
    '|---|---|---|---|---|',
    ...KEYWORD_CASES.map((c) => `| \`${c.keyword}\` | ${c.kind} | ${cell(c.label)} | ${lines(c)} | ${outcome(c)} |`),
    '',
    `## The agent's own keywords (${AGENT_OWN_CASES.length} cases)`,
    '',
    'keepalived 2.2.7 does not know these: it reports "Unknown keyword" (`keepalived -t` exits 5) and runs without',
    'the line. A keepalived.conf that carries one is the agent\'s, checked with `hafleet agent -t`.',
    '',
    '| keyword | kind | case | lines | keepalived | the agent |',
    '|---|---|---|---|---|---|',
    ...AGENT_OWN_CASES.map((c) => `| \`${c.keyword}\` | ${c.kind} | ${cell(c.label)} | ${lines(c)} | ${outcome(c)} | ${AGENT_SAYS[c.agentVerdict ?? c.verdict]} |`),
    '',
  ];
  return out.join('\n');
}
