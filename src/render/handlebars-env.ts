import Handlebars from 'handlebars';

/** Where a template failed: handlebars' own 1-based line and 0-based column. */
export interface TemplateFault {
  message: string;
  line?: number;
  col?: number;
}

/** Thrown inside a helper; caught by `runTemplate` and turned into a diagnostic. */
export class TemplateVariableError extends Error {
  constructor(message: string, readonly line?: number, readonly col?: number) {
    super(message);
  }
}

type HelperOptions = Handlebars.HelperOptions & { loc?: { start: { line: number; column: number } } };

/**
 * One isolated handlebars environment for every hafleet template. Strict mode only checks plain
 * `{{path}}` lookups; block helpers get `undefined` silently for a misspelt name, so `if`,
 * `unless`, `each` and `with` are wrapped to refuse `undefined` (views use `null` for "absent").
 */
export function createEnv(): typeof Handlebars {
  const env = Handlebars.create();
  for (const name of ['if', 'unless', 'each', 'with'] as const) {
    const builtin = env.helpers[name] as Handlebars.HelperDelegate;
    env.registerHelper(name, function (this: unknown, value: unknown, options: HelperOptions) {
      if (value === undefined) {
        const at = options?.loc?.start;
        throw new TemplateVariableError(`{{#${name}}} got an undefined value`, at?.line, at?.column);
      }
      return builtin.call(this, value, options);
    });
  }
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  env.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  env.registerHelper('gt', (a: number, b: number) => a > b);
  env.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  env.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  env.registerHelper('not', (a: unknown) => !a);
  env.registerHelper('join', (xs: unknown, sep: unknown) => {
    if (!Array.isArray(xs)) throw new TemplateVariableError('join: first argument is not a list');
    return xs.join(typeof sep === 'string' ? sep : ' ');
  });
  // Shell-safe single quoting for values embedded in scripts.
  env.registerHelper('shq', (s: unknown) => `'${String(s).replace(/'/g, `'\\''`)}'`);
  return env;
}

export type CompiledTemplate = (context: unknown) => string;

/** Parse now (syntax errors surface at load time, with a line), compile strictly. */
export function compileTemplate(env: typeof Handlebars, source: string): { ok: true; fn: CompiledTemplate } | { ok: false; fault: TemplateFault } {
  try {
    const ast = env.parse(source);
    const fn = env.compile(ast, { strict: true, noEscape: true });
    return { ok: true, fn: (ctx) => fn(ctx) };
  } catch (e) {
    return { ok: false, fault: faultOf(e) };
  }
}

/** Run a compiled template; an undefined variable becomes a fault with its position. */
export function runTemplate(fn: CompiledTemplate, context: unknown): { ok: true; text: string } | { ok: false; fault: TemplateFault } {
  try {
    return { ok: true, text: fn(context) };
  } catch (e) {
    return { ok: false, fault: faultOf(e) };
  }
}

function faultOf(e: unknown): TemplateFault {
  if (e instanceof TemplateVariableError) return { message: e.message, line: e.line, col: e.col };
  const err = e as { message?: string; lineNumber?: number; column?: number };
  const raw = String(err?.message ?? e);
  const undef = /^"([^"]+)" not defined in/.exec(raw);
  if (undef) return { message: `undefined variable "${undef[1]}"`, line: err.lineNumber, col: err.column };
  const parse = /^Parse error on line (\d+):/.exec(raw);
  if (parse) return { message: raw.split('\n').join(' '), line: Number(parse[1]) };
  if (typeof err?.lineNumber === 'number') return { message: raw.replace(/ - \d+:\d+$/, ''), line: err.lineNumber, col: err.column };
  return { message: raw };
}
