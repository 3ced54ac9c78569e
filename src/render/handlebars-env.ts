import Handlebars from 'handlebars';
import { EscapeError, comment, fsname, fspath, kblock, kq, kw, nblock, nq, nw, nwords, sh, shlist, shwords } from './escape.js';
import { GUARD, TemplateShapeError, guardTemplate } from './template-guard.js';

/** Where a template failed: handlebars' own 1-based line and 0-based column. */
export interface TemplateFault {
  message: string;
  /**
   * 'value': a context helper refused an (inventory) value; 'unescaped': the template prints a
   * string without a context helper; absent: any other template problem.
   */
  kind?: 'value' | 'unescaped';
  line?: number;
  col?: number;
}

/** Thrown inside a helper; caught by `runTemplate` and turned into a diagnostic. */
export class TemplateVariableError extends Error {
  constructor(message: string, readonly line?: number, readonly col?: number) {
    super(message);
  }
}

/** A value a context helper refused: the inventory value is at fault. */
export class TemplateValueError extends TemplateVariableError {}

/** The guard refused what a template prints (a string without its context helper): the template is at fault. */
export class TemplateUnescapedError extends TemplateVariableError {}

type HelperOptions = Handlebars.HelperOptions & { loc?: { start: { line: number; column: number } } };

const HELPER_LIST = 'write it with kq/kw for keepalived, nq/nw/nwords for nginx, sh/shwords/shlist for sh, kcomment/ncomment/shcomment in a comment, fspath/fsname in a path, kblock/nblock for verbatim extra_keepalived/extra_nginx';

/** The printed variable's name, as the AST guard recorded it. */
function varOf(options: HelperOptions): string {
  const v = options?.hash?.['hf_var'];
  return typeof v === 'string' && v !== '' ? `{{${v}}}` : 'value';
}

/** An error at the printed variable's position (the guard's hash), else at the mustache. */
function located(options: HelperOptions, message: string, Kind: typeof TemplateVariableError = TemplateValueError): TemplateVariableError {
  const h = options?.hash ?? {};
  if (typeof h['hf_line'] === 'number') return new Kind(message, h['hf_line'], h['hf_col']);
  const at = options?.loc?.start;
  return new Kind(message, at?.line, at?.column);
}

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
  // One escaper per output context (escape.ts); the AST guard (template-guard.ts) sends every
  // other mustache through GUARD, so a string can only reach the output through one of these.
  const escapers: Record<string, (v: unknown) => string> = {
    kq, kw, nq, nw, nwords, sh, shwords, shlist, fspath, fsname, kblock, nblock,
    kcomment: (v) => comment('kcomment', v),
    ncomment: (v) => comment('ncomment', v),
    shcomment: (v) => comment('shcomment', v),
  };
  for (const [name, fn] of Object.entries(escapers)) {
    env.registerHelper(name, (...args: unknown[]) => {
      const options = args.at(-1) as HelperOptions;
      if (args.length !== 2) throw located(options, `{{${name}}} takes exactly one value`, TemplateVariableError);
      try {
        return fn(args[0]);
      } catch (e) {
        if (e instanceof EscapeError) throw located(options, `${varOf(options)}: ${e.message}`);
        throw e;
      }
    });
  }
  env.registerHelper(GUARD, (value: unknown, options: HelperOptions) => {
    if (typeof value === 'number' || typeof value === 'boolean') return value;
    if (value === null || value === undefined) throw located(options, `${varOf(options)} is ${value === null ? 'null' : 'undefined'} (test an optional value with {{#if}})`, TemplateVariableError);
    const what = typeof value === 'string' ? 'a string' : `a ${Array.isArray(value) ? 'list' : typeof value}`;
    throw located(options, `${varOf(options)} is ${what} and needs a context escaper (${HELPER_LIST})`, TemplateUnescapedError);
  });
  return env;
}

export type CompiledTemplate = (context: unknown) => string;

type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;

/** What `Handlebars.precompile` generates, evaluated: an object of template functions. */
export type TemplateSpec = Parameters<typeof Handlebars.template>[0];

/**
 * The options of every hafleet template, compiled at run time or ahead of it (precompiled-templates.ts):
 * one place, so both ways generate the same code. A fresh object each time: handlebars' precompile
 * writes `data` into the one it is given.
 */
function compileOptions(): CompileOptions {
  return { strict: true, noEscape: true };
}

/** Parse now (syntax errors surface at load time, with a line), compile strictly. */
export function compileTemplate(env: typeof Handlebars, source: string): { ok: true; fn: CompiledTemplate } | { ok: false; fault: TemplateFault } {
  try {
    const ast = guardTemplate(env.parse(source));
    const fn = env.compile(ast, compileOptions());
    return { ok: true, fn: (ctx) => fn(ctx) };
  } catch (e) {
    return { ok: false, fault: faultOf(e) };
  }
}

/**
 * The same steps as compileTemplate up to handlebars' code generation, whose JS source (a template
 * spec) is returned instead of compiled: scripts/precompile-templates.mjs writes it into
 * precompiled-templates.ts for the bundled templates. Throws what compileTemplate reports as a fault.
 */
export function precompileTemplate(env: typeof Handlebars, source: string): string {
  const ast = guardTemplate(env.parse(source));
  return env.precompile(ast, compileOptions()) as unknown as string;
}

/**
 * A template from a spec precompileTemplate generated, bound to `env` (its helpers); null when
 * this handlebars runtime refuses the spec (another compiler revision): compile it instead.
 */
export function templateFromSpec(env: typeof Handlebars, spec: TemplateSpec): CompiledTemplate | null {
  try {
    const fn = env.template(spec);
    return (ctx) => fn(ctx);
  } catch {
    return null;
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
  if (e instanceof TemplateValueError) return { message: e.message, kind: 'value', line: e.line, col: e.col };
  if (e instanceof TemplateUnescapedError) return { message: e.message, kind: 'unescaped', line: e.line, col: e.col };
  if (e instanceof TemplateVariableError || e instanceof TemplateShapeError) return { message: e.message, line: e.line, col: e.col };
  const err = e as { message?: string; lineNumber?: number; column?: number };
  const raw = String(err?.message ?? e);
  const undef = /^"([^"]+)" not defined in/.exec(raw);
  if (undef) return { message: `undefined variable "${undef[1]}"`, line: err.lineNumber, col: err.column };
  const parse = /^Parse error on line (\d+):/.exec(raw);
  if (parse) return { message: raw.split('\n').join(' '), line: Number(parse[1]) };
  if (typeof err?.lineNumber === 'number') return { message: raw.replace(/ - \d+:\d+$/, ''), line: err.lineNumber, col: err.column };
  return { message: raw };
}
