import type {} from 'handlebars';

/** The helpers whose output is text escaped for one context; every other output goes through GUARD. */
export const CONTEXT_HELPERS = ['kq', 'kw', 'nq', 'nw', 'nwords', 'sh', 'shwords', 'shlist', 'kcomment', 'ncomment', 'shcomment', 'fspath', 'fsname', 'kblock', 'nblock'] as const;

/** Helper that lets only numbers and booleans through: a string has to pick its context helper. */
export const GUARD = 'hf_value';

/** Thrown at compile time for template constructs hafleet cannot check (partials, decorators). */
export class TemplateShapeError extends Error {
  constructor(message: string, readonly line?: number, readonly col?: number) {
    super(message);
  }
}

type Node = hbs.AST.Node & Record<string, unknown>;
type Loc = hbs.AST.SourceLocation;

const CONTEXT = new Set<string>(CONTEXT_HELPERS);

function str(value: string, loc: Loc): hbs.AST.StringLiteral {
  return { type: 'StringLiteral', value, original: value, loc };
}
function num(value: number, loc: Loc): hbs.AST.NumberLiteral {
  return { type: 'NumberLiteral', value, original: value, loc };
}
function hash(pairs: Record<string, hbs.AST.Expression>, loc: Loc): hbs.AST.Hash {
  return { type: 'Hash', loc, pairs: Object.entries(pairs).map(([key, value]) => ({ type: 'HashPair', key, value, loc })) };
}

/**
 * Rewrite a parsed template so that no string reaches its output raw, whatever the template's
 * author wrote (bundled templates and the inventory's overrides alike):
 * - `{{x}}`, `{{{x}}}`, `{{lookup a b}}`, `{{anyhelper …}}` become `{{hf_value (…) var=… line=… col=…}}`:
 *   numbers and booleans pass, a string is an error naming the variable and its line;
 * - `{{kq x}}` and the other context helpers stay, and learn the variable's name and position;
 * - the path a mustache prints is looked up strictly: a misspelt name is an error, not "".
 * Partials and decorators are refused: their output could not be checked here.
 */
export function guardTemplate(ast: hbs.AST.Program): hbs.AST.Program {
  walk(ast as unknown as Node);
  return ast;
}

function walk(node: Node): void {
  switch (node.type) {
    case 'Program':
      for (const s of (node as unknown as hbs.AST.Program).body) walk(s as Node);
      return;
    case 'MustacheStatement':
      guardMustache(node as unknown as hbs.AST.MustacheStatement);
      return;
    case 'BlockStatement': {
      const b = node as unknown as hbs.AST.BlockStatement;
      if (b.program) walk(b.program as unknown as Node);
      if (b.inverse) walk(b.inverse as unknown as Node);
      return;
    }
    case 'PartialStatement':
    case 'PartialBlockStatement':
    case 'DecoratorBlock':
    case 'Decorator': {
      const at = node.loc?.start;
      throw new TemplateShapeError(`${node.type === 'PartialStatement' || node.type === 'PartialBlockStatement' ? 'partials' : 'decorators'} are not supported in hafleet templates`, at?.line, at?.column);
    }
    default:
      return; // ContentStatement, CommentStatement
  }
}

function isPath(e: hbs.AST.Expression): e is hbs.AST.PathExpression {
  return e.type === 'PathExpression';
}

function guardMustache(m: hbs.AST.MustacheStatement): void {
  const helper = isPath(m.path) && m.path.parts.length === 1 && !m.path.data ? m.path.original : null;
  if (helper !== null && CONTEXT.has(helper) && m.params.length > 0) {
    const first = m.params[0]!;
    if (isPath(first)) (first as hbs.AST.PathExpression & { strict?: boolean }).strict = true;
    m.hash = hash({ ...pairsOf(m.hash), ...whereOf(first) }, m.loc);
    return;
  }
  if (!isPath(m.path) && (m.params.length > 0 || m.hash)) {
    throw new TemplateShapeError('a literal cannot be called as a helper', m.loc.start.line, m.loc.start.column);
  }
  const inner: hbs.AST.Expression = m.params.length === 0 && !m.hash
    ? m.path
    : ({ type: 'SubExpression', path: m.path as hbs.AST.PathExpression, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression);
  if (isPath(inner)) (inner as hbs.AST.PathExpression & { strict?: boolean }).strict = true;
  m.path = { type: 'PathExpression', data: false, depth: 0, parts: [GUARD], original: GUARD, loc: m.loc } as hbs.AST.PathExpression;
  m.params = [inner];
  m.hash = hash(whereOf(inner), m.loc);
}

function pairsOf(h: hbs.AST.Hash | undefined): Record<string, hbs.AST.Expression> {
  return Object.fromEntries((h?.pairs ?? []).map((p) => [p.key, p.value]));
}

/** The printed expression's text and position, for messages (handlebars columns are 0-based). */
function whereOf(e: hbs.AST.Expression): Record<string, hbs.AST.Expression> {
  const text = isPath(e) ? e.original : e.type === 'SubExpression' ? `(${isPath((e as hbs.AST.SubExpression).path) ? ((e as hbs.AST.SubExpression).path as hbs.AST.PathExpression).original : '…'} …)` : String((e as hbs.AST.Literal & { original?: unknown }).original ?? '');
  return { hf_var: str(text, e.loc), hf_line: num(e.loc.start.line, e.loc), hf_col: num(e.loc.start.column, e.loc) };
}
