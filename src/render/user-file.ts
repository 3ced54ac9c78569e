/**
 * hafleet_files: the operator's own files (the hand-written track script import kept), deployed
 * byte for byte. The key walk typed src and dest already; what needs the disk is checked here,
 * before anything is written or a host contacted: src resolves (symlinks followed, realpath)
 * inside the inventory directory — a link to /etc/shadow would otherwise ship root's secrets to
 * every director — is a regular file of at most 1 MiB, and is text (no NUL, valid UTF-8, kept
 * with its BOM) so the string render hands on is exactly the file's bytes.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Largest file hafleet_files deploys: what import reads from a host too. */
export const USER_FILE_MAX_BYTES = 1024 * 1024;

export type UserFileRead = { ok: true; content: string } | { ok: false; reason: string };

/** Read `src` (relative to `invDir`) for deployment, or why not. */
export function readUserFile(invDir: string, src: string): UserFileRead {
  if (path.isAbsolute(src) || src.split('/').includes('..')) return { ok: false, reason: 'must be a path inside the inventory directory' };
  let root: string;
  let real: string;
  try {
    root = fs.realpathSync(invDir);
    real = fs.realpathSync(path.join(root, src));
  } catch (e) {
    return { ok: false, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (a path relative to the inventory directory)' : `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (!real.startsWith(root + path.sep)) return { ok: false, reason: 'resolves (through a symlink) outside the inventory directory' };
  let bytes: Buffer;
  try {
    const st = fs.statSync(real);
    if (!st.isFile()) return { ok: false, reason: 'is not a regular file' };
    if (st.size > USER_FILE_MAX_BYTES) return { ok: false, reason: `is larger than 1 MiB (${st.size} bytes)` };
    bytes = fs.readFileSync(real);
  } catch (e) {
    return { ok: false, reason: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  // Checked again on the bytes read: the file may have grown since the stat.
  if (bytes.length > USER_FILE_MAX_BYTES) return { ok: false, reason: `is larger than 1 MiB (${bytes.length} bytes)` };
  if (bytes.includes(0)) return { ok: false, reason: 'is a binary file (it holds NUL bytes): only text is deployed' };
  try {
    return { ok: true, content: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { ok: false, reason: 'is not UTF-8 text: only text is deployed' };
  }
}

/**
 * `validate: shebang`: the syntax check of the file's interpreter, on the host, for the shells
 * that have one (`sh -n`, `bash -n`); other files (python, a config) have none.
 */
export function shebangValidate(content: string): string | undefined {
  const first = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(content);
  if (!first) return undefined;
  // `#!/usr/bin/env bash` names the interpreter in its argument.
  const prog = path.posix.basename(first[1]!) === 'env' ? first[2] : path.posix.basename(first[1]!);
  if (prog === 'sh' || prog === 'dash') return 'sh -n {path}';
  if (prog === 'bash') return 'bash -n {path}';
  return undefined;
}
