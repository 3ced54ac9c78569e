/**
 * The main proof of import: original keepalived.conf → import → render → both parsed by the
 * keepalived-conf reader → the same effective VRRP instances (and LVS services), for hand-made
 * fleets in the styles of runbooks and forum answers. The written inventory passes the lint gate.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildImport, snapshotFiles, snapshotFromFiles, writeImportDir } from '../../../src/import/index.js';
import { loadInventory } from '../../../src/inventory/index.js';
import { parseConfig, readTree, singleFile, type InstanceConf } from '../../../src/keepalived-conf/index.js';
import { gateInventory } from '../../../src/lint/index.js';
import { renderFleet, type DesiredFile } from '../../../src/render/index.js';
import { behaviourReport } from '../../../src/plan/index.js';

const FIX = path.resolve('test/fixtures/import');
const HOSTS = [
  { name: 'lb1', address: '198.18.0.11' }, { name: 'lb2', address: '198.18.0.12' },
  { name: 'web1', address: '198.18.0.21' }, { name: 'web2', address: '198.18.0.22' },
];

/**
 * What an instance does, leaving out what only formats or names differently. A VIP without a
 * label gets hafleet's `dev:vrid` label: an `ip addr` name, not VRRP behaviour (labels the
 * original wrote are compared), so `labels: false` drops them from the comparison.
 */
function effective(i: InstanceConf, labels: Set<string>) {
  return {
    name: i.name, vrid: i.vrid, priority: i.priority, interface: i.interface, advertCs: i.advertIntervalCs, version: i.version,
    auth: i.authPass?.slice(0, 8), preempt: i.preempt, preemptDelay: i.preemptDelaySec, initialState: i.initialState,
    vips: i.vips.map((v) => `${v.address}/${v.prefix} ${v.dev ?? i.interface} ${labels.has(v.address) ? v.label : ''}`).sort(),
    unicastSrc: i.unicastSrcIp, peers: [...i.unicastPeers].sort(),
    tracks: i.trackScripts.length, garp: [i.garpMasterDelaySec, i.garpMasterRepeat, i.garpMasterRefreshSec],
    notifyMaster: i.notify.master?.cmd,
  };
}

function virtualServers(text: string) {
  const tree = readTree('/k.conf', singleFile('/k.conf', text));
  return tree.stmts.filter((s) => s.keyword === 'virtual_server').map((s) => JSON.stringify({
    at: s.args.map((a) => a.text),
    body: (s.block ?? []).map((b) => [b.keyword, b.args.map((a) => a.text), (b.block ?? []).map((c) => [c.keyword, c.args.map((a) => a.text), (c.block ?? []).map((d) => [d.keyword, d.args.map((a) => a.text)]).sort()]).sort()]).sort(),
  }));
}

for (const fixture of ['single-vip', 'dual-master', 'lvs-dr']) {
  test(`${fixture}: import → lint → render keeps every instance's behaviour`, (t) => {
    const copies = path.join(FIX, fixture, 'copies');
    const names = fs.readdirSync(copies).sort();
    const snaps = names.map((h) => snapshotFromFiles(copies, h));
    const result = buildImport(snaps, HOSTS);
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-import-'));
    t.after(() => fs.rmSync(out, { recursive: true, force: true }));
    const dir = path.join(out, 'inv');
    assert.deepEqual(writeImportDir([path.join(FIX, 'hosts.yml')], dir, result), []);
    const inv = loadInventory([path.join(dir, 'hosts.yml')]);
    assert.ok(inv.ok, JSON.stringify(inv.diagnostics));
    const topo = gateInventory(inv.value);
    assert.ok(topo.ok, topo.diagnostics.map((d) => d.message).join('\n'));
    const rendered = renderFleet(inv.value, topo.value);
    assert.ok(rendered.ok, rendered.diagnostics.map((d) => d.message).join('\n'));
    let compared = 0;
    let scripted = 0;
    for (const snap of snaps) {
      const orig = parseConfig(snap.keepalivedConf, snapshotFiles(snap));
      if (!orig.config || orig.config.instances.length === 0) continue;
      const file: DesiredFile | undefined = rendered.value.get(snap.host)?.files.find((f) => f.path === '/etc/keepalived/keepalived.conf');
      assert.ok(file, `${snap.host}: no keepalived.conf rendered`);
      const text: string = file.content;
      const now = parseConfig('/etc/keepalived/keepalived.conf', singleFile('/etc/keepalived/keepalived.conf', text));
      assert.ok(now.config, now.diagnostics.map((d) => d.message).join('\n'));
      const labels = new Set(orig.config.instances.flatMap((i) => i.vips.filter((v) => v.label).map((v) => v.address)));
      const byName = (c: typeof orig.config) => Object.fromEntries(c!.instances.map((i) => [i.name, effective(i, labels)]));
      assert.deepEqual(byName(now.config), byName(orig.config), `${snap.host}: instances differ`);
      const origText = [...snap.files].filter(([p]) => snap.roles.get(p) === 'keepalived').map(([, f]) => (f.kind === 'text' ? f.text : '')).join('\n');
      assert.deepEqual(virtualServers(text).sort(), virtualServers(origText).sort(), `${snap.host}: virtual_servers differ`);
      // Track script: same command, weight, timings (its name is hafleet's).
      const ts = (c: typeof orig.config) => c!.scripts.filter((s) => c!.instances.some((i) => i.trackScripts.some((r) => r.name === s.name)))
        .map((s) => ({ script: s.script, weight: s.weight, interval: s.intervalSec, fall: s.fall, rise: s.rise }));
      assert.deepEqual(ts(now.config), ts(orig.config));
      // What plan says the first deploy does: nothing (hafleet's inert hooks apart). plan reads one
      // file: where the original has includes, the rendered file is compared with them inlined.
      const mainText = origText;
      const report = behaviourReport('/etc/keepalived/keepalived.conf', mainText.replace(/^\s*include\s.*$/gm, ''), text, { host: snap.host })!;
      // Scripts that ran without script security still do (keepalived_script_security: false): nothing forced.
      assert.deepEqual(report.behaviour, [], `${snap.host}: plan shows behaviour changes`);
      // (A host without scripts gets hafleet's enable_script_security: inert there.)
      const g = orig.config.global;
      const runsScripts = orig.config.scripts.length > 0 || orig.config.instances.some((i) => Object.values(i.notify).some(Boolean));
      if (runsScripts) {
        assert.equal(now.config.global.enableScriptSecurity, g.enableScriptSecurity, `${snap.host}: script security as found`);
        assert.equal(now.config.global.scriptUser, g.scriptUser, `${snap.host}: script_user as found`);
        scripted++;
      }
      t.diagnostic(`${snap.host}: hafleet hooks: ${report.hafleetHooks.length}`);
      compared++;
    }
    // Kept scripts (notify.sh in single-vip): written 0600 under DIR/files/<host>/, and the
    // rendered desired state deploys them with their bytes, root-owned, executable.
    let kept = 0;
    for (const k of result.keptFiles) {
      if (!/^\/(etc\/keepalived|usr\/local\/s?bin)\//.test(k.path)) continue;
      const local = path.join(dir, 'files', k.host, k.path);
      assert.equal(fs.statSync(local).mode & 0o777, 0o600, `${local} is 0600 on the admin box`);
      assert.equal(fs.statSync(path.dirname(local)).mode & 0o077, 0, 'its directory is the admin\'s only');
      const f: DesiredFile | undefined = rendered.value.get(k.host)?.files.find((x) => x.path === k.path);
      assert.ok(f, `${k.host}:${k.path} is in the desired state`);
      assert.equal(f.content, k.text, 'its bytes unchanged');
      assert.deepEqual([f.mode, f.owner, f.group], ['0755', 'root', 'root'], 'a copy tells no mode: keepalived execs it, 0755');
      kept++;
    }
    if (fixture === 'single-vip') assert.ok(kept >= 2, `the notify scripts of both directors are deployed (${kept})`);
    t.diagnostic(`${fixture}: ${compared} director(s) compared, ${kept} kept script(s) deployed, ${result.diagnostics.length} finding(s)`);
    assert.ok(compared >= 2);
    if (fixture === 'single-vip') assert.ok(scripted >= 2, 'directors that run scripts without script security were compared');
  });
}
