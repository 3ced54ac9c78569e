import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';

/**
 * Issue 17 part 4: the planner knows facts, not connections. architecture.test.ts checks each
 * import line; this follows them: everything src/plan reaches, through any module and through
 * type-only imports and re-exports too (a type from transport re-exported by facts/types is
 * still the planner knowing about connections), stays out of src/transport and ssh2.
 */
function relativeImports(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    let spec: string | undefined;
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) spec = n.moduleSpecifier.text;
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) spec = n.arguments[0].text;
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) spec = n.argument.literal.text;
    if (spec !== undefined) out.push(spec.startsWith('.') ? normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts') : spec);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out.map((t) => (t.endsWith('.ts') && !existsSync(t) && existsSync(t.replace(/\.ts$/, '/index.ts')) ? t.replace(/\.ts$/, '/index.ts') : t));
}

/** Every file and package reachable from `roots`, with the chain that first reached each. */
function reach(roots: string[]): Map<string, string[]> {
  const seen = new Map<string, string[]>(roots.map((r) => [r, [r]]));
  const queue = [...roots];
  while (queue.length) {
    const f = queue.shift()!;
    if (!f.endsWith('.ts')) continue;
    for (const t of relativeImports(f)) {
      if (seen.has(t)) continue;
      seen.set(t, [...seen.get(f)!, t]);
      queue.push(t);
    }
  }
  return seen;
}

const planFiles = readdirSync('src/plan').filter((n) => n.endsWith('.ts') && statSync(join('src/plan', n)).isFile()).map((n) => join('src/plan', n));

test('nothing src/plan reaches, types included, is transport code or ssh2', () => {
  const reached = reach(planFiles);
  assert.ok(reached.has('src/facts/types.ts'), 'the walk follows imports (plan reads facts/types)');
  const bad = [...reached].filter(([t]) => t.startsWith('src/transport/') || t === 'ssh2').map(([, chain]) => chain.join(' → '));
  assert.deepEqual(bad, []);
});

test('the walk would see a transport type re-exported through facts', () => {
  // The check above is only as good as the walk: a module that re-exports a transport type must be caught.
  const reached = reach(['src/fleet/facts.ts']);
  assert.ok([...reached.keys()].some((t) => t.startsWith('src/transport/')), 'src/fleet/facts.ts imports transport types');
});
