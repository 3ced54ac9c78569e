import { readFileSync, statSync } from 'node:fs';
import { join, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { error, type Diagnostic } from '../diagnostics/index.js';
import { compileTemplate, createEnv, templateFromSpec, type CompiledTemplate, type TemplateFault } from './handlebars-env.js';
import { PRECOMPILED } from './precompiled-templates.js';
import { templateDigest } from './template-digest.js';

/** The templates shipped with hafleet: `<package root>/templates`, from src/ or dist/src/. */
export function builtinTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    dir = dirname(dir);
    try {
      if (statSync(join(dir, 'templates')).isDirectory() && statSync(join(dir, 'package.json')).isFile()) return join(dir, 'templates');
    } catch {
      // keep climbing
    }
  }
  throw new Error('hafleet templates/ directory not found next to package.json');
}

/** A file found for a role: the user's override wins over the bundled one. */
export interface Located {
  path: string;
  overridden: boolean;
}

/** A compiled template; `precompiled`: handlebars' code came from precompiled-templates.ts. */
export type CompiledFile = { ok: true; fn: CompiledTemplate; precompiled: boolean } | { ok: false; diagnostic: Diagnostic };
export type CompiledInline = { ok: true; fn: CompiledTemplate; precompiled: boolean } | { ok: false; fault: TemplateFault };

interface Cached {
  mtimeMs: number;
  size: number;
  text: string;
  /** sha256 of the bytes read: the key into the precompiled templates. */
  digest: string;
  compiled?: CompiledFile;
}

const env = createEnv();
// Shared by every render in this process: a template file is read and compiled once while it is unchanged.
const fileCache = new Map<string, Cached>();
const inlineCache = new Map<string, CompiledInline>();
const fromSpec = new Map<string, CompiledTemplate | null>();

/**
 * The bundled template whose bytes have this digest, from the code generated ahead of time
 * (scripts/precompile-templates.mjs): handlebars then neither parses nor generates code for it, which
 * was ≈ 100 ms of every command that renders (issue 17). Code comes only from the module shipped
 * with hafleet, never from a file written at run time; any other text is compiled as before.
 */
function precompiled(digest: string): CompiledTemplate | null {
  if (!fromSpec.has(digest)) {
    const spec = PRECOMPILED.get(digest);
    fromSpec.set(digest, spec ? templateFromSpec(env, spec) : null);
  }
  return fromSpec.get(digest)!;
}

/** Looks role files up in `<inventory>/templates/<role>/` first, then in the bundled templates. */
export class TemplateStore {
  readonly dirs: string[];
  // One store per render: each file is looked up and stat'ed once, not once per host.
  private located = new Map<string, Located | null>();
  private fresh = new Set<string>();

  constructor(builtinDir: string, overrideDir?: string) {
    this.dirs = overrideDir ? [resolve(overrideDir), resolve(builtinDir)] : [resolve(builtinDir)];
  }

  locate(role: string, rel: string): Located | null {
    const key = `${role}\0${rel}`;
    if (this.located.has(key)) return this.located.get(key)!;
    let found: Located | null = null;
    for (let i = 0; i < this.dirs.length && !found; i++) {
      const p = join(this.dirs[i]!, role, rel);
      if (statOrNull(p)?.isFile()) found = { path: p, overridden: i < this.dirs.length - 1 };
    }
    this.located.set(key, found);
    return found;
  }

  /** File text, or null when it cannot be read. */
  read(path: string): string | null {
    const known = fileCache.get(path);
    if (known && this.fresh.has(path)) return known.text;
    const st = statOrNull(path);
    if (!st) return null;
    this.fresh.add(path);
    const hit = fileCache.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.text;
    try {
      const bytes = readFileSync(path);
      const text = bytes.toString('utf8');
      fileCache.set(path, { mtimeMs: st.mtimeMs, size: st.size, text, digest: templateDigest(bytes) });
      return text;
    } catch {
      return null;
    }
  }

  /**
   * Compiled template of a file, or a diagnostic pointing into it. A bundled template (under the
   * last of `dirs`) unchanged since hafleet was built runs precompiled; an override in the
   * inventory's templates/, or an edited bundled file, is compiled here.
   */
  compileFile(path: string): CompiledFile {
    const text = this.read(path);
    if (text === null) return { ok: false, diagnostic: error('template-missing', `cannot read template ${path}`, { file: path }) };
    const entry = fileCache.get(path)!;
    if (resolve(path).startsWith(this.dirs.at(-1)! + sep)) {
      const fn = precompiled(entry.digest);
      if (fn) return { ok: true, fn, precompiled: true };
    }
    if (!entry.compiled) {
      const c = compileTemplate(env, text);
      entry.compiled = c.ok
        ? { ...c, precompiled: false }
        : { ok: false, diagnostic: error('template-syntax', c.fault.message, { file: path, line: c.fault.line, col: col1(c.fault.col) }, 'fix the handlebars syntax at that line') };
    }
    return entry.compiled;
  }

  /**
   * Small inline templates (dest and validate strings in role.yaml). The bundled role.yaml's are
   * precompiled too; the digest of the text alone decides, wherever it was read: the spec was
   * generated from exactly this text, so it renders what compiling it here would.
   */
  compileInline(source: string): CompiledInline {
    let c = inlineCache.get(source);
    if (!c) {
      const fn = precompiled(templateDigest(source));
      if (fn) c = { ok: true, fn, precompiled: true };
      else {
        const r = compileTemplate(env, source);
        c = r.ok ? { ...r, precompiled: false } : r;
      }
      inlineCache.set(source, c);
    }
    return c;
  }
}

/** handlebars columns are 0-based; editors count from 1. */
export function col1(col: number | undefined): number | undefined {
  return col === undefined ? undefined : col + 1;
}

function statOrNull(p: string) {
  try {
    return statSync(p, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}
