/**
 * The part of Ansible's templating that inventories in the field use for values: `{{ expr }}` in
 * strings, where expr is a variable (`ansible_host`, `hostvars['lb1'].ansible_host`,
 * `groups['lb'][0]`, `x.y`, `x[0]`), a literal, `lookup('env', 'NAME')`, and filters (`default`
 * / `d`, `int`, `string`, `bool`, `lower`, `upper`, `trim`, `join`, `first`, `last`, `length`,
 * `replace`), joined with `~`. A string that is one expression keeps the value's type, as Ansible
 * does (`"{{ base_port }}"` stays a number). Anything else (`{% %}`, tests, arithmetic, facts that
 * only exist while a play runs) cannot be evaluated here: the value is kept as written and the
 * caller decides whether that matters (it does for the keys hafleet reads).
 */
import type { VarValue } from './types.js';

export class TemplateError extends Error {}

/** What a template may refer to, for one host. */
export interface TemplateScope {
  /** A variable of this host (rendered), or undefined when it has none of that name. */
  lookup(name: string): VarValue | undefined;
  env: NodeJS.ProcessEnv;
}

type Tok = { t: 'name' | 'str' | 'num' | 'op'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j++];
      }
      if (j >= src.length) throw new TemplateError('unterminated string');
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num && (c !== '-' || out.length === 0 || out.at(-1)!.t === 'op')) { out.push({ t: 'num', v: num[0] }); i += num[0].length; continue; }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) { out.push({ t: 'name', v: name[0] }); i += name[0].length; continue; }
    if ('.[](),|~'.includes(c)) { out.push({ t: 'op', v: c }); i++; continue; }
    throw new TemplateError(`'${c}' is beyond the templating hafleet evaluates`);
  }
  return out;
}

const UNDEFINED = Symbol('undefined');
type Val = VarValue | typeof UNDEFINED;

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[], private readonly scope: TemplateScope, private readonly what: string[]) {}

  private peek(v?: string): Tok | undefined {
    const t = this.toks[this.i];
    return t && (v === undefined || (t.t === 'op' && t.v === v)) ? t : undefined;
  }

  private take(v: string): void {
    if (!this.peek(v)) throw new TemplateError(`expected '${v}'`);
    this.i++;
  }

  parse(): VarValue {
    const v = this.concat();
    if (this.i < this.toks.length) throw new TemplateError(`unexpected '${this.toks[this.i]!.v}'`);
    if (v === UNDEFINED) throw new TemplateError(`'${this.what.join(' / ')}' is undefined`);
    return v;
  }

  private concat(): Val {
    let v = this.filtered();
    while (this.peek('~')) {
      this.i++;
      const r = this.filtered();
      v = text(defined(v, this.what)) + text(defined(r, this.what));
    }
    return v;
  }

  private filtered(): Val {
    let v = this.postfix();
    while (this.peek('|')) {
      this.i++;
      const name = this.toks[this.i++];
      if (name?.t !== 'name') throw new TemplateError('a filter name after |');
      const args: Val[] = [];
      if (this.peek('(')) {
        this.i++;
        while (!this.peek(')')) {
          args.push(this.concat());
          if (!this.peek(')')) this.take(',');
        }
        this.take(')');
      }
      v = filter(name.v, v, args, this.what);
    }
    return v;
  }

  private postfix(): Val {
    let v = this.primary();
    for (;;) {
      if (this.peek('.')) {
        this.i++;
        const n = this.toks[this.i++];
        if (n?.t !== 'name' && n?.t !== 'num') throw new TemplateError('a name after .');
        v = member(v, n.v);
      } else if (this.peek('[')) {
        this.i++;
        const k = this.concat();
        this.take(']');
        v = member(v, k === UNDEFINED ? UNDEFINED : (k as VarValue));
      } else return v;
    }
  }

  private primary(): Val {
    const t = this.toks[this.i++];
    if (!t) throw new TemplateError('an expression is missing');
    if (t.t === 'str') return t.v;
    if (t.t === 'num') return Number(t.v);
    if (t.t === 'op' && t.v === '(') {
      const v = this.concat();
      this.take(')');
      return v;
    }
    if (t.t !== 'name') throw new TemplateError(`unexpected '${t.v}'`);
    if (t.v === 'true' || t.v === 'True') return true;
    if (t.v === 'false' || t.v === 'False') return false;
    if (t.v === 'none' || t.v === 'None') return null;
    if (t.v === 'lookup' && this.peek('(')) {
      this.i++;
      const args: Val[] = [];
      while (!this.peek(')')) {
        args.push(this.concat());
        if (!this.peek(')')) this.take(',');
      }
      this.take(')');
      if (args[0] !== 'env' || typeof args[1] !== 'string') throw new TemplateError("only lookup('env', NAME) is evaluated");
      return this.scope.env[args[1]] ?? '';
    }
    if (this.peek('(')) throw new TemplateError(`${t.v}() is beyond the templating hafleet evaluates`);
    this.what.push(t.v);
    const v = this.scope.lookup(t.v);
    return v === undefined ? UNDEFINED : v;
  }
}

function defined(v: Val, what: string[]): VarValue {
  if (v === UNDEFINED) throw new TemplateError(`'${what.join(' / ')}' is undefined`);
  return v;
}

function text(v: VarValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function member(v: Val, k: VarValue | typeof UNDEFINED): Val {
  if (v === UNDEFINED || k === UNDEFINED || v === null || typeof v !== 'object') return UNDEFINED;
  if (Array.isArray(v)) {
    const n = typeof k === 'number' ? k : Number(k);
    return Number.isInteger(n) ? (v.at(n) ?? UNDEFINED) : UNDEFINED;
  }
  const r = (v as Record<string, VarValue>)[String(k)];
  return r === undefined ? UNDEFINED : r;
}

function filter(name: string, v: Val, args: Val[], what: string[]): Val {
  switch (name) {
    case 'default':
    case 'd': {
      const empty = args[1] === true && v !== UNDEFINED && (v === '' || v === null || v === false);
      return v === UNDEFINED || empty ? (args[0] ?? '') : v;
    }
    case 'int': {
      const n = parseInt(text(defined(v, what)), 10);
      return Number.isNaN(n) ? (args[0] ?? 0) : n;
    }
    case 'string': return text(defined(v, what));
    case 'bool': {
      const x = defined(v, what);
      return typeof x === 'boolean' ? x : ['yes', 'on', '1', 'true', 'y'].includes(text(x).toLowerCase());
    }
    case 'lower': return text(defined(v, what)).toLowerCase();
    case 'upper': return text(defined(v, what)).toUpperCase();
    case 'trim': return text(defined(v, what)).trim();
    case 'join': {
      const x = defined(v, what);
      return Array.isArray(x) ? x.map(text).join(typeof args[0] === 'string' ? args[0] : '') : text(x);
    }
    case 'first': case 'last': {
      const x = defined(v, what);
      const r = Array.isArray(x) ? (name === 'first' ? x[0] : x.at(-1)) : undefined;
      return r === undefined ? UNDEFINED : r;
    }
    case 'length': case 'count': {
      const x = defined(v, what);
      return Array.isArray(x) || typeof x === 'string' ? x.length : x && typeof x === 'object' ? Object.keys(x).length : 0;
    }
    case 'replace': return text(defined(v, what)).split(text(defined(args[0] ?? '', what))).join(text(defined(args[1] ?? '', what)));
    default: throw new TemplateError(`the filter '${name}' is beyond the templating hafleet evaluates`);
  }
}

/** Whether a string holds anything Jinja would touch. */
export function isTemplated(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

/**
 * Render one string. Throws TemplateError for what cannot be evaluated here (the message says
 * what), and lets errors of the scope (a cycle) through.
 */
export function renderString(s: string, scope: TemplateScope): VarValue {
  if (s.includes('{%') || s.includes('{#')) throw new TemplateError('{% … %} and {# … #} blocks are beyond the templating hafleet evaluates');
  const whole = /^\s*\{\{(.*?)\}\}\s*$/s.exec(s);
  if (whole && !whole[1]!.includes('}}')) return new Parser(tokenize(whole[1]!), scope, []).parse();
  const out = s.replace(/\{\{(.*?)\}\}/gs, (_, expr: string) => '\0' + text(new Parser(tokenize(expr), scope, []).parse()) + '\0');
  if (out.split('\0').some((part, i) => i % 2 === 0 && part.includes('{{'))) throw new TemplateError('a {{ without its }}');
  return out.replaceAll('\0', '');
}
