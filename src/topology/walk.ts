import type { Inventory, VarValue } from '../inventory/types.js';
import { didYouMean } from './did-you-mean.js';
import { floorReason, FORMATS } from './formats.js';
import { passthroughProblem } from './passthrough.js';
import { OWN_PREFIXES, topLevelSpecs, type KeySpec } from './keys.js';
import { coerceHostScalar } from './read.js';
import type { KeyPath } from './where.js';

/** What walking the variables against the key table finds; each lint rule picks its kind. */
export type VarEvent =
  | { kind: 'wrong-type'; host: string; path: KeyPath; spec: KeySpec; value: VarValue; expected: string }
  | { kind: 'unknown-key'; host: string; path: KeyPath; suggestion?: string }
  | { kind: 'missing-key'; host: string; path: KeyPath; key: string }
  | { kind: 'value'; host: string; path: KeyPath; spec: KeySpec; value: VarValue };

/**
 * A value as a message shows it: `"2"`, `3`, `a list`. A string is quoted with its control
 * characters escaped and cut at 80 characters: an inventory value must never reach the terminal
 * raw (an escape sequence) nor add lines to a message.
 */
export function describeValue(v: VarValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') {
    const cut = v.length > 80 ? v.slice(0, 80) : v;
    const shown = cut.replace(/[\u0000-\u001f\u007f-\u009f"\\]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
    return `"${shown}"${v.length > 80 ? `… (${v.length} characters)` : ''}`;
  }
  return String(v);
}

/** What a spec accepts, in words for messages. */
export function expectedOf(spec: KeySpec): string {
  switch (spec.type) {
    case 'string': return spec.enum ? `one of ${spec.enum.join(', ')}` : spec.format ? FORMATS[spec.format].describe : 'a string';
    case 'integer': return 'an integer';
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    case 'object': return 'a mapping';
    case 'map': return 'a mapping';
    case 'array': return 'a list';
    case 'anyOf': return spec.options.map(expectedOf).join(' or ');
  }
}

function matchesShallow(spec: KeySpec, v: VarValue): boolean {
  switch (spec.type) {
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'boolean': return typeof v === 'boolean';
    case 'object': case 'map': return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'array': return Array.isArray(v);
    case 'anyOf': return spec.options.some((o) => matchesShallow(o, v));
  }
}

/** Walk one value against its spec, reporting each finding to `emit`. */
export function walkValue(spec: KeySpec, v: VarValue, host: string, path: KeyPath, emit: (e: VarEvent) => void): void {
  if (spec.type === 'anyOf') {
    const option = spec.options.find((o) => matchesShallow(o, v));
    if (!option) emit({ kind: 'wrong-type', host, path, spec, value: v, expected: expectedOf(spec) });
    else walkValue(option, v, host, path, emit);
    return;
  }
  if (!matchesShallow(spec, v)) {
    emit({ kind: 'wrong-type', host, path, spec, value: v, expected: expectedOf(spec) });
    return;
  }
  switch (spec.type) {
    case 'string': {
      const s = v as string;
      // Passthrough text has its own floor (passthrough.ts): newlines are its point.
      const block = spec.format && FORMATS[spec.format].multiline;
      const floor = block ? undefined : floorReason(s);
      if (floor) emit({ kind: 'wrong-type', host, path, spec, value: v, expected: floor });
      else if (block && spec.format) {
        const why = passthroughProblem(s, spec.format === 'nginx-block' ? 'nginx' : 'keepalived');
        if (why) emit({ kind: 'wrong-type', host, path, spec, value: v, expected: `${FORMATS[spec.format].describe}: needs ${why}` });
        else emit({ kind: 'value', host, path, spec, value: v });
      }
      else if (spec.enum && !spec.enum.includes(s)) emit({ kind: 'wrong-type', host, path, spec, value: v, expected: expectedOf(spec) });
      else if (spec.pattern && !new RegExp(spec.pattern).test(s)) emit({ kind: 'wrong-type', host, path, spec, value: v, expected: `a string matching ${spec.pattern}` });
      else if (spec.format && !FORMATS[spec.format].check(s)) emit({ kind: 'wrong-type', host, path, spec, value: v, expected: FORMATS[spec.format].describe });
      else emit({ kind: 'value', host, path, spec, value: v });
      return;
    }
    case 'integer': case 'number': case 'boolean':
      emit({ kind: 'value', host, path, spec, value: v });
      return;
    case 'array':
      (v as VarValue[]).forEach((item, i) => walkValue(spec.items, item, host, [...path, i], emit));
      return;
    case 'map':
      for (const [k, item] of Object.entries(v as Record<string, VarValue>)) walkValue(spec.values, item, host, [...path, k], emit);
      return;
    case 'object': {
      const o = v as Record<string, VarValue>;
      for (const req of spec.required ?? []) if (!(req in o)) emit({ kind: 'missing-key', host, path, key: req });
      for (const [k, item] of Object.entries(o)) {
        const sub = spec.props[k];
        if (sub) walkValue(sub, item, host, [...path, k], emit);
        else emit({ kind: 'unknown-key', host, path: [...path, k], suggestion: didYouMean(k, Object.keys(spec.props)) });
      }
      return;
    }
  }
}

function looksOurs(name: string): boolean {
  return OWN_PREFIXES.some((p) => name.startsWith(p));
}

const cache = new WeakMap<Inventory, VarEvent[]>();

/**
 * Every finding over every host's hafleet variables. A variable defined once for many hosts
 * (group_vars) is walked once: hosts are skipped when the variable's position was seen already.
 */
export function varEvents(inv: Inventory): VarEvent[] {
  const hit = cache.get(inv);
  if (hit) return hit;
  const out: VarEvent[] = [];
  const seen = new Set<string>();
  const known = Object.keys(topLevelSpecs);
  for (const host of inv.hosts.values()) {
    for (const [name, value] of Object.entries(host.vars)) {
      const spec = topLevelSpecs[name];
      if (!spec && name.startsWith('ansible_')) continue;
      const suggestion = spec ? undefined : didYouMean(name, known);
      if (!spec && !looksOurs(name) && !suggestion) continue;
      const w = inv.whereOf(host.name, [name]);
      const id = w.file && w.line !== undefined ? `${name}@${w.file}:${w.line}:${w.col}` : `${name}@host:${host.name}`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (!spec) out.push({ kind: 'unknown-key', host: host.name, path: [name], ...(suggestion ? { suggestion } : {}) });
      else walkValue(spec, coerceHostScalar(spec.type, value), host.name, [name], (e) => out.push(e));
    }
  }
  cache.set(inv, out);
  return out;
}
