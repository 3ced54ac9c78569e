import { closeSync, constants, fchmodSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { randomBytes } from 'node:crypto';
import { error, type Diagnostic, type Result } from '../diagnostics/index.js';
import { pathProblem } from './escape.js';
import type { DesiredState } from './types.js';

/** Why a host name cannot be one directory of the output tree, or null. */
export function hostDirProblem(host: string): string | null {
  if (host === '' || host === '.' || host === '..') return `'${host}' is not a directory name`;
  if (/[/\\\u0000-\u001f\u007f-\u009f]/u.test(host)) return 'a host name with \'/\' or control characters cannot be a directory name';
  if (host.length > 255) return 'longer than 255 characters (NAME_MAX)';
  return null;
}

/**
 * Where `DIR/<host>/<absolute path>` goes, or why it would not stay inside DIR. Render already
 * confined every path (confinePath); this is the same promise at the edge that writes.
 */
export function treeTarget(outDir: string, host: string, path: string): { ok: true; target: string } | { ok: false; reason: string } {
  const h = hostDirProblem(host);
  if (h) return { ok: false, reason: `host ${JSON.stringify(host)}: ${h}` };
  const p = pathProblem(path);
  if (p) return { ok: false, reason: `${JSON.stringify(path)}: ${p}` };
  const root = resolve(outDir);
  const target = resolve(root, host, '.' + path);
  const rel = relative(root, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { ok: false, reason: `${JSON.stringify(path)} leaves ${root}` };
  return { ok: true, target };
}

/**
 * Write `DIR/<host>/<absolute path>` for every desired file, with its mode (owner and group are
 * left to the local user: render runs unprivileged). Every path is checked first; nothing is
 * written when one would land outside DIR. A file is written to a fresh temporary file created
 * 0600, given its final mode, then renamed over the target: keepalived.conf (auth_pass) is never
 * readable by others, not even for a moment. A new DIR is created 0700.
 */
export function writeDesiredTreeChecked(desired: DesiredState, outDir: string): Result<number> {
  const ds: Diagnostic[] = [];
  const jobs: { target: string; content: string; mode: number }[] = [];
  for (const [host, hd] of desired) {
    for (const f of hd.files) {
      const t = treeTarget(outDir, host, f.path);
      if (!t.ok) ds.push(error('render-out-path', `cannot write ${t.reason}`, { host }, 'host names and destinations must stay inside the --out directory'));
      else jobs.push({ target: t.target, content: f.content, mode: parseInt(f.mode, 8) });
    }
  }
  if (ds.length) return { ok: false, diagnostics: ds };
  const root = resolve(outDir);
  if (!statSync(root, { throwIfNoEntry: false })) mkdirSync(root, { recursive: true, mode: 0o700 });
  for (const j of jobs) {
    mkdirSync(dirname(j.target), { recursive: true, mode: 0o755 });
    writeAtomically(j.target, j.content, j.mode);
  }
  return { ok: true, value: jobs.length, diagnostics: [] };
}

function writeAtomically(target: string, content: string, mode: number): void {
  const tmp = join(dirname(target), `.hafleet-tmp-${randomBytes(6).toString('hex')}`);
  // O_EXCL|O_NOFOLLOW: never write through a file or link someone put there.
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    const buf = Buffer.from(content);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fchmodSync(fd, mode);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, target);
}

/**
 * writeDesiredTreeChecked for callers that already hold a rendered DesiredState: render refuses
 * host names and paths that could leave DIR, so a refusal here is a bug (thrown).
 */
export function writeDesiredTree(desired: DesiredState, outDir: string): number {
  const r = writeDesiredTreeChecked(desired, outDir);
  if (!r.ok) throw new Error(`render --out: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.value;
}
