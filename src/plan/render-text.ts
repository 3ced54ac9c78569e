import { assertNever } from '../diagnostics/index.js';
import type { Change, HostPlan, Plan } from './types.js';
import { closingLine } from './summary.js';
import { printable } from '../terminal/index.js';

/** Text from a host (file content, a tool's words): no terminal control reaches the screen. */
const shown = (text: string) => printable(text, { keepOwnColour: false });

export interface TextOptions {
  /** ANSI colours on diff lines and markers; the CLI decides (TTY, NO_COLOR, --json). */
  color?: boolean;
}

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, bold: 1, dim: 2 } as const;
type Colour = keyof typeof ANSI;

function painter(on: boolean) {
  return (text: string, c: Colour) => (on ? `\u001b[${ANSI[c]}m${text}\u001b[0m` : text);
}

function indent(text: string, by: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

function changeLines(c: Change, paint: ReturnType<typeof painter>): string[] {
  switch (c.kind) {
    case 'create':
    case 'update': {
      const mark = c.kind === 'create' ? paint('+', 'green') : paint('~', 'yellow');
      const what = c.kind === 'create' ? 'create' : c.metaOnly ? 'metadata' : 'update';
      const head = `  ${mark} ${shown(c.path)}  (${what}, ${c.mode} ${c.owner}:${c.group}${c.notify.length ? `, notifies ${c.notify.join(', ')}` : ''})`;
      if (c.metaOnly) return [head, `      ${shown(c.diff.trim())}`];
      return [head, colourDiff(indent(shown(c.diff), '      '), paint), ...behaviourLines(c.behaviour, paint, c.hafleetHooks)];
    }
    case 'delete':
      return [`  ${paint('-', 'red')} ${shown(c.path)}  (delete: placed by an earlier deploy, no longer rendered)`, colourDiff(indent(shown(c.diff), '      '), paint)];
    case 'unchanged':
      return [`  ${paint('=', 'dim')} ${c.path}  (unchanged: ${c.reason})`];
    default:
      return assertNever(c);
  }
}

/** Under the diff: what the change does, or that it does nothing new. */
function behaviourLines(b: string[] | undefined, paint: ReturnType<typeof painter>, hooks: string[] = []): string[] {
  if (!b) return [];
  // hafleet's own hooks (maintenance/switchover track_files at 0, the notify logger) do nothing until used: said apart.
  const own = hooks.length ? [`      ${paint('hafleet adds its own hooks (inert until used):', 'dim')}`, ...hooks.map((l) => `        ◦ ${shown(l)}`)] : [];
  if (b.length === 0) return [`      ${paint(hooks.length ? 'no behaviour change' : 'no behaviour change (formatting only)', 'dim')}`, ...own];
  return [`      ${paint('behaviour:', 'bold')}`, ...b.map((l) => `        • ${shown(l)}`), ...own];
}

function colourDiff(diff: string, paint: ReturnType<typeof painter>): string {
  return diff
    .split('\n')
    .map((l) => {
      const body = l.trimStart();
      if (body.startsWith('+++') || body.startsWith('---')) return paint(l, 'bold');
      if (body.startsWith('@@')) return paint(l, 'cyan');
      if (body.startsWith('+')) return paint(l, 'green');
      if (body.startsWith('-')) return paint(l, 'red');
      return l;
    })
    .join('\n');
}

export function renderHostText(h: HostPlan, opts: TextOptions = {}): string {
  const paint = painter(Boolean(opts.color));
  if (h.status !== 'planned') {
    return `${paint(h.host, 'bold')}: ${paint(h.status, 'red')}: ${shown(h.message)}${h.hint ? ` (hint: ${shown(h.hint)})` : ''}\n`;
  }
  const changed = h.changes.filter((c) => c.kind !== 'unchanged').length;
  const checked = h.checkedOnly ? ` (only checked: deploy record read, ${shown(h.checkedOnly.why)})` : '';
  const lines = [`${paint(h.host, 'bold')}: ${changed === 0 ? 'no changes' : `${changed} to change`}${checked}`];
  for (const c of h.changes) lines.push(...changeLines(c, paint));
  if (h.handlers.length) lines.push(`  handlers: ${h.handlers.join(', ')}`);
  for (const v of h.validations) {
    if (v.ok) lines.push(`  ${paint('✓', 'green')} validated ${v.path}`);
    else lines.push(`  ${paint('✗', 'red')} validation failed for ${shown(v.path)}: deploy would fail on this host`, indent(shown(v.message), '      '));
  }
  return lines.join('\n') + '\n';
}

/**
 * Human plan: one block per host, then the closing line. Hosts not contacted (the realserver
 * ledger vouched for them) share one block: on a big nginx-mode fleet they are nearly all of it.
 */
export function renderPlanText(plan: Plan, opts: TextOptions = {}): string {
  const quiet = plan.hosts.filter((h): h is Extract<HostPlan, { status: 'planned' }> => h.status === 'planned' && Boolean(h.notContacted) && h.changes.length === 0);
  const alone = new Set<HostPlan>(quiet);
  const blocks = plan.hosts.filter((h) => !alone.has(h)).map((h) => renderHostText(h, opts));
  if (quiet.length) blocks.push(notContactedText(quiet, opts));
  return blocks.join('\n') + '\n' + closingLine(plan) + '\n';
}

function notContactedText(hosts: readonly Extract<HostPlan, { status: 'planned' }>[], opts: TextOptions): string {
  const paint = painter(Boolean(opts.color));
  const names = hosts.map((h) => shown(h.host));
  const list = names.length <= 10 ? names.join(', ') : `${names.slice(0, 8).join(', ')} … and ${names.length - 8} more (--json lists them)`;
  const whys = [...new Set(hosts.map((h) => h.notContacted!.why))];
  return `${paint('not contacted', 'bold')}: ${list}\n${whys.map((w) => `  ${shown(w)}; --contact-all asks them anyway`).join('\n')}\n`;
}

/** The `--json` document: the Plan value itself (diffs already masked, no file contents). */
export function planJson(plan: Plan): Plan {
  return plan;
}
