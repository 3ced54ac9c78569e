/**
 * Template drift without keepalived: render every inventory in inventories/* (and a variant that
 * turns on what the examples leave off: nopreempt, preempt_delay, notify hooks, advert_int 2,
 * VRRPv3), parse each rendered keepalived.conf with keepalived-conf's parser (the agent's), and
 * compare what keepalived would run with the topology the inventory built: per instance VRID,
 * priority, state, interface, VIPs (prefix, dev, label), advert_int, version, garp settings, auth
 * type, unicast source and peers, preempt, track scripts with their weights and per-instance
 * overrides, notify scripts, sync groups; and the LVS virtual_servers / real_servers (from the
 * generic statement tree: the agent does not model them).
 *
 * It fails when a template drifts from the model: the last test proves it on every run, rendering
 * lvs-dr through a template override (the inventory's templates/director/keepalived.conf.hbs, the
 * same mechanism a site uses) that prints the VRID as the priority and a fixed real_server weight,
 * and checking the drift lines name both.
 * auth_pass is compared, never printed: a mismatch says only that it differs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { argWords, parseConfig, readTree, singleFile, type AgentConfig, type Stmt } from '../../../src/keepalived-conf/index.js';
import { renderFleet, type DesiredState } from '../../../src/render/index.js';
import type { Cluster, Topology, TrackScript } from '../../../src/topology/index.js';
import type { TrackScriptConf } from '../../../src/keepalived-conf/index.js';
import { EXAMPLES, ROOT, copyExample, loadExample } from '../render/example.js';

const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';

// The model's track script and the parser's carry one set of names and units (intervalSec,
// timeoutSec, weight, fall, rise, user): a rename on either side stops this compiling.
const sameNames = (c: TrackScriptConf): Pick<TrackScriptConf, keyof TrackScript> & TrackScript => c;
void sameNames;

/** Every difference between what the topology says and what the rendered file makes keepalived run. */
function drift(topo: Topology, desired: DesiredState): string[] {
  const out: string[] = [];
  const eq = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  let checked = 0;
  for (const c of topo.clusters) for (const host of c.directors) {
    const file = desired.get(host)?.files.find((f) => f.path === KEEPALIVED_CONF);
    if (!file) { out.push(`${host}: no ${KEEPALIVED_CONF} rendered`); continue; }
    const parsed = parseConfig(KEEPALIVED_CONF, singleFile(KEEPALIVED_CONF, file.content));
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    if (!parsed.config || errors.length > 0) { out.push(`${host}: does not parse: ${errors.map(formatDiagnostic).join('; ')}`); continue; }
    checked++;
    out.push(...instanceDrift(c, host, parsed.config, eq));
    if (c.mode !== 'nginx') lvsDrift(c, host, readTree(KEEPALIVED_CONF, singleFile(KEEPALIVED_CONF, file.content)).stmts, eq);
  }
  if (checked === 0) out.push('no keepalived.conf checked');
  return out;
}

type Eq = (what: string, got: unknown, want: unknown) => void;

function instanceDrift(c: Cluster, host: string, cfg: AgentConfig, eq: Eq): string[] {
  const out: string[] = [];
  const mine = c.instances.filter((i) => i.members.some((m) => m.host === host));
  // Other clusters this host directs render into the same file.
  const names = cfg.instances.map((i) => i.name);
  for (const want of mine) {
    const m = want.members.find((x) => x.host === host)!;
    const got = cfg.instances.find((i) => i.name === want.name);
    const at = `${want.name} on ${host}`;
    if (!got) { out.push(`${at}: missing (file has ${names.join(', ')})`); continue; }
    eq(`${at}: vrid`, got.vrid, want.vrid);
    eq(`${at}: priority`, got.priority, m.priority);
    // keepalived clears nopreempt / preempt_delay on a MASTER-state instance: the model starts those BACKUP.
    eq(`${at}: state`, got.initialState, !want.preempt || want.preemptDelaySec > 0 ? 'BACKUP' : m.initialState);
    eq(`${at}: interface`, got.interface, m.interface || want.interface);
    eq(`${at}: version`, got.version, want.version);
    // The model counts keepalived's seconds, the agent the packet's centiseconds.
    eq(`${at}: advert_int`, got.advertIntervalCs, Math.round(want.advertInt * 100));
    eq(`${at}: VIPs`, got.vips.map((v) => `${v.address}/${v.prefix} dev ${v.dev}`),
      want.vips.map((v) => `${v.address}/${v.prefix} dev ${v.devExplicit && v.dev ? v.dev : m.interface || v.dev}`));
    eq(`${at}: preempt`, got.preempt, want.preempt);
    eq(`${at}: preempt_delay`, got.preemptDelaySec, want.preempt ? want.preemptDelaySec : 0);
    eq(`${at}: garp`, [got.garpMasterDelaySec, got.garpMasterRepeat, got.garpMasterRefreshSec], [want.garpMasterDelaySec, want.garpMasterRepeat, want.garpMasterRefreshSec]);
    // VRRPv3 has no authentication: the model's password is not rendered there.
    const wantPass = want.version === 2 ? want.authPass : undefined;
    if (got.authPass !== wantPass) out.push(`${at}: auth_pass differs (${got.authPass ? 'PASS' : 'none'} in the file, ${wantPass ? 'PASS' : 'none'} in the model)`);
    eq(`${at}: unicast_src_ip`, got.unicastSrcIp, want.unicast ? (m.unicastSrcIp ?? m.address) : undefined);
    eq(`${at}: unicast peers`, got.unicastPeers, want.unicast ? m.unicastPeers : []);
    eq(`${at}: track scripts`, got.trackScripts.map((t) => t.name), want.trackScripts);
    // The model has no per-instance weight override: the file must not carry one.
    eq(`${at}: track script weight overrides`, got.trackScripts.filter((t) => t.weight !== undefined).map((t) => t.name), []);
    const n = c.notify;
    eq(`${at}: notify`, [got.notify.any?.cmd, got.notify.master?.cmd, got.notify.backup?.cmd, got.notify.fault?.cmd, got.notify.stop?.cmd],
      [n.script, n.master, n.backup, n.fault, n.stop]);
  }
  for (const s of c.trackScripts.filter((s) => mine.some((i) => i.trackScripts.includes(s.name)))) {
    const got = cfg.scripts.find((x) => x.name === s.name);
    if (!got) { out.push(`vrrp_script ${s.name} on ${host}: missing`); continue; }
    eq(`vrrp_script ${s.name} on ${host}`, [got.script, got.intervalSec, got.timeoutSec, got.weight, got.fall, got.rise, got.user],
      [s.script, s.intervalSec, s.timeoutSec, s.weight, s.fall, s.rise, s.user]);
  }
  // The model has no sync groups: a rendered one would tie instances the inventory keeps apart.
  eq(`${host}: sync groups`, cfg.syncGroups.map((g) => g.name), []);
  return out;
}

const sub = (s: Stmt, k: string) => s.block?.find((x) => x.keyword === k);
const val = (s: Stmt, k: string) => (sub(s, k) ? argWords(sub(s, k)!).join(' ') : undefined);

function lvsDrift(c: Cluster, host: string, stmts: Stmt[], eq: Eq): void {
  const vss = stmts.filter((s) => s.keyword === 'virtual_server');
  for (const svc of c.services) {
    const at = `virtual_server ${svc.vip} ${svc.port} on ${host}`;
    const vs = vss.find((s) => argWords(s).join(' ') === `${svc.vip} ${svc.port}`);
    if (!vs) { eq(at, 'missing', 'present'); continue; }
    eq(`${at}: lb_algo, lb_kind, protocol`, [val(vs, 'lb_algo'), val(vs, 'lb_kind'), val(vs, 'protocol')], [svc.lbAlgo, c.lbKind, svc.protocol]);
    eq(`${at}: persistence_timeout`, Number(val(vs, 'persistence_timeout') ?? 0), svc.persistenceTimeoutSec);
    eq(`${at}: delay_loop`, Number(val(vs, 'delay_loop')), svc.healthCheck.delayLoopSec);
    eq(`${at}: sorry_server`, val(vs, 'sorry_server'), svc.sorryServer && `${svc.sorryServer.address} ${svc.sorryServer.port}`);
    const rss = (vs.block ?? []).filter((s) => s.keyword === 'real_server');
    eq(`${at}: real_servers`, rss.map((r) => `${argWords(r).join(':')} weight ${val(r, 'weight')}`), svc.realServers.map((r) => `${r.address}:${r.port} weight ${r.weight}`));
    const hc = svc.healthCheck;
    for (const r of rss) {
      const check = r.block?.find((s) => s.keyword === 'HTTP_GET' || s.keyword === 'TCP_CHECK');
      const url = check && sub(check, 'url');
      eq(`${at}: real_server ${argWords(r).join(' ')} checker`,
        check ? [check.keyword, url && val(url, 'path'), url && Number(val(url, 'status_code')), Number(val(check, 'connect_timeout')), Number(val(check, 'retry')), Number(val(check, 'delay_before_retry'))] : 'NONE',
        hc.type === 'NONE' ? 'NONE' : [hc.type, hc.type === 'HTTP_GET' ? hc.path : undefined, hc.type === 'HTTP_GET' ? hc.status : undefined, hc.connectTimeoutSec, hc.retry, hc.delayBeforeRetrySec]);
    }
  }
  eq(`${host}: virtual_server count`, vss.length >= c.services.length, true);
}

function render(dir: string): { topo: Topology; desired: DesiredState } {
  const { inv, topo } = loadExample(dir);
  const r = renderFleet(inv, topo);
  assert.ok(r.ok, r.diagnostics.map(formatDiagnostic).join('\n'));
  return { topo, desired: r.value };
}

for (const name of EXAMPLES) {
  test(`round trip: inventories/${name} → keepalived.conf → parser agrees with the topology`, (t) => {
    const { topo, desired } = render(join(ROOT, 'inventories', name));
    t.diagnostic(`${topo.clusters.flatMap((c) => c.instances).length} instances, ${topo.clusters.flatMap((c) => c.services).length} services`);
    assert.deepEqual(drift(topo, desired), []);
  });
}

/** nginx-ha with what the examples leave at their defaults turned on. */
function variant(t: { after(fn: () => void): void }, extra: (yml: string) => string): string {
  const dir = copyExample('nginx-ha');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = join(dir, 'group_vars/all.yml');
  writeFileSync(f, extra(readFileSync(f, 'utf8')));
  return join(dir, 'hosts.yml');
}

test('round trip: nopreempt, notify hooks, advert_int 2 and VRRPv3 render as the model says', (t) => {
  const dir = variant(t, (y) => y
    .replace('      version: 2\n      advert_int: 1\n', '      version: 3\n      advert_int: 2\n      preempt: false\n')
    .replace('    vrid: 51\n', '    vrid: 51\n    notify:\n      master: /usr/local/bin/on-master\n      fault: "/usr/local/bin/on-fault now"\n'));
  const { topo, desired } = render(dir);
  assert.equal(topo.clusters[0]!.instances[0]!.preempt, false, 'the variant took');
  assert.deepEqual(drift(topo, desired), []);
});

test('round trip: preempt_delay renders as the model says', (t) => {
  const { topo, desired } = render(variant(t, (y) => y.replace('      advert_int: 1\n', '      advert_int: 1\n      preempt_delay: 30\n')));
  assert.equal(topo.clusters[0]!.instances[0]!.preemptDelaySec, 30, 'the variant took');
  assert.deepEqual(drift(topo, desired), []);
});

test('the round trip catches a drifted template (priority written as the VRID, a real_server weight dropped)', (t) => {
  const dir = copyExample('lvs-dr');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bundled = readFileSync(join(ROOT, 'templates/director/keepalived.conf.hbs'), 'utf8');
  const drifted = bundled.replace('priority {{priority}}', 'priority {{vrid}}').replace('        weight {{weight}}\n', '        weight 1\n');
  assert.notEqual(drifted, bundled);
  mkdirSync(join(dir, 'templates/director'), { recursive: true });
  writeFileSync(join(dir, 'templates/director/keepalived.conf.hbs'), drifted);
  const { topo, desired } = render(join(dir, 'hosts.yml'));
  const found = drift(topo, desired);
  assert.ok(found.some((l) => /^shop_61 on lvs1: priority: got 61, want 150$/.test(l)), found.join('\n'));
  assert.ok(found.some((l) => /real_servers: got .*198\.18\.0\.22:80 weight 1.*want .*198\.18\.0\.22:80 weight 2/.test(l)), found.join('\n'));
  assert.ok(!found.join('\n').includes('lvs2pass'), 'no password in a drift line');
});
