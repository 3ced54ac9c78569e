import { LineCounter, parseDocument, isAlias, isMap, isSeq, type Node } from 'yaml';
import { error, type Diagnostic, type Result, type Where } from '../diagnostics/index.js';
import type { Handler } from './types.js';
import { CONDITION_FLAGS, type Condition, type ConditionFlag } from './conditions.js';

/** One file a role renders, as `templates/<role>/role.yaml` declares it. */
export interface RoleFileSpec {
  template: string;
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

/** Parse and check a role.yaml; every problem comes back with its line. */
export function parseRoleDefinition(role: string, file: string, text: string): Result<RoleDefinition> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const ds: Diagnostic[] = [];
  const at = (node: unknown, key?: string): Where => {
    const range = (node as Node | undefined)?.range;
    if (!range) return { file, key };
    const pos = lc.linePos(range[0]);
    return { file, line: pos.line, col: pos.col, key };
  };
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
    ds.push(error('role-yaml-syntax', e.message.split('\n')[0]!, { file, line: pos?.line, col: pos?.col }, 'fix the YAML syntax'));
  }
  if (ds.length) return { ok: false, diagnostics: ds };
  const root = doc.contents;
  if (!isMap(root)) return { ok: false, diagnostics: [error('role-yaml-shape', 'role.yaml must be a mapping with `files` and `handlers`', { file })] };

  const str = (node: unknown, key: string, required: boolean): string | undefined => {
    let v: unknown = isMap(node) ? node.get(key, true) : undefined;
    if (isAlias(v)) v = v.resolve(doc);
    if (v === undefined || v === null) {
      if (required) ds.push(error('role-yaml-field', `\`${key}\` is required`, at(node, key), `add \`${key}:\` to this entry`));
      return undefined;
    }
    const value = (v as { value?: unknown }).value;
    if (typeof value !== 'string' && typeof value !== 'number') {
      ds.push(error('role-yaml-field', `\`${key}\` must be a string`, at(v, key)));
      return undefined;
    }
    return String(value);
  };
  const strList = (node: unknown, key: string): string[] => {
    const v = isMap(node) ? node.get(key, true) : undefined;
    if (v === undefined || v === null) return [];
    if (!isSeq(v)) {
      ds.push(error('role-yaml-field', `\`${key}\` must be a list`, at(v, key)));
      return [];
    }
    return v.items.map((i) => String((i as { value?: unknown }).value));
  };

  const handlers: Handler[] = [];
  const hs = root.get('handlers', true);
  if (hs !== undefined && !isSeq(hs)) ds.push(error('role-yaml-field', '`handlers` must be a list', at(hs, 'handlers')));
  for (const [i, h] of (isSeq(hs) ? hs.items : []).entries()) {
    const name = str(h, 'name', true);
    const cmds = isMap(h) ? h.get('commands', true) : undefined;
    const commands = { systemd: '', sysv: '', direct: '' };
    for (const m of MANAGERS) {
      const present = isMap(cmds) && cmds.has(m);
      const c = str(cmds ?? h, m, false);
      if (!present) ds.push(error('role-yaml-field', `handler needs \`commands.${m}\``, at(cmds ?? h, `handlers[${i}].commands`), 'give a command for systemd, sysv and direct (no init system)'));
      else if (c !== undefined) commands[m] = c;
    }
    const orderText = str(h, 'order', false);
    const order = orderText === undefined ? 50 : Number(orderText);
    if (!Number.isFinite(order)) ds.push(error('role-yaml-field', '`order` must be a number', at(h, `handlers[${i}].order`)));
    const check = str(h, 'check', false);
    if (name) handlers.push({ name, commands, order, ...(check ? { check } : {}) });
  }
  const handlerNames = new Set(handlers.map((h) => h.name));

  const files: RoleFileSpec[] = [];
  const fs = root.get('files', true);
  if (!isSeq(fs)) ds.push(error('role-yaml-field', '`files` must be a list', at(fs ?? root, 'files')));
  for (const [i, f] of (isSeq(fs) ? fs.items : []).entries()) {
    const where = at(f, `files[${i}]`);
    const template = str(f, 'template', true);
    const dest = str(f, 'dest', true);
    const mode = str(f, 'mode', false) ?? '0644';
    if (!/^0[0-7]{3}$/.test(mode)) ds.push(error('role-yaml-field', `mode ${mode} is not an octal string like "0644"`, at(isMap(f) ? f.get('mode', true) : f, 'mode'), 'quote it: mode: "0644"'));
    if (dest !== undefined && !dest.startsWith('/') && !dest.startsWith('{{')) ds.push(error('role-yaml-field', `dest ${dest} is not an absolute path`, at(isMap(f) ? f.get('dest', true) : f, 'dest')));
    const notify = strList(f, 'notify');
    for (const n of notify) {
      if (!handlerNames.has(n)) ds.push(error('role-yaml-handler', `notifies unknown handler "${n}"`, where, `define it under handlers: (known: ${[...handlerNames].join(', ') || 'none'})`));
    }
    const when: Condition[] = [];
    for (const w of strList(f, 'when')) {
      const negate = w.startsWith('!');
      const flag = (negate ? w.slice(1) : w) as ConditionFlag;
      if (!CONDITION_FLAGS.includes(flag)) ds.push(error('role-yaml-condition', `unknown condition "${w}"`, where, `use one of ${CONDITION_FLAGS.join(', ')} (prefix ! to negate)`));
      else when.push({ flag, negate });
    }
    const each = str(f, 'each', false);
    if (each !== undefined && each !== 'cluster') ds.push(error('role-yaml-field', `each: ${each} is not supported`, where, 'use each: cluster'));
    const varsNode = isMap(f) ? f.get('vars', true) : undefined;
    const vars = isMap(varsNode) ? (varsNode.toJSON() as Record<string, unknown>) : {};
    const validate = str(f, 'validate', false);
    if (template && dest) {
      files.push({
        template, dest, mode,
        owner: str(f, 'owner', false) ?? 'root',
        group: str(f, 'group', false) ?? 'root',
        ...(validate ? { validate } : {}),
        notify, when, vars, where,
        ...(each === 'cluster' ? { each: 'cluster' as const } : {}),
      });
    }
  }
  const managedPaths = strList(root, 'managed_paths');
  if (ds.length) return { ok: false, diagnostics: ds.map((d) => (d.hint ? d : { ...d, hint: 'the role.yaml format is in templates/README.md' })) };
  return { ok: true, value: { name: role, file, files, handlers, managedPaths }, diagnostics: [] };
}
