/**
 * keepalived.conf statements: a keyword, its arguments on the same line, and an optional `{}`
 * block of statements. Handles `{` on the keyword's line or on the next one (both are common in
 * configs written by people) and several statements' words inside a one-line block
 * (`unicast_peer { 198.18.0.2 198.18.0.3 }`).
 */
import { error, type Diagnostic, type Where } from '../diagnostics/index.js';
import type { Token } from './conf-lexer.js';

export interface Stmt {
  keyword: string;
  args: Token[];
  block?: Stmt[];
  where: Where;
}

export function whereOf(t: Token): Where {
  return { file: t.file, line: t.line, col: t.col };
}

export function buildTree(tokens: readonly Token[]): { stmts: Stmt[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const root: Stmt[] = [];
  // Stack of open blocks, each with the statement that owns it (for the error message).
  const stack: { list: Stmt[]; owner?: Stmt }[] = [{ list: root }];
  let current: Stmt | undefined;
  let currentTok: Token | undefined;
  for (const t of tokens) {
    const top = stack[stack.length - 1]!;
    if (t.text === '{' && !t.quoted) {
      const owner = current ?? top.list[top.list.length - 1];
      if (!owner || owner.block) {
        diagnostics.push(error('conf-brace', "'{' without a keyword before it", whereOf(t)));
        const anon: Stmt = { keyword: '', args: [], block: [], where: whereOf(t) };
        top.list.push(anon);
        stack.push({ list: anon.block!, owner: anon });
      } else {
        owner.block = [];
        stack.push({ list: owner.block, owner });
      }
      current = undefined;
      continue;
    }
    if (t.text === '}' && !t.quoted) {
      current = undefined;
      if (stack.length === 1) diagnostics.push(error('conf-brace', "'}' without a matching '{'", whereOf(t), 'remove it or add the missing opening line'));
      else stack.pop();
      continue;
    }
    if (current && currentTok && t.line === currentTok.line && t.file === currentTok.file) {
      current.args.push(t);
      continue;
    }
    current = { keyword: t.text, args: [], where: whereOf(t) };
    currentTok = t;
    top.list.push(current);
  }
  for (let i = stack.length - 1; i > 0; i--) {
    const o = stack[i]!.owner!;
    diagnostics.push(error('conf-brace', `'${o.keyword}' block is never closed`, o.where, "add the missing '}'"));
  }
  return { stmts: root, diagnostics };
}
