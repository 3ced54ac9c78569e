import { error, type Diagnostic, type Where } from '../diagnostics/index.js';
import { flatLayer, type InventoryBuilder } from './builder.js';
import { closestName } from './closest.js';
import { expandHostPattern } from './host-range.js';
import { shlexSplit } from './ini-shlex.js';
import { pythonLiteral } from './python-literal.js';
import type { VarValue, Vars } from './types.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

/** Ansible's `_parse_value`: a Python literal if `ast.literal_eval` accepts it, else the text. */
export function iniValue(text: string): VarValue {
  const v = pythonLiteral(text);
  return v === undefined ? text : v;
}

interface Pending {
  where: Where;
  state: 'vars' | 'children';
  parents: string[];
}

/**
 * Ansible's INI inventory format (its `ini` plugin), line by line. Lines before any section belong
 * to `ungrouped`. Host lines are split like a shell (shlex) and each `key=value` goes through
 * Python literal parsing, so `port=22` is a number, `become=True` a boolean, `x="1"` the number 1
 * (shlex ate the quotes). `[g:vars]` lines are split at the first `=` without shlex, so quotes
 * survive into the literal parser (`x="1"` is the string "1") and `x=a # b` keeps ` # b`.
 * Every bad line is reported; reading goes on with the next one.
 */
export function readIniInventory(file: string, text: string, b: InventoryBuilder, out: Diagnostic[]): void {
  const lines = text.split(/\r?\n/);
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state = 'hosts';
  let varsLayer: { vars: Vars; keyWhere: Record<string, Where> } | undefined;

  lines.forEach((raw, index) => {
    const line = raw.trim();
    const lineNo = index + 1;
    const at = (col = raw.length - raw.trimStart().length + 1): Where => ({ file, line: lineNo, col });
    if (!line || line[0] === '#' || line[0] === ';') return;

    const m = SECTION.exec(line);
    if (m) {
      group = m[1];
      state = m[2] ?? 'hosts';
      varsLayer = undefined;
      if (state !== 'hosts' && state !== 'children' && state !== 'vars') {
        const near = closestName(state, ['hosts', 'children', 'vars']);
        out.push(error('ini-syntax', `section [${group}:${state}] has unknown type '${state}'`, at(), near ? `did you mean [${group}:${near}]?` : `use [${group}], [${group}:children] or [${group}:vars]`));
        state = 'skip';
        return;
      }
      if (!b.groups.has(group) && state === 'vars' && !pending.has(group)) pending.set(group, { where: at(), state: 'vars', parents: [] });
      b.group(group, at());
      const p = pending.get(group);
      if (p && state !== 'vars') {
        if (p.state === 'children') addPendingChildren(b, group, pending);
        else pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      out.push(error('ini-syntax', `invalid section entry '${line}'`, at(), 'a section is [group], [group:children] or [group:vars], without spaces'));
      state = 'skip';
      return;
    }

    if (state === 'skip') return;
    if (state === 'hosts') return readHostLine(file, line, raw, at(), group, b, out);
    if (state === 'children') {
      const c = GROUP_NAME.exec(line);
      if (!c) {
        out.push(error('ini-syntax', `expected a group name, got '${line}'`, at(), 'a [group:children] section lists one group name per line'));
        return;
      }
      const child = c[1];
      if (b.groups.has(child)) b.addChild(group, child);
      else {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { where: at(), state: 'children', parents: [group] });
      }
      return;
    }
    // state === 'vars'
    const eq = line.indexOf('=');
    if (eq < 0) {
      out.push(error('ini-syntax', `expected key=value, got '${line}'`, at(), `a [${group}:vars] section holds one key=value per line`));
      return;
    }
    const key = line.slice(0, eq).trim();
    if (!varsLayer) {
      varsLayer = { vars: {}, keyWhere: {} };
      b.groups.get(group)!.layers.push(flatLayer(varsLayer.vars, varsLayer.keyWhere, at()));
    }
    varsLayer.vars[key] = iniValue(line.slice(eq + 1).trim());
    varsLayer.keyWhere[key] = at();
  });

  for (const [name, p] of pending) {
    out.push(p.state === 'vars'
      ? error('ini-syntax', `section [${name}:vars] is for a group that is never declared`, p.where, `declare it with [${name}] or [${name}:children], or fix the name${hintName(name, b)}`)
      : error('ini-syntax', `section [${p.parents[p.parents.length - 1]}:children] includes undefined group '${name}'`, p.where, `declare it with a [${name}] section${hintName(name, b)}`));
  }
}

function hintName(name: string, b: InventoryBuilder): string {
  const near = closestName(name, [...b.groups.keys()].filter((g) => g !== name));
  return near ? ` (did you mean '${near}'?)` : '';
}

function addPendingChildren(b: InventoryBuilder, group: string, pending: Map<string, Pending>): void {
  const p = pending.get(group)!;
  pending.delete(group);
  for (const parent of p.parents) {
    b.group(parent, p.where);
    b.addChild(parent, group);
    const pp = pending.get(parent);
    if (pp && pp.state === 'children') addPendingChildren(b, parent, pending);
  }
}

function readHostLine(file: string, line: string, raw: string, at: Where, group: string, b: InventoryBuilder, out: Diagnostic[]): void {
  const split = shlexSplit(line);
  if ('error' in split) {
    out.push(error('ini-syntax', `cannot split host line: ${split.error}`, at, 'close the quote, or escape it with a backslash'));
    return;
  }
  const [pattern, ...assignments] = split.tokens;
  if (pattern === undefined) return;
  if (pattern === '---') {
    out.push(error('ini-syntax', "'---' is not a host name", at, 'this looks like a YAML file: give it a .yml extension'));
    return;
  }
  if (pattern.endsWith(':')) {
    out.push(error('ini-syntax', `host '${pattern}' ends in ':', which is reserved for a port`, at, 'write host:port, e.g. web1:2222'));
    return;
  }
  const expanded = expandHostPattern(pattern);
  if ('error' in expanded) {
    out.push(error('host-range', expanded.error, at, 'write ranges as [01:10], [a:f] or [1:9:2]'));
    return;
  }
  const vars: Vars = {};
  const keyWhere: Record<string, Where> = {};
  let bad = false;
  for (const t of assignments) {
    const eq = t.indexOf('=');
    if (eq < 0) {
      out.push(error('ini-syntax', `expected key=value host variable assignment, got '${t}'`, at, 'write key=value without spaces around =, and quote values that contain spaces: key="a b"'));
      bad = true;
      continue;
    }
    const key = t.slice(0, eq);
    vars[key] = iniValue(t.slice(eq + 1));
    const col = raw.indexOf(key + '=');
    keyWhere[key] = { file, line: at.line, col: col >= 0 ? col + 1 : at.col };
  }
  if (bad) return;
  const portLayer = expanded.port !== undefined ? flatLayer({ ansible_port: expanded.port }, {}, at) : undefined;
  const layer = assignments.length ? flatLayer(vars, keyWhere, at) : undefined;
  for (const name of expanded.hosts) {
    const host = b.host(name, at);
    b.addHost(group, name);
    if (portLayer) host.layers.push(portLayer);
    if (layer) host.layers.push(layer);
  }
}
