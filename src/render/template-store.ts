import { readFileSync, statSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { error, type Diagnostic } from '../diagnostics/index.js';
import { compileTemplate, createEnv, type CompiledTemplate } from './handlebars-env.js';

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

interface Cached {
  mtimeMs: number;
  size: number;
  text: string;
  compiled?: { ok: true; fn: CompiledTemplate } | { ok: false; diagnostic: Diagnostic };
}

const env = createEnv();
// Shared by every render in this process: a template file is read and compiled once while it is unchanged.
const fileCache = new Map<string, Cached>();
const inlineCache = new Map<string, ReturnType<typeof compileTemplate>>();

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
      const text = readFileSync(path, 'utf8');
      fileCache.set(path, { mtimeMs: st.mtimeMs, size: st.size, text });
      return text;
    } catch {
      return null;
    }
  }

  /** Compiled template of a file, or a diagnostic pointing into it. */
  compileFile(path: string): { ok: true; fn: CompiledTemplate } | { ok: false; diagnostic: Diagnostic } {
    const text = this.read(path);
    if (text === null) return { ok: false, diagnostic: error('template-missing', `cannot read template ${path}`, { file: path }) };
    const entry = fileCache.get(path)!;
    if (!entry.compiled) {
      const c = compileTemplate(env, text);
      entry.compiled = c.ok
        ? c
        : { ok: false, diagnostic: error('template-syntax', c.fault.message, { file: path, line: c.fault.line, col: col1(c.fault.col) }, 'fix the handlebars syntax at that line') };
    }
    return entry.compiled;
  }

  /** Small inline templates (destination paths in role.yaml). */
  compileInline(source: string): ReturnType<typeof compileTemplate> {
    let c = inlineCache.get(source);
    if (!c) inlineCache.set(source, (c = compileTemplate(env, source)));
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
