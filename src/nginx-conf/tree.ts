/**
 * nginx.conf structure: directives (name, arguments, optional block) with file:line, as nginx's
 * parser nests them. `include` is kept as a directive and not followed: a caller that has the
 * files (or `nginx -T`'s dump, see dump.ts) reads each one itself. The body of a
 * `*_by_lua_block` is Lua, not directives: it is skipped to its matching brace (a brace inside a
 * Lua string would confuse this, as it would any reader without a Lua lexer).
 */
import { error, type Diagnostic, type Where } from '../diagnostics/index.js';
import { tokenizeNginx, type NginxToken } from './lexer.js';

export interface NginxDirective {
  name: string;
  args: string[];
  block?: NginxDirective[];
  where: Where;
}

export interface NginxTree {
  directives: NginxDirective[];
  diagnostics: Diagnostic[];
}

/** Parse one file's text. `firstLine` places a section of `nginx -T` output at its own line numbers. */
export function parseNginx(text: string, file: string, firstLine = 1): NginxTree {
  const lex = tokenizeNginx(text, file, firstLine);
  const diagnostics = [...lex.diagnostics];
  const root: NginxDirective[] = [];
  const stack: { list: NginxDirective[]; owner?: NginxDirective }[] = [{ list: root }];
  let words: NginxToken[] = [];
  const at = (t: NginxToken): Where => ({ file, line: t.line, col: t.col });
  const toks = lex.tokens;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    const top = stack[stack.length - 1]!;
    if (t.kind === 'word') { words.push(t); continue; }
    if (t.kind === ';') {
      if (words.length === 0) { diagnostics.push(error('nginx-syntax', "unexpected ';'", at(t))); continue; }
      top.list.push({ name: words[0]!.text, args: words.slice(1).map((w) => w.text), where: at(words[0]!) });
      words = [];
      continue;
    }
    if (t.kind === '{') {
      if (words.length === 0) { diagnostics.push(error('nginx-syntax', "unexpected '{'", at(t))); }
      const d: NginxDirective = { name: words[0]?.text ?? '', args: words.slice(1).map((w) => w.text), block: [], where: at(words[0] ?? t) };
      words = [];
      top.list.push(d);
      if (d.name.endsWith('_by_lua_block')) {
        // Lua, not nginx: skip to the matching brace; the block stays, empty.
        let depth = 1;
        while (depth > 0 && ++k < toks.length) depth += toks[k]!.kind === '{' ? 1 : toks[k]!.kind === '}' ? -1 : 0;
        continue;
      }
      stack.push({ list: d.block!, owner: d });
      continue;
    }
    // '}'
    if (words.length > 0) diagnostics.push(error('nginx-syntax', `directive '${words[0]!.text}' is not terminated by ';'`, at(words[0]!), "add the missing ';'"));
    words = [];
    if (stack.length === 1) diagnostics.push(error('nginx-syntax', "unexpected '}'", at(t)));
    else stack.pop();
  }
  if (words.length > 0) diagnostics.push(error('nginx-syntax', `unexpected end of file, expecting ';' or '}' after '${words[0]!.text}'`, at(words[0]!)));
  for (let s = stack.length - 1; s > 0; s--) diagnostics.push(error('nginx-syntax', `'${stack[s]!.owner!.name}' block is never closed`, stack[s]!.owner!.where, "add the missing '}'"));
  return { directives: root, diagnostics };
}
