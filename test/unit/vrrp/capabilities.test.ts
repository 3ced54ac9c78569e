/** The capability set the agent asks for, from the config it runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingCapabilities, parseCapEff, parseConfig, requiredCapabilities, secureScripts, type ScriptSystem } from '../../../src/vrrp/index.js';

const sys: ScriptSystem = {
  lstat: () => ({ kind: 'dir', uid: 0, gid: 0, mode: 0o755, dev: 1, ino: 1 }),
  stat: () => ({ kind: 'file', uid: 0, gid: 0, mode: 0o755, dev: 1, ino: 2 }),
  realpath: (p) => p,
  which: () => undefined,
  user: (n) => ({ root: { uid: 0, gid: 0 }, nobody: { uid: 65534, gid: 65534 } })[n],
  group: () => undefined,
  ownUid: 0,
  ownGid: 0,
};
const conf = (user: string, notifyUser: string) => `global_defs {\n  enable_script_security\n  script_user ${user}\n}\nvrrp_script chk {\n  script /bin/true\n}\n` +
  `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 5\n  virtual_ipaddress {\n    198.18.0.10\n  }\n  track_script {\n    chk\n  }\n  notify /bin/true ${notifyUser}\n}\n`;
const need = (text: string) => {
  const p = parseConfig('/k.conf', { read: () => text, list: () => [] });
  assert.ok(p.config);
  return requiredCapabilities(secureScripts(p.config, sys).config, { uid: 0, gid: 0 });
};

test('net only when every script runs as the agent; setuid/setgid for other users, kill for another user’s track script', () => {
  assert.deepEqual(need(conf('root', 'root')), ['CAP_NET_RAW', 'CAP_NET_ADMIN']);
  assert.deepEqual(need(conf('root', 'nobody')), ['CAP_NET_RAW', 'CAP_NET_ADMIN', 'CAP_SETUID', 'CAP_SETGID']);
  assert.deepEqual(need(conf('nobody', 'root')), ['CAP_NET_RAW', 'CAP_NET_ADMIN', 'CAP_SETUID', 'CAP_SETGID', 'CAP_KILL']);
});

test('CapEff parsed from /proc/self/status; the missing ones named', () => {
  const eff = parseCapEff('Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t0000000000003000\n');
  assert.equal(eff, 0x3000n);
  assert.deepEqual(missingCapabilities(eff!, ['CAP_NET_RAW', 'CAP_NET_ADMIN', 'CAP_SETUID']), ['CAP_SETUID']);
  assert.deepEqual(missingCapabilities(0x20n, ['CAP_NET_RAW']), ['CAP_NET_RAW']);
  assert.equal(parseCapEff('nothing'), undefined);
});
