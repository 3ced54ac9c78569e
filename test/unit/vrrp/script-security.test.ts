/**
 * keepalived 2.2.7's script security, decided on stat results (lib/notify.c check_security,
 * check_script_secure, get_default_script_user; vrrp/vrrp.c check_vrrp_script_security).
 * The file system is a table; the verdicts and the message words are keepalived's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkScript, componentUnsafe, isExecutable, parseConfig, pathPrefixes, secureScripts, type FileStat, type ScriptSystem } from '../../../src/vrrp/index.js';
import type { ConfFiles } from '../../../src/keepalived-conf/conf-lexer.js';

const dir = (o: Partial<FileStat> = {}): FileStat => ({ kind: 'dir', uid: 0, gid: 0, mode: 0o755, dev: 1, ino: 0, ...o });
const file = (o: Partial<FileStat> = {}): FileStat => ({ kind: 'file', uid: 0, gid: 0, mode: 0o755, dev: 1, ino: 0, ...o });

/** A fake machine: paths → lstat results; symlinks resolve through `links`. */
function fakeSys(tree: Record<string, FileStat>, o: { users?: Record<string, [number, number]>; groups?: Record<string, number>; links?: Record<string, string>; path?: Record<string, string> } = {}): ScriptSystem {
  const users: Record<string, [number, number]> = { root: [0, 0], nobody: [65534, 65534], ...o.users };
  const links = o.links ?? {};
  const resolve = (p: string): string => links[p] ?? p;
  let ino = 100;
  const inos = new Map<string, number>();
  const withIno = (p: string, st: FileStat) => ({ ...st, ino: inos.get(p) ?? (inos.set(p, ++ino), ino) });
  return {
    lstat: (p) => (tree[p] ? withIno(p, tree[p]) : links[p] ? { kind: 'link', uid: 0, gid: 0, mode: 0o777, dev: 1, ino: 1 } : { error: 'ENOENT' }),
    stat: (p) => (tree[resolve(p)] ? withIno(resolve(p), tree[resolve(p)]!) : { error: 'ENOENT' }),
    realpath: (p) => (tree[resolve(p)] ? resolve(p) : { error: 'ENOENT' }),
    which: (n) => o.path?.[n],
    user: (n) => (users[n] ? { uid: users[n][0], gid: users[n][1] } : undefined),
    group: (n) => ({ root: 0, nogroup: 65534, ...o.groups })[n],
    ownUid: 0,
    ownGid: 0,
  };
}

const safeTree = { '/': dir(), '/etc': dir(), '/etc/keepalived': dir(), '/etc/keepalived/chk.sh': file() };

test('check_security rule: owner root; non-sticky dirs and files not group- (non-root group) or world-writable; symlinks and sticky dirs by owner only', () => {
  assert.equal(componentUnsafe(file()), false);
  assert.equal(componentUnsafe(file({ mode: 0o777 })), true, 'world-writable file');
  assert.equal(componentUnsafe(file({ mode: 0o775, gid: 100 })), true, 'group-writable, group not root');
  assert.equal(componentUnsafe(file({ mode: 0o775, gid: 0 })), false, 'group-writable by root’s group');
  assert.equal(componentUnsafe(file({ uid: 65534, mode: 0o500 })), true, 'owned by nobody, even read-only');
  assert.equal(componentUnsafe(dir({ mode: 0o777 })), true, 'world-writable directory');
  assert.equal(componentUnsafe(dir({ mode: 0o1777 })), false, 'sticky /tmp-like directory owned by root');
  assert.equal(componentUnsafe(dir({ mode: 0o1777, uid: 1000 })), true, 'sticky but not root’s');
  assert.equal(componentUnsafe({ kind: 'link', uid: 0, gid: 0, mode: 0o777, dev: 1, ino: 1 }), false, 'a root symlink: its mode means nothing');
  assert.deepEqual(pathPrefixes('/etc/keepalived/chk.sh'), ['/', '/etc', '/etc/keepalived', '/etc/keepalived/chk.sh']);
});

test('is_executable as keepalived: root any x bit, owner u+x, group g+x, others o+x', () => {
  assert.equal(isExecutable(file({ mode: 0o001 }), { uid: 0, gid: 0 }), true);
  assert.equal(isExecutable(file({ mode: 0o744 }), { uid: 65534, gid: 65534 }), false);
  assert.equal(isExecutable(file({ mode: 0o750, gid: 65534 }), { uid: 65534, gid: 65534 }), true);
  assert.equal(isExecutable(file({ mode: 0o700, uid: 65534 }), { uid: 65534, gid: 65534 }), true);
});

test('a root script: world-writable file, or a directory above it writable by a user, is refused with keepalived’s words', () => {
  const ww = fakeSys({ ...safeTree, '/etc/keepalived/chk.sh': file({ mode: 0o777 }) });
  const c = checkScript('/etc/keepalived/chk.sh', { uid: 0, gid: 0 }, true, ww);
  assert.deepEqual(c.logs, ["Unsafe permissions found for script '/etc/keepalived/chk.sh' - disabling."]);
  assert.equal(c.flags.inhibit, true);
  const nb = fakeSys({ ...safeTree, '/etc/keepalived': dir({ uid: 65534 }) });
  assert.equal(checkScript('/etc/keepalived/chk.sh', { uid: 0, gid: 0 }, true, nb).flags.inhibit, true, 'a directory owned by nobody');
  const g = fakeSys({ ...safeTree, '/etc': dir({ gid: 50, mode: 0o775 }) });
  assert.equal(checkScript('/etc/keepalived/chk.sh', { uid: 0, gid: 0 }, true, g).flags.inhibit, true, 'a group-writable directory two levels up');
  // Without enable_script_security: logged, not refused.
  const off = checkScript('/etc/keepalived/chk.sh', { uid: 0, gid: 0 }, false, ww);
  assert.deepEqual([off.logs, off.flags.inhibit, off.flags.insecure], [["Unsafe permissions found for script '/etc/keepalived/chk.sh'."], false, true]);
});

test('a script of another user is not path-checked (keepalived protects only root’s); not executable for that user is disabled', () => {
  const ww = fakeSys({ ...safeTree, '/etc/keepalived/chk.sh': file({ mode: 0o777 }) });
  const c = checkScript('/etc/keepalived/chk.sh arg', { uid: 65534, gid: 65534 }, true, ww);
  assert.deepEqual([c.logs, c.flags.inhibit, c.argv], [[], false, ['/etc/keepalived/chk.sh', 'arg']]);
  const noX = fakeSys({ ...safeTree, '/etc/keepalived/chk.sh': file({ mode: 0o744 }) });
  const d = checkScript('/etc/keepalived/chk.sh', { uid: 65534, gid: 65534 }, true, noX);
  assert.deepEqual(d.logs, ["WARNING - script '/etc/keepalived/chk.sh' is not executable for uid:gid 65534:65534 - disabling."]);
  assert.equal(d.flags.executable, false);
  // setuid root: protected whoever runs it.
  const suid = fakeSys({ ...safeTree, '/etc/keepalived': dir({ mode: 0o777 }), '/etc/keepalived/chk.sh': file({ mode: 0o4755 }) });
  assert.equal(checkScript('/etc/keepalived/chk.sh', { uid: 65534, gid: 65534 }, true, suid).flags.inhibit, true);
});

test('symlinks: the resolved file and its directories are checked, the link path keeps its name when it is the same file', () => {
  const sys = fakeSys({ ...safeTree, '/opt': dir({ uid: 1000 }), '/opt/real.sh': file() }, { links: { '/etc/keepalived/chk.sh': '/opt/real.sh' } });
  const c = checkScript('/etc/keepalived/chk.sh', { uid: 0, gid: 0 }, true, sys);
  assert.equal(c.flags.inhibit, true, '/opt is owned by a user');
  assert.match(c.logs[0]!, /Unsafe permissions found for script '\/opt\/real\.sh' - disabling\./);
  const bare = fakeSys(safeTree, { path: { 'chk.sh': '/etc/keepalived/chk.sh' } });
  assert.deepEqual(checkScript('chk.sh x', { uid: 0, gid: 0 }, true, bare).argv, ['/etc/keepalived/chk.sh', 'x'], 'PATH search, then the real path is run');
  assert.deepEqual(checkScript('nothere', { uid: 0, gid: 0 }, true, bare).logs, ['Cannot find script nothere in path - disabling']);
  // A wrong file type in the path (a FIFO as the script).
  const fifo = fakeSys({ ...safeTree, '/etc/keepalived/chk.sh': { ...file(), kind: 'other' } });
  const w = checkScript('/etc/keepalived/chk.sh', { uid: 0, gid: 0 }, true, fifo);
  assert.deepEqual([w.logs, w.flags.inhibit], [["Wrong file type found in script path '/etc/keepalived/chk.sh'."], true]);
});

const mem = (text: string): ConfFiles => ({ read: (f) => (f === '/k.conf' ? text : undefined), list: () => [] });
const inst = (extra: string) => `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  virtual_ipaddress {\n    198.18.0.10/24\n  }\n  track_script {\n    chk\n  }\n${extra}}\n`;
const conf = (global: string, script: string, extra = '') => `global_defs {\n${global}}\nvrrp_script chk {\n  script "${script}"\n${extra}}\n` + inst('');
function secure(text: string, sys: ScriptSystem) {
  const p = parseConfig('/k.conf', mem(text));
  assert.ok(p.config, JSON.stringify(p.diagnostics));
  return secureScripts(p.config, sys);
}
const words = (ds: { severity: string; message: string }[]) => ds.map((d) => `${d.severity}: ${d.message}`);

test('default user: keepalived_script when it exists; else with enable_script_security an error and the script removed — never root', () => {
  const withKa = fakeSys(safeTree, { users: { keepalived_script: [998, 998] } });
  const a = secure(conf('  enable_script_security\n', '/etc/keepalived/chk.sh'), withKa);
  assert.deepEqual(a.config.scripts[0]!.exec, { argv: ['/etc/keepalived/chk.sh'], uid: 998, gid: 998 });
  assert.deepEqual(a.diagnostics, []);
  const b = secure(conf('  enable_script_security\n', '/etc/keepalived/chk.sh'), fakeSys(safeTree));
  assert.deepEqual(words(b.diagnostics), ['error: Unable to set default user keepalived_script for script', 'error: Unable to set default user for vrrp script chk - removing']);
  assert.deepEqual(b.config.scripts, []);
  assert.deepEqual(b.config.instances[0]!.trackScripts, [], 'the instance runs without the removed script, as keepalived');
});

test('no enable_script_security and no keepalived_script: root, as keepalived, with its SECURITY VIOLATION warning', () => {
  const r = secure(conf('', '/etc/keepalived/chk.sh'), fakeSys({ ...safeTree, '/etc/keepalived/chk.sh': file({ mode: 0o777 }) }));
  assert.deepEqual(r.config.scripts[0]!.exec, { argv: ['/etc/keepalived/chk.sh'], uid: 0, gid: 0 });
  assert.deepEqual(words(r.diagnostics), [
    "warning: Unsafe permissions found for script '/etc/keepalived/chk.sh'.",
    'error: SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts.',
  ]);
});

test('script_user root: unsafe track script disabled with keepalived’s two lines; safe one runs as root; a missing one disabled', () => {
  const r = secure(conf('  enable_script_security\n  script_user root\n', '/etc/keepalived/chk.sh'), fakeSys({ ...safeTree, '/etc/keepalived/chk.sh': file({ mode: 0o757 }) }));
  assert.deepEqual(words(r.diagnostics), ["warning: Unsafe permissions found for script '/etc/keepalived/chk.sh' - disabling.", 'error: Disabling track script chk due to insecure']);
  assert.deepEqual(r.config.instances[0]!.trackScripts, []);
  const ok = secure(conf('  enable_script_security\n  script_user root\n', '/etc/keepalived/chk.sh'), fakeSys(safeTree));
  assert.deepEqual([ok.diagnostics, ok.config.scripts[0]!.exec?.uid], [[], 0]);
  const gone = secure(conf('  enable_script_security\n  script_user root\n', '/etc/keepalived/none.sh'), fakeSys(safeTree));
  assert.deepEqual(words(gone.diagnostics), ['warning: Script /etc/keepalived/none.sh cannot be accessed - ENOENT', 'error: Disabling track script chk since not found/accessible']);
});

test('script_user of a user that does not exist: keepalived’s error, scripts needing the default removed; per-script user wins', () => {
  const r = secure(conf('  enable_script_security\n  script_user ghost\n', '/etc/keepalived/chk.sh'), fakeSys(safeTree));
  assert.deepEqual(words(r.diagnostics), ["warning: Script user 'ghost' does not exist", 'error: Error setting global script uid/gid', 'error: Unable to set default user for vrrp script chk - removing']);
  const own = secure(conf('  enable_script_security\n  script_user root\n', '/etc/keepalived/chk.sh', '  user nobody nogroup\n'), fakeSys({ ...safeTree, '/etc/keepalived/chk.sh': file({ mode: 0o777 }) }));
  assert.deepEqual([own.diagnostics, own.config.scripts[0]!.exec], [[], { argv: ['/etc/keepalived/chk.sh'], uid: 65534, gid: 65534 }]);
  const bad = secure(conf('  enable_script_security\n  script_user root\n', '/etc/keepalived/chk.sh', '  user nobody nosuchgroup\n'), fakeSys(safeTree));
  assert.deepEqual(words(bad.diagnostics), ["warning: Script group 'nosuchgroup' does not exist", 'error: Unable to set uid/gid for script /etc/keepalived/chk.sh']);
});

test('notify "cmd args" USER [GROUP]: the user is the user, the quoted string the command; unquoted second word is a user, not an argument', () => {
  const text = `global_defs {\n  enable_script_security\n  script_user nobody\n}\n` + inst('  notify "/etc/keepalived/chk.sh a b" root\n  notify_master /etc/keepalived/chk.sh root root\n  notify_backup /etc/keepalived/chk.sh MASTER\n  notify_fault "/etc/keepalived/chk.sh"\n  notify_stop "/etc/keepalived/chk.sh" nobody nogroup extra\n').replace(/  track_script \{\n    chk\n  \}\n/, '');
  const p = parseConfig('/k.conf', mem(text));
  assert.ok(p.config, JSON.stringify(p.diagnostics));
  const n = p.config.instances[0]!.notify;
  assert.deepEqual([n.any?.cmd, n.any?.user, n.any?.group], ['/etc/keepalived/chk.sh a b', 'root', undefined]);
  assert.deepEqual([n.master?.cmd, n.master?.user, n.master?.group], ['/etc/keepalived/chk.sh', 'root', 'root']);
  assert.deepEqual([n.backup?.cmd, n.backup?.user], ['/etc/keepalived/chk.sh', 'MASTER']);
  assert.deepEqual([n.fault?.cmd, n.fault?.user], ['/etc/keepalived/chk.sh', undefined]);
  assert.deepEqual(p.diagnostics.map((d) => d.code), ['conf-notify-extra']);
  assert.ok(p.notes.some((x) => /'MASTER' is the user the script runs as/.test(x.message)));
  const s = secureScripts(p.config, fakeSys(safeTree));
  const sn = s.config.instances[0]!.notify;
  assert.deepEqual(sn.any?.exec, { argv: ['/etc/keepalived/chk.sh', 'a', 'b'], uid: 0, gid: 0 }, 'notify … root runs as root');
  assert.deepEqual(sn.fault?.exec, { argv: ['/etc/keepalived/chk.sh'], uid: 65534, gid: 65534 }, 'no user: script_user');
  assert.deepEqual(sn.stop?.exec, { argv: ['/etc/keepalived/chk.sh'], uid: 65534, gid: 65534 });
  assert.equal(sn.backup, undefined, 'user MASTER does not exist: not run');
  assert.deepEqual(words(s.diagnostics), ["warning: Script user 'MASTER' does not exist", 'warning: Invalid user/group for notify script /etc/keepalived/chk.sh - ignoring']);
});
