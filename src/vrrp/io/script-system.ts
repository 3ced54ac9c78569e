/**
 * The file system and user database the script-security check reads (`ScriptSystem`), from this
 * machine. Users and groups come from /etc/passwd and /etc/group: keepalived asks NSS, and on the
 * directors (Debian, no LDAP for system users) that is these files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FileStat, ScriptSystem } from '../script-security.js';

function toStat(s: fs.Stats): FileStat {
  const kind = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'link' : 'other';
  return { kind, uid: s.uid, gid: s.gid, mode: s.mode & 0o7777, dev: s.dev, ino: s.ino };
}

function tryStat(f: () => fs.Stats): FileStat | { error: string } {
  try {
    return toStat(f());
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
}

/** name → fields of a colon-separated database (passwd, group); missing file: empty. */
function readDb(file: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return m;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && f[0] && !m.has(f[0])) m.set(f[0], f);
  }
  return m;
}

export function nodeScriptSystem(env: NodeJS.ProcessEnv = process.env): ScriptSystem {
  const passwd = readDb('/etc/passwd');
  const groups = readDb('/etc/group');
  return {
    lstat: (p) => tryStat(() => fs.lstatSync(p)),
    stat: (p) => tryStat(() => fs.statSync(p)),
    realpath: (p) => {
      try {
        return fs.realpathSync(p);
      } catch (e) {
        return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
      }
    },
    which: (name) => {
      // keepalived's find_path: PATH, or its default when unset.
      for (const dir of (env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
        const f = path.join(dir || '.', name);
        try {
          if (fs.statSync(f).isFile()) return path.resolve(f);
        } catch {
          /* next */
        }
      }
      return undefined;
    },
    user: (name) => {
      const f = passwd.get(name);
      return f && /^\d+$/.test(f[2] ?? '') && /^\d+$/.test(f[3] ?? '') ? { uid: Number(f[2]), gid: Number(f[3]) } : undefined;
    },
    group: (name) => {
      const f = groups.get(name);
      return f && /^\d+$/.test(f[2] ?? '') ? Number(f[2]) : undefined;
    },
    ownUid: process.getuid?.() ?? 0,
    ownGid: process.getgid?.() ?? 0,
  };
}
