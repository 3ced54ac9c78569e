/**
 * Who runs a script and whether it may run, decided as keepalived 2.2.7 decides it (lib/notify.c:
 * get_default_script_user, set_uid_gid, check_script_secure, check_security; vrrp/vrrp.c:
 * check_vrrp_script_security). Pure: the file system and the user database come in as
 * `ScriptSystem`, so the rules are tested on stat results. The words of keepalived's messages are
 * kept so a log search for "Unsafe permissions" finds the agent's lines too.
 *
 * What keepalived does, in short:
 * - the user: the script's own (`user U [G]`, `notify "…" U [G]`), else `script_user U [G]`, else
 *   `keepalived_script` if it exists, else keepalived's own uid — root — but with
 *   enable_script_security a missing keepalived_script is a config error and the scripts that need
 *   the default are removed: it never falls back to root when security is on;
 * - a script run as uid 0 or gid 0 (or setuid/setgid root) must not be replaceable by anyone else:
 *   every path component from / down, looked at without following symlinks, must be owned by root,
 *   and a non-sticky directory or a regular file must be neither world-writable nor group-writable
 *   with a non-root group. With enable_script_security an unsafe script is disabled, without it
 *   it is only logged; scripts of other users are not checked;
 * - any script without enable_script_security: "SECURITY VIOLATION" (keepalived -t exits 6 on it,
 *   and runs the config anyway).
 */
import { error, warning, type Diagnostic, type Where } from '../diagnostics/index.js';
import type { AgentConfig, GlobalDefs, NotifyConf, NotifyScript, TrackScriptConf } from '../keepalived-conf/config-types.js';
import { splitCommand } from '../keepalived-conf/script-words.js';

export interface FileStat {
  kind: 'file' | 'dir' | 'link' | 'other';
  uid: number;
  gid: number;
  /** st_mode's permission bits, with setuid 0o4000, setgid 0o2000, sticky 0o1000. */
  mode: number;
  dev: number;
  ino: number;
}

export interface ScriptSystem {
  /** stat without following a final symlink (fstatat AT_SYMLINK_NOFOLLOW). */
  lstat(p: string): FileStat | { error: string };
  stat(p: string): FileStat | { error: string };
  realpath(p: string): string | { error: string };
  /** A bare command name searched in PATH, as execvp would. */
  which(name: string): string | undefined;
  user(name: string): { uid: number; gid: number } | undefined;
  group(name: string): number | undefined;
  /** The agent's own ids: keepalived's fallback user when keepalived_script does not exist. */
  ownUid: number;
  ownGid: number;
}

type Ids = { uid: number; gid: number };
const DEFAULT_USER = 'keepalived_script';

/** keepalived's check_security rule for one path component (lstat result). */
export function componentUnsafe(st: FileStat): boolean {
  const checksMode = (st.kind === 'dir' && (st.mode & 0o1000) === 0) || st.kind === 'file';
  const groupWritable = st.gid !== 0 && (st.mode & 0o020) !== 0;
  const worldWritable = (st.mode & 0o002) !== 0;
  return st.uid !== 0 || (checksMode && (groupWritable || worldWritable));
}

/** keepalived's is_executable: root needs any x bit, others the bit of their class. */
export function isExecutable(st: FileStat, ids: Ids): boolean {
  if (ids.uid === 0) return (st.mode & 0o111) !== 0;
  if (ids.uid === st.uid) return (st.mode & 0o100) !== 0;
  return ids.gid === st.gid ? (st.mode & 0o010) !== 0 : (st.mode & 0o001) !== 0;
}

/** The prefixes keepalived walks: "/", "/a", "/a/b", …, the path itself. */
export function pathPrefixes(p: string): string[] {
  const out = ['/'];
  const parts = p.split('/').filter((x) => x !== '');
  for (let i = 1; i <= parts.length; i++) out.push('/' + parts.slice(0, i).join('/'));
  return out;
}

interface Flags {
  isScript: boolean;
  executable: boolean;
  insecure: boolean;
  inhibit: boolean;
  notFound: boolean;
}

interface Checked {
  flags: Flags;
  /** keepalived's log lines for this script (warnings: they do not fail -t). */
  logs: string[];
  argv?: string[];
}

/** check_security: every component of `file`, not following symlinks. */
function checkPath(file: string, security: boolean, sys: ScriptSystem, f: Flags, logs: string[]): void {
  const prefixes = pathPrefixes(file);
  for (const [i, p] of prefixes.entries()) {
    const last = i === prefixes.length - 1;
    const st = sys.lstat(p);
    if ('error' in st) {
      logs.push(`check_script_secure could not find script '${file}' - disabling`);
      f.notFound = true;
      return;
    }
    if ((!last && st.kind !== 'dir') || (last && st.kind !== 'file' && st.kind !== 'link')) {
      logs.push(`Wrong file type found in script path '${file}'.`);
      f.inhibit = true;
      return;
    }
    if (componentUnsafe(st)) {
      logs.push(`Unsafe permissions found for script '${file}'${security ? ' - disabling' : ''}.`);
      f.insecure = true;
      if (security) f.inhibit = true;
      return;
    }
  }
}

/** check_script_secure: find the file, decide whether it needs protection, check its path. */
export function checkScript(cmd: string, ids: Ids, security: boolean, sys: ScriptSystem): Checked {
  const f: Flags = { isScript: false, executable: false, insecure: false, inhibit: false, notFound: false };
  const logs: string[] = [];
  const argv = splitCommand(cmd);
  const first = argv[0] ?? '';
  let file = first;
  if (!first.includes('/')) {
    const found = sys.which(first);
    if (!found) {
      logs.push(`Cannot find script ${first} in path - disabling`);
      f.notFound = true;
      return { flags: f, logs };
    }
    file = found;
  }
  const real = sys.realpath(file);
  if (typeof real !== 'string') {
    logs.push(`Script ${first} cannot be accessed - ${real.error}`);
    f.notFound = true;
    return { flags: f, logs };
  }
  // keepalived runs the resolved path, but keeps the name it was called by when that name
  // resolves to the same file in the real directory (some programs act on their argv[0]).
  let runPath = real;
  let realFile: string | undefined;
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  if (real !== file && base(real) !== base(file)) {
    const candidate = real.slice(0, real.lastIndexOf('/') + 1) + base(file);
    const a = sys.stat(real);
    const b = sys.stat(candidate);
    if (!('error' in a) && !('error' in b) && a.dev === b.dev && a.ino === b.ino) {
      runPath = candidate;
      realFile = real;
    }
  }
  const st = sys.stat(realFile ?? runPath);
  if ('error' in st) {
    logs.push(`Unable to access script \`${runPath}\` - disabling`);
    f.notFound = true;
    return { flags: f, logs };
  }
  f.isScript = true;
  let needsProtection = false;
  if (isExecutable(st, ids)) {
    f.executable = true;
    needsProtection = ids.uid === 0 || ids.gid === 0 ||
      (st.uid === 0 && (st.mode & 0o4100) === 0o4100) || (st.gid === 0 && (st.mode & 0o2010) === 0o2010);
  } else {
    logs.push(`WARNING - script '${runPath}' is not executable for uid:gid ${ids.uid}:${ids.gid} - disabling.`);
  }
  if (needsProtection) {
    checkPath(runPath, security, sys, f, logs);
    if (realFile) checkPath(realFile, security, sys, f, logs);
  }
  return { flags: f, logs, argv: [runPath, ...argv.slice(1)] };
}

/** set_uid_gid: a user name (and group) to ids, or keepalived's log line saying why not. */
function lookup(user: string, group: string | undefined, sys: ScriptSystem): Ids | { log: string } {
  const u = sys.user(user);
  if (!u) return { log: `Script user '${user}' does not exist` };
  if (group === undefined) return u;
  const g = sys.group(group);
  if (g === undefined) return { log: `Script group '${group}' does not exist` };
  return { uid: u.uid, gid: g };
}

/** The default user of a config, or the diagnostics that make every script needing it removed. */
function defaultUser(g: GlobalDefs, sys: ScriptSystem, fileWhere: Where): { ids?: Ids; diagnostics: Diagnostic[] } {
  const where = g.scriptUserWhere ?? fileWhere;
  if (g.scriptUser !== undefined) {
    const r = lookup(g.scriptUser, g.scriptGroup, sys);
    if ('log' in r) {
      return { diagnostics: [warning('script-user', r.log, where), error('script-user', 'Error setting global script uid/gid', where, `create the user '${g.scriptUser}' or name an existing one in script_user`)] };
    }
    return { ids: r, diagnostics: [] };
  }
  const ka = sys.user(DEFAULT_USER);
  if (ka) return { ids: ka, diagnostics: [] };
  if (g.enableScriptSecurity) {
    return { diagnostics: [error('script-user', `Unable to set default user ${DEFAULT_USER} for script`, where, `create the user (useradd -r -s /usr/sbin/nologin ${DEFAULT_USER}) or set script_user in global_defs`)] };
  }
  // keepalived's fallback: its own uid, root as a daemon. The SECURITY VIOLATION warning follows.
  return { ids: { uid: sys.ownUid, gid: sys.ownGid }, diagnostics: [] };
}

export interface SecuredConfig {
  /** The config with every script resolved (`exec`) and the refused ones removed, as keepalived runs it. */
  config: AgentConfig;
  /** Errors where keepalived -t reports a config error (exits non-zero); warnings where it only logs. */
  diagnostics: Diagnostic[];
}

/**
 * Resolve and check every script of a parsed config. Refused track scripts disappear from the
 * instances that track them (keepalived runs the instance without them); refused notify scripts
 * are not run.
 */
export function secureScripts(cfg: AgentConfig, sys: ScriptSystem): SecuredConfig {
  const ds: Diagnostic[] = [];
  const security = cfg.global.enableScriptSecurity;
  const where: Where = { file: cfg.files[0] };
  let dflt: { ids?: Ids; diagnostics: Diagnostic[] } | undefined;
  const defaultIds = (): Ids | undefined => {
    if (!dflt) {
      dflt = defaultUser(cfg.global, sys, where);
      ds.push(...dflt.diagnostics);
    }
    return dflt.ids;
  };
  let anyScript = false;
  let anyInsecure = false;
  const note = (c: Checked, w: Where) => {
    for (const l of c.logs) ds.push(warning('script-security', l, w));
    anyScript ||= c.flags.isScript;
    anyInsecure ||= c.flags.insecure;
  };

  const scripts: TrackScriptConf[] = [];
  for (const s of cfg.scripts) {
    let ids: Ids | undefined;
    if (s.user !== undefined) {
      const r = lookup(s.user, s.group, sys);
      if ('log' in r) {
        ds.push(warning('script-user', r.log, s.where), error('script-user', `Unable to set uid/gid for script ${s.script}`, s.where, 'name an existing user (and group)'));
        continue;
      }
      ids = r;
    } else {
      ids = defaultIds();
      if (!ids) {
        ds.push(error('script-user', `Unable to set default user for vrrp script ${s.name} - removing`, s.where));
        continue;
      }
    }
    const c = checkScript(s.script, ids, security, sys);
    note(c, s.where);
    if (c.flags.inhibit) ds.push(error('script-insecure', `Disabling track script ${s.name} due to insecure`, s.where, 'make the script and every directory above it owned by root and writable by root only, or run it as another user (script_user / user)'));
    else if (c.flags.notFound) ds.push(error('script-missing', `Disabling track script ${s.name} since not found/accessible`, s.where, 'install the script or fix its path'));
    if (c.flags.inhibit || c.flags.notFound || !c.flags.executable || !c.argv) continue;
    scripts.push({ ...s, exec: { argv: c.argv, ...ids } });
  }

  const kept = new Set(scripts.map((s) => s.name));
  const secureNotify = (n: NotifyConf): NotifyConf => {
    const out: NotifyConf = {};
    for (const k of Object.keys(n) as (keyof NotifyConf)[]) {
      const ns = n[k];
      if (!ns) continue;
      const r = secureNotifyScript(ns);
      if (r) out[k] = r;
    }
    return out;
  };
  const secureNotifyScript = (ns: NotifyScript): NotifyScript | undefined => {
    let ids: Ids | undefined;
    if (ns.user !== undefined) {
      const r = lookup(ns.user, ns.group, sys);
      if ('log' in r) {
        ds.push(warning('script-user', r.log, ns.where), warning('script-user', `Invalid user/group for notify script ${splitCommand(ns.cmd)[0] ?? ''} - ignoring`, ns.where));
        return undefined;
      }
      ids = r;
    } else {
      ids = defaultIds();
      if (!ids) {
        ds.push(warning('script-user', `Failed to set default user for notify script ${splitCommand(ns.cmd)[0] ?? ''} - ignoring`, ns.where));
        return undefined;
      }
    }
    const c = checkScript(ns.cmd, ids, security, sys);
    note(c, ns.where);
    if (c.flags.inhibit || c.flags.notFound || !c.flags.executable || !c.argv) return undefined;
    return { ...ns, exec: { argv: c.argv, ...ids } };
  };

  const instances = cfg.instances.map((i) => ({ ...i, trackScripts: i.trackScripts.filter((t) => kept.has(t.name)), notify: secureNotify(i.notify) }));
  const syncGroups = cfg.syncGroups.map((g) => ({ ...g, notify: secureNotify(g.notify) }));
  if (!security && anyScript) {
    // An error, as keepalived -t exits 6 on it; the agent, like keepalived, still runs the config.
    ds.push(error('script-security', `SECURITY VIOLATION - scripts are being executed but script_security not enabled.${anyInsecure ? ' There are insecure scripts.' : ''}`, where,
      'add enable_script_security to global_defs (and script_user, or create the keepalived_script user)'));
  }
  return { config: { ...cfg, scripts, instances, syncGroups }, diagnostics: ds };
}
