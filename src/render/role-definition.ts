import { LineCounter, parseDocument, isAlias, isMap, isSeq, type Document, type Node } from 'yaml';
import { error, type Diagnostic, type Result, type Where } from '../diagnostics/index.js';
import type { Handler } from './types.js';
import { managedPathProblem } from './confine-path.js';
import { CONDITION_FLAGS, type Condition, type ConditionFlag } from './conditions.js';

/** One file a role renders, as `templates/<role>/role.yaml` declares it. */
export interface RoleFileSpec {
  /** Template file; for `source: hafleet_files` the key's name (no template is read). */
  template: string;
  /**
   * `hafleet_files`: one file per entry of the host's hafleet_files, its bytes verbatim (never a
   * template); dest and mode come from the entry, `validate: shebang` checks it by its `#!` line.
   */
  source?: 'hafleet_files';
  /** Absolute destination; may hold `{{cluster.name}}` when `each: cluster`. */
  dest: string;
  mode: string;
  owner: string;
  group: string;
  validate?: string;
  notify: string[];
  when: Condition[];
  /** `cluster`: one file per cluster of the host in this role. */
  each?: 'cluster';
  /** Extra template variables for this file only. */
  vars: Record<string, unknown>;
  where: Where;
}

export interface RoleDefinition {
  name: string;
  /** The role.yaml read (an override or the bundled one). */
  file: string;
  files: RoleFileSpec[];
  handlers: Handler[];
  managedPaths: string[];
}

const MANAGERS = ['systemd', 'sysv', 'direct'] as const;
const FORMAT_HINT = 'the role.yaml format is in templates/README.md';

/** Typed reads from YAML nodes that record a located diagnostic for every misfit. */
class Reader {
  readonly ds: Diagnostic[] = [];
  constructor(readonly file: string, private doc: Document, private lc: LineCounter) {}

  at(node: unknown, key?: string): Where {
    const range = (node as Node | undefined)?.range;
    if (!range) return { file: this.file, key };
    const pos = this.lc.linePos(range[0]);
    return { file: this.file, line: pos.line, col: pos.col, key };
  }

  node(parent: unknown, key: string): unknown {
    const v: unknown = isMap(parent) ? parent.get(key, true) : undefined;
    return isAlias(v) ? v.resolve(this.doc) : v;
  }

  fail(code: string, message: string, where: Where, hint = FORMAT_HINT): void {
    this.ds.push(error(code, message, where, hint));
  }

  str(parent: unknown, key: string, required = false): string | undefined {
    const v = this.node(parent, key);
    if (v === undefined || v === null) {
      if (required) this.fail('role-yaml-field', `\`${key}\` is required`, this.at(parent, key), `add \`${key}:\` to this entry`);
      return undefined;
    }
    const value = (v as { value?: unknown }).value;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    this.fail('role-yaml-field', `\`${key}\` must be a string`, this.at(v, key));
    return undefined;
  }

  list(parent: unknown, key: string): string[] {
    const v = this.node(parent, key);
    if (v === undefined || v === null) return [];
    if (isSeq(v)) return v.items.map((i) => String((i as { value?: unknown }).value));
    this.fail('role-yaml-field', `\`${key}\` must be a list`, this.at(v, key));
    return [];
  }
}

/** Parse and check a role.yaml; every problem comes back with its line. */
export function parseRoleDefinition(role: string, file: string, text: string): Result<RoleDefinition> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const syntax = doc.errors.map((e) => {
    const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
    return error('role-yaml-syntax', e.message.split('\n')[0]!, { file, line: pos.line, col: pos.col }, 'fix the YAML syntax');
  });
  if (syntax.length) return { ok: false, diagnostics: syntax };
  const root = doc.contents;
  if (!isMap(root)) return { ok: false, diagnostics: [error('role-yaml-shape', 'role.yaml must be a mapping with `files` and `handlers`', { file }, FORMAT_HINT)] };

  const r = new Reader(file, doc, lc);
  const handlers = readHandlers(r, r.node(root, 'handlers'));
  const files = readFiles(r, r.node(root, 'files') ?? root, new Set(handlers.map((h) => h.name)));
  const managedPaths = r.list(root, 'managed_paths');
  for (const p of managedPaths) {
    const why = managedPathProblem(p);
    if (why) r.fail('role-yaml-managed-path', `managed path ${JSON.stringify(p)}: ${why}`, r.at(r.node(root, 'managed_paths'), 'managed_paths'), 'list absolute, normalised directories that hafleet owns, e.g. /etc/keepalived');
  }
  if (r.ds.length) return { ok: false, diagnostics: r.ds };
  return { ok: true, value: { name: role, file, files, handlers, managedPaths }, diagnostics: [] };
}

function readHandlers(r: Reader, hs: unknown): Handler[] {
  if (hs !== undefined && !isSeq(hs)) r.fail('role-yaml-field', '`handlers` must be a list', r.at(hs, 'handlers'));
  const out: Handler[] = [];
  for (const [i, h] of (isSeq(hs) ? hs.items : []).entries()) {
    const name = r.str(h, 'name', true);
    const cmds = r.node(h, 'commands');
    const commands = { systemd: '', sysv: '', direct: '' };
    for (const m of MANAGERS) {
      const c = r.str(cmds, m);
      if (!(isMap(cmds) && cmds.has(m))) {
        r.fail('role-yaml-field', `handler needs \`commands.${m}\``, r.at(cmds ?? h, `handlers[${i}].commands`), 'give a command for systemd, sysv and direct (no init system)');
      } else if (c !== undefined) commands[m] = c;
    }
    const orderText = r.str(h, 'order');
    const order = orderText === undefined ? 50 : Number(orderText);
    if (!Number.isFinite(order)) r.fail('role-yaml-field', '`order` must be a number', r.at(h, `handlers[${i}].order`));
    const check = r.str(h, 'check');
    if (name) out.push({ name, commands, order, ...(check ? { check } : {}) });
  }
  return out;
}

function readFiles(r: Reader, fs: unknown, handlerNames: ReadonlySet<string>): RoleFileSpec[] {
  if (!isSeq(fs)) {
    r.fail('role-yaml-field', '`files` must be a list', r.at(fs, 'files'));
    return [];
  }
  const out: RoleFileSpec[] = [];
  for (const [i, f] of fs.items.entries()) {
    const where = r.at(f, `files[${i}]`);
    const source = r.str(f, 'source');
    if (source !== undefined) {
      const spec = userFilesEntry(r, f, i, source, handlerNames);
      if (spec) out.push(spec);
      continue;
    }
    const template = r.str(f, 'template', true);
    // Relative to the role's directory and inside it: a role.yaml must not render /etc/shadow as a "template".
    if (template !== undefined && (template.startsWith('/') || template.split('/').some((s) => s === '..' || s === '' || s === '.'))) {
      r.fail('role-yaml-field', `template ${JSON.stringify(template)} must be a path inside the role's directory`, r.at(r.node(f, 'template'), 'template'));
    }
    // apply writes owner and group into the commands it runs: a user or group name, nothing else.
    for (const k of ['owner', 'group'] as const) {
      const v = r.str(f, k);
      if (v !== undefined && !/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(v)) r.fail('role-yaml-field', `${k} ${JSON.stringify(v)} is not a user or group name`, r.at(r.node(f, k), k), 'use a name like root or www-data');
    }
    const dest = r.str(f, 'dest', true);
    const mode = r.str(f, 'mode') ?? '0644';
    if (!/^0[0-7]{3}$/.test(mode)) r.fail('role-yaml-field', `mode ${mode} is not an octal string like "0644"`, r.at(r.node(f, 'mode'), 'mode'), 'quote it: mode: "0644"');
    if (dest !== undefined && !dest.startsWith('/') && !dest.startsWith('{{')) r.fail('role-yaml-field', `dest ${dest} is not an absolute path`, r.at(r.node(f, 'dest'), 'dest'));
    const notify = r.list(f, 'notify');
    for (const n of notify) {
      if (!handlerNames.has(n)) r.fail('role-yaml-handler', `notifies unknown handler "${n}"`, where, `define it under handlers: (known: ${[...handlerNames].join(', ') || 'none'})`);
    }
    const when = conditions(r, r.list(f, 'when'), where);
    const each = r.str(f, 'each');
    if (each !== undefined && each !== 'cluster') r.fail('role-yaml-field', `each: ${each} is not supported`, where, 'use each: cluster');
    const varsNode = r.node(f, 'vars');
    const vars = isMap(varsNode) ? (varsNode.toJSON() as Record<string, unknown>) : {};
    const validate = r.str(f, 'validate');
    if (!template || !dest) continue;
    out.push({
      template, dest, mode, owner: r.str(f, 'owner') ?? 'root', group: r.str(f, 'group') ?? 'root',
      ...(validate ? { validate } : {}), notify, when, vars, where,
      ...(each === 'cluster' ? { each: 'cluster' as const } : {}),
    });
  }
  return out;
}

/** `- source: hafleet_files`: the operator's own files; only when, validate (shebang or a command) and notify apply. */
function userFilesEntry(r: Reader, f: unknown, i: number, source: string, handlerNames: ReadonlySet<string>): RoleFileSpec | null {
  const where = r.at(f, `files[${i}]`);
  if (source !== 'hafleet_files') {
    r.fail('role-yaml-field', `source: ${source} is not supported`, r.at(r.node(f, 'source'), 'source'), 'use source: hafleet_files');
    return null;
  }
  // Each entry of the inventory says where and how: a role cannot widen that.
  for (const k of ['template', 'dest', 'mode', 'owner', 'group', 'each', 'vars']) {
    if (isMap(f) && f.has(k)) r.fail('role-yaml-field', `\`${k}\` does not go with source: hafleet_files`, r.at(r.node(f, k), k), 'hafleet_files entries give dest and mode; they are root-owned');
  }
  const notify = r.list(f, 'notify');
  for (const n of notify) {
    if (!handlerNames.has(n)) r.fail('role-yaml-handler', `notifies unknown handler "${n}"`, where, `define it under handlers: (known: ${[...handlerNames].join(', ') || 'none'})`);
  }
  const when = conditions(r, r.list(f, 'when'), where);
  const validate = r.str(f, 'validate');
  return {
    template: 'hafleet_files', source: 'hafleet_files', dest: '', mode: '0644', owner: 'root', group: 'root',
    ...(validate ? { validate } : {}), notify, when, vars: {}, where,
  };
}

function conditions(r: Reader, names: string[], where: Where): Condition[] {
  const out: Condition[] = [];
  for (const w of names) {
    const negate = w.startsWith('!');
    const flag = (negate ? w.slice(1) : w) as ConditionFlag;
    if (CONDITION_FLAGS.includes(flag)) out.push({ flag, negate });
    else r.fail('role-yaml-condition', `unknown condition "${w}"`, where, `use one of ${CONDITION_FLAGS.join(', ')} (prefix ! to negate)`);
  }
  return out;
}
