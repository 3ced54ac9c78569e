/**
 * nginx.conf tokens as nginx reads them (src/core/ngx_conf_file.c, ngx_conf_read_token): words
 * separated by blanks; `;` ends a directive, `{` opens a block, `}` closes one; `#` at the start of
 * a word begins a comment to the end of the line (mid-word it is part of the word: `a#b`);
 * `"…"` and `'…'` group, and a backslash escapes the next character (`\"`, `\\`, and `\t` `\r`
 * `\n` inside quotes); `${var}` keeps its braces. Every token keeps its line and column.
 */
import { error, type Diagnostic } from '../diagnostics/index.js';

export interface NginxToken {
  kind: 'word' | ';' | '{' | '}';
  text: string;
  quoted: boolean;
  line: number;
  col: number;
}

const QUOTED_ESCAPES: Record<string, string> = { t: '\t', r: '\r', n: '\n' };

export function tokenizeNginx(text: string, file: string, firstLine = 1): { tokens: NginxToken[]; diagnostics: Diagnostic[] } {
  const tokens: NginxToken[] = [];
  const diagnostics: Diagnostic[] = [];
  let i = 0;
  let line = firstLine;
  let lineStart = 0;
  const col = (at: number) => at - lineStart + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') { line++; i++; lineStart = i; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === ';' || c === '{' || c === '}') { tokens.push({ kind: c, text: c, quoted: false, line, col: col(i) }); i++; continue; }
    const start = i;
    const startLine = line;
    const startCol = col(i);
    if (c === '"' || c === "'") {
      let out = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const n = text[i + 1]!;
          out += n === c || n === '\\' ? n : QUOTED_ESCAPES[n] ?? `\\${n}`;
          i += 2;
          continue;
        }
        if (text[i] === '\n') { line++; lineStart = i + 1; }
        out += text[i];
        i++;
      }
      if (i >= text.length) diagnostics.push(error('nginx-quote', `unterminated ${c} string`, { file, line: startLine, col: startCol }, `close the ${c}`));
      i++;
      tokens.push({ kind: 'word', text: out, quoted: true, line: startLine, col: startCol });
      continue;
    }
    let out = '';
    while (i < text.length) {
      const d = text[i]!;
      if (d === '\\' && i + 1 < text.length && text[i + 1] !== '\n') { out += text[i + 1]; i += 2; continue; }
      if (d === '{' && out.endsWith('$')) {
        // ${name}: the braces belong to the variable.
        const end = text.indexOf('}', i);
        if (end > 0) { out += text.slice(i, end + 1); i = end + 1; continue; }
      }
      if (' \t\r\n;{}'.includes(d)) break;
      out += d;
      i++;
    }
    tokens.push({ kind: 'word', text: out, quoted: false, line, col: col(start) });
  }
  return { tokens, diagnostics };
}
