/**
 * vrrp_sync_group in a planned move: read from the rendered keepalived.conf, a named member pulls
 * in its group, the checks cover every instance, a group without sync_group_tracking_weight is
 * refused (its members would read the target's bid as FAULT), and a group moves with one release.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MoveInterrupted, moveInstances, moveUnits, planMove, switchoverPreflight, syncGroupsOf, unitRefusals, type MoveContext } from '../../../src/ops/index.js';
import type { HostRef, Transport } from '../../../src/transport/types.js';
import type { DesiredState } from '../../../src/render/types.js';
import { cluster, healthy, instance, member, observations } from './fixtures.js';

const members = () => [member('lb1', 150, '198.18.0.11'), member('lb2', 100, '198.18.0.12')];
const v4 = instance(members(), { name: 'web_v4' });
const v6 = instance(members(), { name: 'web_v6', vrid: 52, vips: [{ address: '198.18.0.101', prefix: 24, dev: 'eth0', where: {} }] });
const api = instance(members(), { name: 'api_53', vrid: 53, vips: [{ address: '198.18.0.102', prefix: 24, dev: 'eth0', where: {} }] });
const c = cluster([v4, v6, api]);

function desired(perHost: Record<string, string>): DesiredState {
  return new Map(Object.entries(perHost).map(([host, extra]) => [host, {
    files: [{ path: '/etc/keepalived/keepalived.conf', content: `global_defs {\n  router_id ${host}\n}\nvrrp_instance web_v4 {\n  state BACKUP\n}\n${extra}`, mode: '0644', owner: 'root', group: 'root', role: 'director' }],
  }])) as unknown as DesiredState;
}
const GROUP = 'vrrp_sync_group G1 {\n  group {\n    web_v4\n    web_v6 not_here\n  }\n  sync_group_tracking_weight\n}\n';

test('sync groups come from the rendered keepalived.conf; one director without tracking weight is enough to say no', () => {
  assert.deepEqual(syncGroupsOf(c, desired({ lb1: GROUP, lb2: GROUP })), [{ name: 'G1', instances: ['web_v4', 'web_v6'], trackingWeight: true }], 'an instance the cluster does not have is left out');
  assert.deepEqual(syncGroupsOf(c, desired({ lb1: GROUP, lb2: GROUP.replace('  sync_group_tracking_weight\n', '') }))[0]!.trackingWeight, false);
  assert.deepEqual(syncGroupsOf(c, desired({ lb1: '', lb2: '' })), []);
  assert.deepEqual(syncGroupsOf(c, undefined), []);
});

test('--instance naming one member moves the whole group and says so; others stay units of one', () => {
  const groups = syncGroupsOf(c, desired({ lb1: GROUP, lb2: GROUP }));
  const one = moveUnits(c, [v6], groups);
  assert.deepEqual(one.units.map((u) => [u.group, u.instances.map((i) => i.name)]), [['G1', ['web_v4', 'web_v6']]]);
  assert.match(one.notes[0]!, /web_v6 is in vrrp_sync_group G1: web_v4, web_v6 move together/);
  const all = moveUnits(c, [v4, v6, api], groups);
  assert.deepEqual(all.units.map((u) => [u.group, u.instances.map((i) => i.name)]), [['G1', ['web_v4', 'web_v6']], [undefined, ['api_53']]]);
  assert.deepEqual(all.notes, [], 'the whole group was asked for: nothing to say');
});

test('refused: a group without sync_group_tracking_weight; a group split over two directors', () => {
  const weightless = moveUnits(c, [v4], syncGroupsOf(c, desired({ lb1: GROUP.replace('  sync_group_tracking_weight\n', ''), lb2: GROUP }))).units;
  const r = unitRefusals(weightless, new Map([['web_v4', 'lb1'], ['web_v6', 'lb1']]));
  assert.deepEqual(r.map((x) => x.code), ['sync-group']);
  assert.match(r[0]!.hint!, /add sync_group_tracking_weight to vrrp_sync_group G1/);
  const units = moveUnits(c, [v4], syncGroupsOf(c, desired({ lb1: GROUP, lb2: GROUP }))).units;
  assert.deepEqual(unitRefusals(units, new Map([['web_v4', 'lb1'], ['web_v6', 'lb1']])), []);
  assert.deepEqual(unitRefusals(units, new Map([['web_v4', 'lb1'], ['web_v6', 'lb2']])).map((x) => x.code), ['split-brain']);
});

test('"can the target win" covers every instance of the group: the target failing the second member is refused', () => {
  const units = moveUnits(c, [v4], syncGroupsOf(c, desired({ lb1: GROUP, lb2: GROUP }))).units;
  const speaker = (s6: string) => ({ source: 'keepalived' as const, instances: [{ name: 'web_v4', state: 'BACKUP', authFailures: 0 }, { name: 'web_v6', state: s6, authFailures: 0 }], scripts: [] });
  const findings = ['web_v4', 'web_v6'].map((i, k) => ({ kind: 'vip-ok' as const, ok: true, severity: 'ok' as const, cluster: 'web', instance: i, vip: `198.18.0.10${k}`, host: 'lb1', holders: ['lb1'], message: 'ok' }));
  const rep = { ok: true, at: '', findings, summary: { errors: 0, warnings: 0, passed: 0 } };
  const check = (s6: string) => switchoverPreflight({ cluster: c, instances: units.flatMap((u) => u.instances), target: 'lb2', report: rep, states: new Map(),
    observations: observations([healthy('lb1', 'MASTER'), healthy('lb2', 'BACKUP', { speaker: speaker(s6) as never })]) });
  assert.equal(check('BACKUP').ok, true);
  const bad = check('FAULT');
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.refusals[0]!.message : '', /lb2 cannot take the VIP: web_v6 is FAULT/);
});

const ref = (name: string): HostRef => ({ name, address: name, port: 22, user: 'root', become: false, becomeUser: 'root' });

/** Records every move file write (host instance value) and how many execs carried a release. */
function fake(abortAtPoll: boolean, controller: AbortController): { transport: Transport; log: string[]; releases: number } {
  const st = { log: [] as string[], releases: 0 };
  let released = false;
  const transport: Transport = {
    async exec(host, cmd) {
      if (cmd.startsWith('ip -j addr')) {
        if (abortAtPoll) controller.abort(new Error('Ctrl-C'));
        const holds = host.name === 'lb2' && released && !abortAtPoll;
        return { ok: true, value: { code: 0, stderr: '', stdout: JSON.stringify([{ ifname: 'eth0', addr_info: holds ? [{ family: 'inet', local: '198.18.0.100', prefixlen: 24 }, { family: 'inet', local: '198.18.0.101', prefixlen: 24 }] : [] }]) } };
      }
      for (const m of cmd.matchAll(/printf '%s\\n' '?(-?\d+)'? > '?\/var\/lib\/hafleet\/vrrp-move-(\w+)\.hafleet-tmp/g)) st.log.push(`${host.name} ${m[2]} ${m[1]}`);
      if (cmd.includes("'-254'")) {
        released = true;
        st.releases++;
      }
      return { ok: true, value: { code: 0, stderr: '', stdout: `at ${BigInt(Date.now()) * 1_000_000n}\n` } };
    },
    put: async () => ({ ok: true, value: undefined }),
    get: async () => ({ ok: true, value: null }),
    close: async () => {},
  };
  return { transport, get log() { return st.log; }, get releases() { return st.releases; } };
}

const ctx = (transport: Transport, signal: AbortSignal): MoveContext => ({ transport, refs: new Map([['lb1', ref('lb1')], ['lb2', ref('lb2')]]), cluster: c, observations: observations([]), log: () => {}, signal, observe: false });

test('a group moves with both bids first, one release of both instances on the holder, then both settle', async () => {
  const controller = new AbortController();
  const f = fake(false, controller);
  const ms = await moveInstances(ctx(f.transport, controller.signal), [v4, v6], [v4, v6].map((i) => planMove(i, 'lb1', 'lb2', new Map())));
  assert.equal(ms.length, 2);
  assert.deepEqual(ms.map((m) => m.problems), [[], []]);
  assert.equal(f.releases, 1, 'one exec releases the whole group');
  assert.deepEqual(f.log, ['lb2 web_v4 130', 'lb2 web_v6 130', 'lb1 web_v4 -254', 'lb1 web_v6 -254', 'lb1 web_v4 -51', 'lb1 web_v6 -51', 'lb2 web_v4 0', 'lb2 web_v6 0']);
  assert.deepEqual(ms.map((m) => m.record.vip), ['198.18.0.100', '198.18.0.101']);
});

test('Ctrl-C after a group let go: the error says released, the files hold the planned values', async () => {
  const controller = new AbortController();
  const f = fake(true, controller);
  const e = await moveInstances(ctx(f.transport, controller.signal), [v4, v6], [v4, v6].map((i) => planMove(i, 'lb1', 'lb2', new Map()))).then(() => null, (x: unknown) => x);
  assert.ok(e instanceof MoveInterrupted, String(e));
  assert.equal(e.released, true);
  assert.deepEqual(f.log.slice(-4), ['lb1 web_v4 -51', 'lb1 web_v6 -51', 'lb2 web_v4 0', 'lb2 web_v6 0']);
});
