import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { error, type Diagnostic, type Result } from '../diagnostics/index.js';
import { closestName } from './closest.js';
import type { Inventory } from './types.js';

/**
 * Ansible's host pattern grammar (`ansible -i INV PATTERN`, `--limit`):
 *  - `all` / `*`, a host, a group, globs (`web*`, `*.example`), `~regex` (anchored at the start,
 *    like Python's re.match);
 *  - `a:b` or `a,b` union, `a:&b` intersection, `a:!b` exclusion, evaluated as Ansible does:
 *    all unions first, then intersections, then exclusions, whatever their written order;
 *  - subscripts on a group: `web[0]`, `web[-1]`, `web[1:3]` (inclusive), `web[2:]`;
 *  - `@file`: one pattern per line, the file relative to `cwd` (Ansible's retry files).
 * Unlike Ansible, which warns and goes on, a term that matches nothing is an error: a typo in
 * `--limit 'all:!lb1'` must not deploy to lb1. The result is in the order of Ansible's `all`.
 */
export function selectHosts(inv: Inventory, pattern: string, opts: { cwd?: string } = {}): Result<string[]> {
  const out: Diagnostic[] = [];
  const terms: string[] = [];
  for (const term of splitPattern(pattern, inv)) {
    if (term.startsWith('@')) terms.push(...readPatternFile(term.slice(1), opts.cwd ?? process.cwd(), out));
    else terms.push(term);
  }
  const regular = terms.filter((t) => t[0] !== '&' && t[0] !== '!');
  const ordered = [...(regular.length ? regular : ['all']), ...terms.filter((t) => t[0] === '&'), ...terms.filter((t) => t[0] === '!')];

  const cache = new GroupHosts(inv);
  let selected: string[] = [];
  for (const term of ordered) {
    if (inv.hosts.has(term)) {
      if (!selected.includes(term)) selected.push(term);
      continue;
    }
    const matched = matchOne(inv, cache, term.replace(/^[&!]/, ''), out);
    if (!matched) continue;
    const set = new Set(matched);
    if (term[0] === '!') selected = selected.filter((h) => !set.has(h));
    else if (term[0] === '&') selected = selected.filter((h) => set.has(h));
    else {
      const have = new Set(selected);
      for (const h of matched) if (!have.has(h)) selected.push(h);
    }
  }
  if (out.some((d) => d.severity === 'error')) return { ok: false, diagnostics: out };
  // --limit keeps the order of the play's `all`: Ansible filters get_hosts('all') by the subset,
  // so hosts come in the all group's walk (its own, then its descendants level by level), not
  // in the order the terms named them nor the order the files declared them.
  const rank = new Map<string, number>();
  let i = 0;
  for (const name of cache.of('all')) rank.set(name, i++);
  for (const name of inv.hosts.keys()) if (!rank.has(name)) rank.set(name, i++);
  selected.sort((a, b) => rank.get(a)! - rank.get(b)!);
  return { ok: true, value: selected, diagnostics: out };
}

/**
 * Commas separate terms; so do colons outside `[...]`, except in a term that names a host
 * outright (an IPv6 address used as a host name).
 */
function splitPattern(pattern: string, inv: Inventory): string[] {
  const out: string[] = [];
  for (const part of pattern.split(',')) {
    const p = part.trim();
    if (!p) continue;
    if (inv.hosts.has(p)) out.push(p);
    else out.push(...(p.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []));
  }
  return out;
}

function readPatternFile(file: string, cwd: string, out: Diagnostic[]): string[] {
  const full = resolve(cwd, file);
  try {
    return readFileSync(full, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  } catch (e) {
    out.push(error('pattern-file', `cannot read limit file '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: full }, 'the path after @ is relative to the current directory'));
    return [];
  }
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

function matchOne(inv: Inventory, cache: GroupHosts, term: string, out: Diagnostic[]): string[] | undefined {
  let expr = term;
  let slice: { start: number; end?: number } | undefined;
  const m = term[0] === '~' ? null : SUBSCRIPT.exec(term);
  if (m) {
    expr = m[1];
    slice = m[2] !== undefined ? { start: Number(m[2]) } : { start: Number(m[3]), end: m[5] ? Number(m[5]) : -1 };
  }
  const re = compile(expr, out);
  if (!re) return undefined;

  const results: string[] = [];
  const seen = new Set<string>();
  const add = (h: string) => {
    if (!seen.has(h)) {
      seen.add(h);
      results.push(h);
    }
  };
  const groups = [...inv.groups.keys()].filter((g) => re.test(g));
  for (const g of groups) for (const h of cache.of(g)) add(h);
  if (groups.length === 0 || expr[0] === '~' || /[.?*[]/.test(expr)) {
    for (const h of inv.hosts.keys()) if (re.test(h)) add(h);
  }
  if (results.length === 0 && groups.length === 0) {
    const near = closestName(expr, [...inv.groups.keys(), ...inv.hosts.keys()]);
    out.push(error('unknown-pattern', `'${expr}' matches no host or group of the inventory`, {}, near ? `did you mean '${near}'?` : 'run `hafleet inventory --graph` to see the names'));
    return undefined;
  }
  if (!slice || results.length === 0) return results;
  // Ansible's _apply_subscript: [i] one host (negative counts from the end), [a:b] inclusive.
  const { start, end } = slice;
  const n = results.length;
  if (end === undefined) {
    const idx = start < 0 ? n + start : start;
    if (idx < 0 || idx >= n) return sliceError(term, n, out);
    return [results[idx]];
  }
  if (start >= n) return sliceError(term, n, out);
  if (end === 0) return [results[start]];
  return results.slice(start, (end === -1 ? n - 1 : end) + 1);
}

function sliceError(term: string, n: number, out: Diagnostic[]): undefined {
  out.push(error('pattern-slice', `'${term}' is out of range: the pattern matches ${n} host${n === 1 ? '' : 's'}`, {}, `subscripts count from 0 to ${n - 1}`));
  return undefined;
}

function compile(expr: string, out: Diagnostic[]): RegExp | undefined {
  try {
    return expr[0] === '~' ? new RegExp('^(?:' + expr.slice(1) + ')') : new RegExp('^' + fnmatchToRegex(expr) + '$');
  } catch (e) {
    out.push(error('bad-pattern', `invalid host pattern '${expr}': ${(e as Error).message}`, {}, 'a ~pattern is a regular expression; escape special characters'));
    return undefined;
  }
}

/** Python's fnmatch.translate: `*`, `?`, `[seq]`, `[!seq]`; everything else literal. */
function fnmatchToRegex(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) re += '\\[';
      else {
        let body = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (body[0] === '!') body = '^' + body.slice(1);
        else if (body[0] === '^') body = '\\' + body;
        re += `[${body}]`;
        i = j;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return re;
}

/** A group's hosts as Ansible lists them: its own, then its descendants' level by level. */
class GroupHosts {
  private readonly memo = new Map<string, string[]>();
  constructor(private readonly inv: Inventory) {}

  of(group: string): string[] {
    const known = this.memo.get(group);
    if (known) return known;
    const hosts: string[] = [];
    const seenHosts = new Set<string>();
    const seenGroups = new Set<string>([group]);
    let level = [group];
    while (level.length) {
      const next: string[] = [];
      for (const name of level) {
        const g = this.inv.groups.get(name);
        if (!g) continue;
        for (const h of g.hosts) if (!seenHosts.has(h)) { seenHosts.add(h); hosts.push(h); }
        for (const c of g.children) if (!seenGroups.has(c)) { seenGroups.add(c); next.push(c); }
      }
      level = next;
    }
    this.memo.set(group, hosts);
    return hosts;
  }
}
