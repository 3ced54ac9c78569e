/**
 * `keepalived_script_security: false` (what import writes for a fleet that ran scripts without
 * enable_script_security): keepalived.conf keeps neither enable_script_security nor a script_user
 * the fleet lacked, and deploy's keepalived -t accepts its "SECURITY VIOLATION" complaint — only
 * that: keepalived then exits 6 whatever else is wrong, so any other line fails the check. The
 * check itself runs against the real keepalived in a namespace of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHost } from '../../../src/render/index.js';
import type { Inventory } from '../../../src/inventory/index.js';
import { natCluster, noInventory, topology } from './hand-topology.js';

const CONF = '/etc/keepalived/keepalived.conf';

function withVars(vars: Record<string, unknown>): Inventory {
  const d1 = { name: 'd1', vars, groups: ['all'], where: {} };
  return { ...noInventory, hosts: new Map([['d1', d1]]) } as Inventory;
}
function render(vars: Record<string, unknown>, engine: 'keepalived' | 'agent' = 'keepalived') {
  const r = renderHost(withVars(vars), topology(natCluster(engine)), 'd1');
  assert.ok(r.ok, JSON.stringify(r));
  return r.value.files.find((f) => f.path === (engine === 'agent' ? '/etc/keepalived/hafleet-agent.conf' : CONF))!;
}
const globalDefs = (text: string) => /^global_defs \{\n([^]*?)^\}/m.exec(text)![1]!.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).map((l) => l.trim());

test('default: enable_script_security and script_user; keepalived -t must exit 0', () => {
  const f = render({});
  assert.deepEqual(globalDefs(f.content), ['router_id d1', 'enable_script_security', 'script_user nobody']);
  assert.match(f.validate!, /^tolerant=''; /);
});

test('keepalived_script_security: false (also INI "no"): neither line unless the inventory names a script_user', () => {
  for (const v of [false, 'no', 'False']) {
    const f = render({ keepalived_script_security: v });
    assert.deepEqual(globalDefs(f.content), ['router_id d1'], String(v));
    assert.match(f.validate!, /^tolerant='script-security'; [^]*SECURITY VIOLATION/);
  }
  assert.deepEqual(globalDefs(render({ keepalived_script_security: false, vrrp_script_user: 'root' }).content), ['router_id d1', 'script_user root']);
  // true, or any other value (the type check refuses those), keeps script security.
  assert.deepEqual(globalDefs(render({ keepalived_script_security: true }).content), ['router_id d1', 'enable_script_security', 'script_user nobody']);
});

test('the VRRP agent always checks its scripts, whatever the key says', () => {
  const f = render({ keepalived_script_security: false }, 'agent');
  assert.ok(globalDefs(f.content).includes('enable_script_security'));
});

const why = process.getuid?.() !== 0 ? 'needs root (a network namespace)' : !existsSync('/usr/sbin/keepalived') ? 'needs keepalived' : false;

test('the check against the real keepalived: its security complaint alone passes, anything more fails', { skip: why }, (t) => {
  const ns = `hf-ss-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'hf-ss-'));
  const sh = (args: string[], input?: string) => spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', input, timeout: 20_000 });
  assert.equal(sh(['ip', 'netns', 'add', ns]).status, 0);
  t.after(() => { sh(['ip', 'netns', 'del', ns]); rmSync(dir, { recursive: true, force: true }); });
  // The hand topology's VRRP interface, in the namespace only.
  assert.equal(sh(['ip', '-n', ns, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1p']).status, 0);
  const f = render({ keepalived_script_security: false });
  const check = (text: string) => {
    const p = join(dir, 'k.conf');
    writeFileSync(p, text);
    const r = sh(['ip', 'netns', 'exec', ns, 'bash', '-c', `( ${f.validate!.replaceAll('{path}', `'${p}'`)} )`]);
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  // A track script run without script security: keepalived -t exits 6 on its complaint alone.
  const script = join(dir, 'chk.sh');
  writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const withScript = f.content.replace(/^vrrp_instance /m, `vrrp_script chk {\n    script "${script}"\n    interval 2\n    weight -20\n}\n\nvrrp_instance `)
    .replace(/(^vrrp_instance [^]*?\n)(\}\n)/m, '$1    track_script {\n        chk\n    }\n$2');
  assert.match(withScript, /track_script \{\n {8}chk/);
  writeFileSync(join(dir, 'k.conf'), withScript);
  const bare = sh(['ip', 'netns', 'exec', ns, 'keepalived', '-t', '-f', join(dir, 'k.conf')]);
  t.diagnostic(`keepalived -t alone: exit ${bare.status}: ${bare.stderr.trim()}`);
  assert.equal(bare.status, 6, 'keepalived 2.2.7 -t exits 6 on scripts without script security');
  const ok = check(withScript);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /SECURITY VIOLATION - scripts are being executed but script_security not enabled/);
  // An unknown keyword (exit 5 on its own) and an interface that does not exist (exit 4): keepalived
  // still exits 6, its security complaint last — the extra lines fail the check.
  const unknown = check(withScript.replace(/^(\s*priority \d+)$/m, '$1\n    no_such_keyword 1'));
  assert.notEqual(unknown.code, 0, unknown.out);
  assert.match(unknown.out, /Unknown keyword 'no_such_keyword'/);
  const noIf = check(withScript.replace(/^(\s*interface) eth1$/m, '$1 nosuchif9'));
  assert.notEqual(noIf.code, 0, noIf.out);
  // Without the key the check is plain keepalived -t: the same script fails it.
  const strict = render({});
  const p = join(dir, 'k.conf');
  writeFileSync(p, withScript.replace(/^global_defs \{\n/m, 'global_defs {\n    # stripped security\n'));
  const plain = sh(['ip', 'netns', 'exec', ns, 'bash', '-c', `( ${strict.validate!.replaceAll('{path}', `'${p}'`)} )`]);
  assert.notEqual(plain.status, 0, `${plain.stdout}${plain.stderr}`);
  assert.match(plain.stdout, /SECURITY VIOLATION/);
});
