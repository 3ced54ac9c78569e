import type { VarValue } from './types.js';

/**
 * Ansible's INI reader passes every value through Python's `ast.literal_eval` and keeps the raw
 * string when that fails. This is the subset of Python literal syntax that matters for
 * inventories: numbers, True/False/None, quoted strings, lists, tuples, dicts and sets.
 * Returns `undefined` when the text is not a literal (the caller keeps the string).
 */
export function pythonLiteral(text: string): VarValue | undefined {
  const p = new LiteralParser(text);
  try {
    p.ws();
    const v = p.topLevel();
    p.ws();
    if (!p.atEnd()) return undefined;
    return v;
  } catch (e) {
    if (e instanceof NotLiteral) return undefined;
    throw e;
  }
}

class NotLiteral extends Error {}

const INT_RE = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?[0-9])*|0(?:_?0)*)/;
const FLOAT_RE = /^(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*(?:[eE][+-]?[0-9]+)?|[0-9](?:_?[0-9])*\.(?:[eE][+-]?[0-9]+)?|[0-9](?:_?[0-9])*[eE][+-]?[0-9]+)/;

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  /** Whitespace and a trailing `# comment`, which Python's tokenizer ignores. */
  ws(): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else if (c === '#') this.i = this.s.length;
      else break;
    }
  }

  /** `1, 2` without brackets is a tuple in Python (`"00,04"` in a host line becomes a list). */
  topLevel(): VarValue {
    const first = this.value();
    this.ws();
    if (this.s[this.i] !== ',') return first;
    const out: VarValue[] = [first];
    while (this.s[this.i] === ',') {
      this.i++;
      this.ws();
      if (this.atEnd()) break;
      out.push(this.value());
      this.ws();
    }
    return out;
  }

  value(): VarValue {
    const c = this.s[this.i];
    if (c === undefined) throw new NotLiteral();
    if (c === '[') return this.seq('[', ']');
    if (c === '(') return this.tuple();
    if (c === '{') return this.dictOrSet();
    if (c === '"' || c === "'") return this.strings();
    if (c === '-' || c === '+') {
      this.i++;
      this.ws();
      const n = this.number();
      return c === '-' ? -n : n;
    }
    const rest = this.s.slice(this.i);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)?.[0];
    if (word !== undefined) {
      this.i += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      throw new NotLiteral();
    }
    return this.number();
  }

  private number(): number {
    const rest = this.s.slice(this.i);
    const f = FLOAT_RE.exec(rest)?.[0];
    const n = INT_RE.exec(rest)?.[0];
    const tok = f && (!n || f.length > n.length) ? f : n;
    if (!tok) throw new NotLiteral();
    // "01" is a SyntaxError in Python 3: an int token must not be followed by more digits.
    const next = rest[tok.length];
    if (next !== undefined && /[0-9A-Za-z_.]/.test(next)) throw new NotLiteral();
    this.i += tok.length;
    const clean = tok.replace(/_/g, '');
    if (tok === f) return Number(clean);
    if (/^0[oO]/.test(clean)) return parseInt(clean.slice(2), 8);
    if (/^0[bB]/.test(clean)) return parseInt(clean.slice(2), 2);
    return Number(clean);
  }

  /** Adjacent string literals concatenate, as in Python. */
  private strings(): string {
    let out = this.string();
    for (;;) {
      const save = this.i;
      this.ws();
      const c = this.s[this.i];
      if (c === '"' || c === "'") out += this.string();
      else {
        this.i = save;
        return out;
      }
    }
  }

  private string(): string {
    const q = this.s[this.i++];
    let out = '';
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined || c === '\n') throw new NotLiteral();
      if (c === q) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      if (e === undefined) throw new NotLiteral();
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
      if (e in simple) out += simple[e];
      else if (e === 'x' || e === 'u' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = this.s.slice(this.i, this.i + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new NotLiteral();
        out += String.fromCodePoint(parseInt(hex, 16));
        this.i += len;
      } else out += '\\' + e;
    }
  }

  private items(close: string, item: () => void): number {
    let count = 0;
    this.ws();
    while (this.s[this.i] !== close) {
      item();
      count++;
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        this.ws();
      } else if (this.s[this.i] !== close) throw new NotLiteral();
    }
    this.i++;
    return count;
  }

  private seq(_open: string, close: string): VarValue[] {
    this.i++;
    const out: VarValue[] = [];
    this.items(close, () => out.push(this.value()));
    return out;
  }

  /** `(1)` is just 1; `(1,)` and `()` are tuples, which become lists. */
  private tuple(): VarValue {
    this.i++;
    this.ws();
    if (this.s[this.i] === ')') {
      this.i++;
      return [];
    }
    const first = this.value();
    this.ws();
    if (this.s[this.i] === ')') {
      this.i++;
      return first;
    }
    if (this.s[this.i] !== ',') throw new NotLiteral();
    this.i++;
    const out: VarValue[] = [first];
    this.items(')', () => out.push(this.value()));
    return out;
  }

  private dictOrSet(): VarValue {
    this.i++;
    this.ws();
    const obj: Record<string, VarValue> = {};
    const set: VarValue[] = [];
    let kind: 'dict' | 'set' | undefined;
    this.items('}', () => {
      const k = this.value();
      this.ws();
      if (this.s[this.i] === ':') {
        if (kind === 'set') throw new NotLiteral();
        kind = 'dict';
        this.i++;
        this.ws();
        obj[typeof k === 'string' ? k : JSON.stringify(k)] = this.value();
      } else {
        if (kind === 'dict') throw new NotLiteral();
        kind = 'set';
        if (!set.some((x) => x === k)) set.push(k);
      }
    });
    return kind === 'set' ? set : obj;
  }
}
