/**
 * The whole of a keepalived.conf as statements, includes spliced in: what a reader needs for the
 * sections the agent does not model (virtual_server, real_server, checkers, global_defs' mail
 * settings, static routes…). `parseConfig` reads the VRRP part of the same tokens into typed values;
 * import and plan's behaviour diff read the rest from here.
 */
import type { Diagnostic } from '../diagnostics/index.js';
import { tokenize, type ConfFiles } from './conf-lexer.js';
import { buildTree, type Stmt } from './conf-tree.js';

export interface ConfTree {
  stmts: Stmt[];
  /** Lexing and nesting problems (unreadable include, unclosed block…), with file:line. */
  diagnostics: Diagnostic[];
  /** Every file read, main file first, then includes in the order keepalived reads them. */
  files: string[];
}

/** Read `file` and its includes (globs relative to the including file, sorted as glob(3)) through `files`. */
export function readTree(file: string, files: ConfFiles): ConfTree {
  const lex = tokenize(file, files);
  const tree = buildTree(lex.tokens);
  return { stmts: tree.stmts, diagnostics: [...lex.diagnostics, ...tree.diagnostics], files: lex.filesRead };
}

/** A `ConfFiles` over one text, for a file given whole (no includes to follow: they read as missing). */
export function singleFile(file: string, text: string): ConfFiles {
  return { read: (f) => (f === file ? text : undefined), list: () => [] };
}

/** The words of a statement's arguments. */
export function argWords(s: Stmt): string[] {
  return s.args.map((t) => t.text);
}
