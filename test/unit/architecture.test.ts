import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';

/**
 * The dependency lines of docs/ARCHITECTURE.md, checked on every import in src/: static
 * `import … from`, `export … from`, dynamic `import('…')` and `import('…')` types. The compiler's
 * own parser reads them (a regex would miss multi-line imports and read strings in shell
 * templates as imports). A crossing fails unless it is a named exception below, and an exception
 * that no longer happens fails too, so the list only shrinks.
 */

interface Import {
  /** The importing file, `src/…`. */
  file: string;
  /** A resolved `src/…` path (no extension) for a relative import, else the package name. */
  target: string;
  /** Erased at compile time: `import type`, every name `type`, or an `import('…')` type. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function importsOf(file: string, text = readFileSync(file, 'utf8')): Import[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    const target = spec.startsWith('.') ? normalize(join(dirname(file), spec)).replace(/\.js$/, '') : packageOf(spec);
    out.push({ file, target, typeOnly });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      add(n.moduleSpecifier.text, !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly))));
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const named = n.exportClause && ts.isNamedExports(n.exportClause) ? n.exportClause.elements : undefined;
      add(n.moduleSpecifier.text, n.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) {
      add(n.arguments[0].text, false);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      add(n.argument.literal.text, true);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);
const CORE = ['topology', 'plan', 'render', 'lint', 'inventory', 'diagnostics', 'keepalived-conf', 'nginx-conf'].map((m) => `src/${m}`);
/** Pure readers of a daemon's config text: used by the agent, import and plan alike, so they own no I/O. */
const READERS = ['keepalived-conf', 'nginx-conf'].map((m) => `src/${m}`);

interface Rule {
  name: string;
  /** Whether this import crosses the rule's line. */
  crosses(i: Import): boolean;
}

/** One owner per third-party package (STYLE.md "Dependencies"). */
const onlyIn = (pkg: string, owners: string[]): Rule => ({
  name: `only ${owners.join(', ')} import ${pkg}`,
  crosses: (i) => i.target === pkg && !owners.some((o) => under(i.file, o)),
});

const RULES: Rule[] = [
  { name: 'the core never imports transport', crosses: (i) => CORE.some((c) => under(i.file, c)) && under(i.target, 'src/transport') },
  {
    name: 'the VRRP core (src/vrrp outside io/) never imports src/vrrp/io',
    crosses: (i) => under(i.file, 'src/vrrp') && !under(i.file, 'src/vrrp/io') && under(i.target, 'src/vrrp/io'),
  },
  { name: 'transport never imports the inventory', crosses: (i) => under(i.file, 'src/transport') && under(i.target, 'src/inventory') },
  { name: 'the config readers (keepalived-conf, nginx-conf) never import src/vrrp/io', crosses: (i) => READERS.some((r) => under(i.file, r)) && under(i.target, 'src/vrrp/io') },
  // The CLI is the edge: parts below it (fleet, status, ops, import, verify, drill…) get plain
  // values from it and never reach back for its flags, views or context.
  { name: 'nothing below the CLI imports src/cli', crosses: (i) => !under(i.file, 'src/cli') && under(i.target, 'src/cli') },
  onlyIn('commander', ['src/cli']),
  onlyIn('listr2', ['src/cli']),
  onlyIn('ssh2', ['src/transport']),
  onlyIn('handlebars', ['src/render']),
  onlyIn('yaml', ['src/inventory', 'src/render/role-definition.ts']),
  onlyIn('koffi', ['src/vrrp/io']),
];

/**
 * Crossings we live with today, each with why and where it is being fixed. Type-only imports
 * count: they are how a layer learns another's words, and they are the first step of a crossing.
 */
const EXCEPTIONS: { file: string; target: string; why: string }[] = [
  // The agent's wiring still sits beside the pure machine: TODO issue 19 (the VRRP engineer is
  // moving the ports' types to the core and the wiring to io/).
  { file: 'src/vrrp/agent.ts', target: 'src/vrrp/io/*', why: "the agent daemon opens sockets, netlink, GARP, routes and scripts: it is the composition root, not core" },
  { file: 'src/vrrp/agent-instance.ts', target: 'src/vrrp/io/*', why: 'type-only: the ports (VrrpSocket, AddrOps, Garp, RouteOps) are declared in io/ instead of the core' },
  { file: 'src/vrrp/agent-scripts.ts', target: 'src/vrrp/io/scripts', why: 'runs track scripts itself instead of being handed a runner' },
  { file: 'src/vrrp/agent-sources.ts', target: 'src/vrrp/io/procs', why: 'reads /proc itself instead of being handed a reader (work in progress)' },
  { file: 'src/vrrp/index.ts', target: 'src/vrrp/io/*', why: "the module's face exports nodeScriptSystem and presentInterfaces for the CLI and lint's conf check" },
];

function excepted(i: Import): (typeof EXCEPTIONS)[number] | undefined {
  return EXCEPTIONS.find((e) => e.file === i.file && (e.target.endsWith('/*') ? under(i.target, e.target.slice(0, -2)) : e.target === i.target));
}

const files = sourceFiles('src');
const imports = files.flatMap((f) => importsOf(f));

test('no import in src/ crosses a forbidden line (docs/ARCHITECTURE.md)', (t) => {
  t.diagnostic(`${imports.length} imports checked in ${files.length} files against ${RULES.length} rules`);
  assert.ok(imports.length > 500, `the parser found only ${imports.length} imports: is it reading src/?`);
  const crossings: string[] = [];
  for (const i of imports) {
    for (const r of RULES) {
      if (r.crosses(i) && !excepted(i)) crossings.push(`${i.file} imports ${i.target}${i.typeOnly ? ' (type-only)' : ''}: ${r.name}`);
    }
  }
  assert.deepEqual(crossings, [], 'see docs/ARCHITECTURE.md "Dependencies" for where the code belongs instead');
});

test('every exception is still needed (a fixed crossing leaves the list)', () => {
  // A file not in this tree (another change in flight adds it) is not judged stale.
  const stale = EXCEPTIONS.filter((e) => files.includes(e.file) && !imports.some((i) => excepted(i) === e && RULES.some((r) => r.crosses(i))));
  assert.deepEqual(stale.map((e) => `${e.file} → ${e.target}`), [], 'remove these from EXCEPTIONS in test/unit/architecture.test.ts');
});

/**
 * process.env is read at the edge (src/cli) and handed down as values; these still read it
 * themselves, each with why. Like EXCEPTIONS, the list only shrinks.
 */
const ENV_READERS: { file: string; why: string }[] = [
  { file: 'src/vrrp/io/script-system.ts', why: "the agent's scripts run with the agent's environment (io/ is the agent's edge)" },
  { file: 'src/vrrp/agent.ts', why: 'HAFLEET_AGENT_KEEP_PAGES, a measurement switch of the agent daemon (its composition root)' },
];

function readsProcessEnv(file: string): boolean {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  let found = false;
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n) && n.name.text === 'env' && ts.isIdentifier(n.expression) && n.expression.text === 'process') found = true;
    if (!found) ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

test('process.env is read only at the edge (src/cli), but for the named readers; a reader that stopped leaves the list', () => {
  const readers = files.filter((f) => !under(f, 'src/cli') && readsProcessEnv(f));
  assert.deepEqual(readers.filter((f) => !ENV_READERS.some((e) => e.file === f)), [], 'take the value as a parameter; the CLI passes its ctx.env (src/cli/context.ts)');
  assert.deepEqual(ENV_READERS.filter((e) => files.includes(e.file) && !readers.includes(e.file)).map((e) => e.file), [], 'remove these from ENV_READERS');
});

test('every part in src/ is on the map (docs/ARCHITECTURE.md "The parts")', () => {
  const doc = readFileSync('docs/ARCHITECTURE.md', 'utf8');
  const table = doc.slice(doc.indexOf('## The parts'), doc.indexOf('## Dependencies'));
  const parts = readdirSync('src').filter((n) => statSync(join('src', n)).isDirectory());
  assert.deepEqual(parts.filter((p) => !table.includes(`\`${p}\``)), [], 'add a row for each to the parts table, with its allowed imports');
});

test('the import reader sees static, re-export, dynamic and type-only imports, and no strings', () => {
  const text = [
    "import type { A } from './a.js';",
    "import { type B, type C } from '../b.js';",
    "import { D, type E } from 'yaml';",
    "import {\n  I,\n  J,\n} from './multi-line.js';",
    "export { F } from './f/index.js';",
    "export type { G } from './g.js';",
    "const m = await import('listr2');",
    "type H = import('./h.js').H;",
    "const s = `import x from 'ssh2'`;",
  ].join('\n');
  const got = importsOf('src/probe/x.ts', text).map((i) => `${i.target}${i.typeOnly ? ' type' : ''}`);
  assert.deepEqual(got, ['src/probe/a type', 'src/b type', 'yaml', 'src/probe/multi-line', 'src/probe/f/index', 'src/probe/g type', 'listr2', 'src/probe/h type']);
});
