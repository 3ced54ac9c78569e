import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { error, warning, type Diagnostic, type Where } from '../diagnostics/index.js';
import type { VarValue, Vars } from './types.js';

/** A parsed YAML file that remembers where each node came from. */
export interface YamlFile {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

// Ansible reads YAML with PyYAML, i.e. YAML 1.1: `yes`/`no`/`on`/`off` are booleans and `<<`
// merge keys work. Vault and unsafe tags stay strings: hafleet cannot decrypt, only carry them.
// The yaml library's 1.1 schema also reads y/Y/n/N as booleans; PyYAML does not (a host var `y: 2`
// must stay the key "y"), so its boolean tags are narrowed to PyYAML's spellings.
const PYYAML_BOOL: Record<string, RegExp> = {
  true: /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  false: /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
};

function pyyamlTags(tags: unknown[]): unknown[] {
  return tags.map((t) => {
    const tag = t as { tag?: string; identify?: (v: unknown) => boolean };
    if (tag.tag !== 'tag:yaml.org,2002:bool') return t;
    return { ...tag, test: tag.identify?.(true) ? PYYAML_BOOL.true : PYYAML_BOOL.false };
  });
}

const OPTIONS = {
  version: '1.1' as const,
  uniqueKeys: false,
  customTags: (tags: unknown[]) => [
    ...pyyamlTags(tags),
    { tag: '!vault', resolve: (s: string) => s },
    { tag: '!unsafe', resolve: (s: string) => s },
  ],
};

export function parseYaml(file: string, text: string): { yaml: YamlFile; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...OPTIONS, lineCounter: lines } as Parameters<typeof parseDocument>[1]);
  const diagnostics = doc.errors.map((e) => {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    return error('yaml-syntax', message, { file, line: pos.line, col: pos.col }, 'fix the YAML at this position (indentation, a missing ":" or an unclosed quote are the usual causes)');
  });
  for (const w of doc.warnings) {
    const pos = w.linePos?.[0] ?? lines.linePos(w.pos[0]);
    diagnostics.push(warning('yaml-warning', w.message.split('\n')[0], { file, line: pos.line, col: pos.col }));
  }
  if (doc.errors.length === 0) {
    const bomb = aliasBomb(doc, file, lines);
    if (bomb) diagnostics.push(bomb);
  }
  return { yaml: { file, doc, lines }, diagnostics };
}

/** Aliases expanded into more than this many nodes are refused (the yaml library's limit). */
export const MAX_ALIAS_COUNT = 1000;

/**
 * A "billion laughs" file (aliases of aliases of lists) expands to more nodes than memory holds;
 * the yaml library stops it with a ReferenceError when the document is converted. Convert it once
 * here, where the error becomes a Diagnostic naming the file (exit 65), so no later conversion
 * (toVarValue) can throw on user data.
 */
function aliasBomb(doc: Document.Parsed, file: string, lines: LineCounter): Diagnostic | undefined {
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return undefined;
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    let at: Where = { file, line: 1, col: 1 };
    visitAliases(doc.contents, (n) => {
      if (at.line === 1 && n.range) at = { file, ...lines.linePos(n.range[0]) };
    });
    return error('yaml-alias', `aliases expand to too many nodes (${e.message}; over ${MAX_ALIAS_COUNT}): refused as a resource exhaustion attack`, at,
      'write the values out, or use fewer nested aliases (*name) of large anchors');
  }
}

function visitAliases(node: unknown, fn: (n: Node) => void): void {
  if (isAlias(node)) fn(node);
  else if (isMap(node)) for (const p of node.items) { visitAliases(p.key, fn); visitAliases(p.value, fn); }
  else if (isSeq(node)) for (const x of node.items) visitAliases(x, fn);
}

/** file:line:col of a node (or of a map key). */
export function whereOfNode(y: YamlFile, node: Node | null | undefined): Where {
  if (!node?.range) return { file: y.file };
  const { line, col } = y.lines.linePos(node.range[0]);
  return { file: y.file, line, col };
}

/**
 * Position of `path` inside `root`: the key of the deepest path element found, so a nested key
 * that does not exist falls back to its nearest ancestor.
 */
export function locate(y: YamlFile, root: Node | null | undefined, path: readonly (string | number)[]): Where {
  let node: unknown = deref(y, root);
  let best: Where = whereOfNode(y, root ?? undefined);
  for (const step of path) {
    if (isMap(node)) {
      const pair = lastPair(y, node, String(step), 0);
      if (!pair) break;
      best = whereOfNode(y, pair.key as Node);
      node = deref(y, pair.value);
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step] as Node | undefined;
      if (!item) break;
      best = whereOfNode(y, item);
      node = deref(y, item);
    } else break;
  }
  return best;
}

/** An alias (`*name`) stands for its anchored node; anything else is itself. */
export function deref(y: YamlFile, node: unknown): unknown {
  return isAlias(node) ? node.resolve(y.doc) : node;
}

/**
 * With duplicate keys the last one wins, as in PyYAML, so position reports follow it. A key
 * not written in the map may come from a `<<: *anchor` merge: look there next.
 */
function lastPair(y: YamlFile, map: YAMLMap, key: string, depth: number): Pair | undefined {
  for (let i = map.items.length - 1; i >= 0; i--) {
    const p = map.items[i];
    if (keyText(p.key) === key && keyText(p.key) !== '<<') return p;
  }
  if (depth > 10) return undefined;
  for (const p of map.items) {
    if (keyText(p.key) !== '<<') continue;
    const v = deref(y, p.value);
    const sources = isSeq(v) ? v.items.map((x) => deref(y, x)) : [v];
    for (const src of sources) {
      if (!isMap(src)) continue;
      const found = lastPair(y, src, key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

export function keyText(key: unknown): string {
  // A YAML 1.1 merge key parses to a symbol; its source text is `<<`.
  if (isScalar(key)) return typeof key.value === 'symbol' ? (key.source ?? '<<') : String(key.value);
  return String(key);
}

/** A node's value as plain JSON-like data (dates, sets and binary become strings/lists). */
export function toVarValue(y: YamlFile, node: unknown): VarValue {
  if (node === null || node === undefined) return null;
  const js = (node as Node).toJS(y.doc, { maxAliasCount: 1000 });
  return plain(js);
}

export function toVars(y: YamlFile, node: YAMLMap): Vars {
  return toVarValue(y, node) as Vars;
}

function plain(v: unknown): VarValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Set) return [...v].map(plain);
  if (v instanceof Map) {
    const o: Record<string, VarValue> = {};
    for (const [k, x] of v) o[String(k)] = plain(x);
    return o;
  }
  if (typeof v === 'object') {
    const o: Record<string, VarValue> = {};
    for (const k of Object.keys(v)) o[k] = plain((v as Record<string, unknown>)[k]);
    return o;
  }
  return String(v);
}

/** Duplicate keys anywhere below `root` (YAML forbids them; PyYAML silently keeps the last). */
export function duplicateKeys(y: YamlFile, root: unknown, path: string, out: Diagnostic[]): void {
  if (isMap(root)) {
    const seen = new Set<string>();
    for (const p of root.items) {
      const k = keyText(p.key);
      const here = path ? `${path}.${k}` : k;
      if (seen.has(k)) out.push(error('duplicate-key', `key '${k}' appears twice in the same mapping; the last one wins`, { ...whereOfNode(y, p.key as Node), key: here }, 'remove one of them'));
      seen.add(k);
      duplicateKeys(y, p.value, here, out);
    }
  } else if (isSeq(root)) {
    root.items.forEach((item, i) => duplicateKeys(y, item, `${path}[${i}]`, out));
  }
}
