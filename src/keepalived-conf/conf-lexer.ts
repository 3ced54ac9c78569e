/**
 * keepalived.conf tokenizer: words, `"quoted strings"`, `{` `}`, comments from `#` or `!` to the
 * end of the line, and `include PATTERN` (glob, relative to the including file's directory, as
 * keepalived 2.x resolves it) spliced in place. Every token keeps its file:line:col. The file
 * system is passed in so tests can give it a map.
 */
import path from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics/index.js';

export interface Token {
  text: string;
  quoted: boolean;
  file: string;
  line: number;
  col: number;
}

export interface ConfFiles {
  /** File contents, or undefined when it cannot be read. */
  read(file: string): string | undefined;
  /** Entries of a directory (names only), or [] when it cannot be read. */
  list(dir: string): string[];
}

const MAX_INCLUDE_DEPTH = 8;

export function tokenize(file: string, files: ConfFiles): { tokens: Token[]; diagnostics: Diagnostic[]; filesRead: string[] } {
  const out: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  const filesRead: string[] = [];
  const text = files.read(file);
  if (text === undefined) {
    diagnostics.push(error('conf-unreadable', `cannot read ${file}`, { file }, 'check the path given with -f'));
    return { tokens: out, diagnostics, filesRead };
  }
  lexFile(file, text, files, 0, out, diagnostics, filesRead);
  return { tokens: out, diagnostics, filesRead };
}

function lexFile(file: string, text: string, files: ConfFiles, depth: number, out: Token[], ds: Diagnostic[], read: string[]): void {
  read.push(file);
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const toks = lexLine(raw, file, line, ds);
    if (toks[0]?.text === 'include' && !toks[0].quoted) {
      const where = { file, line, col: toks[0].col };
      if (toks.length !== 2) {
        ds.push(error('conf-include', 'include takes one path or glob', where));
        return;
      }
      if (depth >= MAX_INCLUDE_DEPTH) {
        ds.push(error('conf-include', `includes nested deeper than ${MAX_INCLUDE_DEPTH}`, where, 'look for a file that includes itself'));
        return;
      }
      const pattern = path.resolve(path.dirname(file), toks[1]!.text);
      const matches = expandGlob(pattern, files);
      if (matches.length === 0) {
        // keepalived only warns for an include that matches nothing.
        ds.push(warning('conf-include-empty', `include ${toks[1]!.text} matches no file`, where));
      }
      for (const m of matches) {
        const t = files.read(m);
        if (t === undefined) ds.push(error('conf-unreadable', `cannot read included ${m}`, where));
        else lexFile(m, t, files, depth + 1, out, ds, read);
      }
      return;
    }
    out.push(...toks);
  });
}

function lexLine(raw: string, file: string, line: number, ds: Diagnostic[]): Token[] {
  const toks: Token[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#' || c === '!') break;
    if (c === '{' || c === '}') {
      toks.push({ text: c, quoted: false, file, line, col: i + 1 });
      i++;
      continue;
    }
    if (c === '"') {
      const end = raw.indexOf('"', i + 1);
      if (end < 0) {
        ds.push(error('conf-quote', 'unterminated quoted string', { file, line, col: i + 1 }, 'close the " on the same line'));
        toks.push({ text: raw.slice(i + 1), quoted: true, file, line, col: i + 1 });
        break;
      }
      toks.push({ text: raw.slice(i + 1, end), quoted: true, file, line, col: i + 1 });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < raw.length && !' \t{}"'.includes(raw[j]!) && !(raw[j] === '#' || raw[j] === '!')) j++;
    toks.push({ text: raw.slice(i, j), quoted: false, file, line, col: i + 1 });
    i = j;
  }
  return toks;
}

function globToRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += '[' + seg.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expand `*`, `?` and `[…]` per path segment; sorted like glob(3). */
export function expandGlob(absPattern: string, files: ConfFiles): string[] {
  const segs = absPattern.split('/').filter(Boolean);
  let bases = ['/'];
  for (const seg of segs) {
    const next: string[] = [];
    for (const b of bases) {
      if (!/[*?[]/.test(seg)) next.push(path.join(b, seg));
      else {
        const re = globToRegExp(seg);
        // glob(3): a hidden name matches only a segment that starts with the dot itself.
        for (const name of files.list(b).sort()) if ((!name.startsWith('.') || seg.startsWith('.')) && re.test(name)) next.push(path.join(b, name));
      }
    }
    bases = next;
  }
  return bases.filter((f) => files.read(f) !== undefined);
}
