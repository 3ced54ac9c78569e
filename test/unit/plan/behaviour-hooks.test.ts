/**
 * hafleet's own hooks — the switchover/maintenance track_files that start at 0 and the notify
 * logger — do nothing until used: a plan lists them apart (hafleetHooks), not as behaviour, and
 * only when they are exactly hafleet's (hafleet_ name, file under /var/lib/hafleet, init_file 0,
 * hafleet's notify script). Anything else looking like them is behaviour.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { behaviourReport } from '../../../src/plan/index.js';

const P = '/etc/keepalived/keepalived.conf';
const inst = (extra: string) => `vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    virtual_ipaddress {
        198.18.0.100/24
    }
${extra}}
`;
const OLD = `global_defs {\n    router_id lb1\n}\n${inst('    notify_master /usr/local/sbin/on-master.sh\n')}`;
const hooks = (file = '/var/lib/hafleet/maintenance', init = '0', name = 'hafleet_maintenance') => `track_file ${name} {
    file ${file}
    weight 0
    init_file ${init}
}
track_file hafleet_move_VI_1 {
    file /var/lib/hafleet/vrrp-move-VI_1
    weight 1
    init_file 0
}
`;
const refs = (name = 'hafleet_maintenance') => `    track_file {\n        ${name}\n        hafleet_move_VI_1\n    }\n`;
const NOTIFY = '    notify "/usr/local/sbin/hafleet-notify" root\n';
const withHooks = (o: { file?: string; init?: string; name?: string; notify?: string } = {}) =>
  `global_defs {\n    router_id lb1\n}\n${hooks(o.file, o.init, o.name)}${inst(`    notify_master /usr/local/sbin/on-master.sh\n${refs(o.name)}${o.notify ?? NOTIFY}`)}`;

test("hafleet's track_files at 0 and its notify logger are hooks, not behaviour", () => {
  const r = behaviourReport(P, OLD, withHooks(), { host: 'lb1' })!;
  assert.deepEqual(r.behaviour, []);
  assert.deepEqual(r.hafleetHooks, [
    'track_file hafleet_maintenance (/var/lib/hafleet/maintenance, weight 0, starts at 0) added',
    'track_file hafleet_move_VI_1 (/var/lib/hafleet/vrrp-move-VI_1, weight 1, starts at 0) added',
    'VI_1 on lb1: tracks hafleet_maintenance',
    'VI_1 on lb1: tracks hafleet_move_VI_1',
    'VI_1 on lb1: notify logger (none) → /usr/local/sbin/hafleet-notify root',
  ]);
  // And the other way: removing them is said apart too.
  const back = behaviourReport(P, withHooks(), OLD, { host: 'lb1' })!;
  assert.deepEqual(back.behaviour, []);
  assert.equal(back.hafleetHooks.length, 5);
});

test('a hafleet_ track_file outside /var/lib/hafleet is behaviour', () => {
  const r = behaviourReport(P, OLD, withHooks({ file: '/tmp/maintenance' }), { host: 'lb1' })!;
  assert.ok(r.behaviour.includes('track_file hafleet_maintenance added'), r.behaviour.join('\n'));
  assert.ok(r.behaviour.some((l) => /track_file hafleet_maintenance added$/.test(l) && l.startsWith('VI_1')), r.behaviour.join('\n'));
});

test('without init_file (a missing file reads as 0) they are hooks too', () => {
  const r = behaviourReport(P, OLD, withHooks().replace(/\n    init_file 0/g, ''), { host: 'lb1' })!;
  assert.deepEqual(r.behaviour, []);
  assert.equal(r.hafleetHooks.length, 5);
});

test('a hafleet_ track_file that does not start at 0 is behaviour', () => {
  const r = behaviourReport(P, OLD, withHooks({ init: '1' }), { host: 'lb1' })!;
  assert.ok(r.behaviour.includes('track_file hafleet_maintenance added'), r.behaviour.join('\n'));
});

test('a track_file not named hafleet_ is behaviour even under /var/lib/hafleet', () => {
  const r = behaviourReport(P, OLD, withHooks({ name: 'maint' }), { host: 'lb1' })!;
  assert.ok(r.behaviour.includes('track_file maint added'), r.behaviour.join('\n'));
});

test('a notify that is not hafleet\'s logger is behaviour', () => {
  const r = behaviourReport(P, OLD, withHooks({ notify: '    notify "/usr/local/sbin/other-notify" root\n' }), { host: 'lb1' })!;
  assert.deepEqual(r.behaviour, ['VI_1 on lb1: notify (none) → /usr/local/sbin/other-notify root']);
});

test('nginx files have no hooks', () => {
  const r = behaviourReport('/etc/nginx/conf.d/a.conf', 'upstream a { server 198.18.0.21:80; }\n', 'upstream a { server 198.18.0.21:80 weight=2; }\n', { host: 'lb1' })!;
  assert.deepEqual(r.hafleetHooks, []);
  assert.equal(r.behaviour.length, 1);
});

test("a plan's update change carries the hooks apart from its behaviour", async () => {
  const { fileChange } = await import('../../../src/plan/file-change.js');
  const want = { path: P, content: withHooks(), mode: '0640', owner: 'root', group: 'root', notify: [], secrets: [] };
  const c = fileChange(want as never, { path: P, content: OLD, sha256: null, mode: '0640', owner: 'root', group: 'root' } as never, 'lb1');
  assert.equal(c.kind, 'update');
  assert.ok(c.kind === 'update' && c.behaviour && c.behaviour.length === 0);
  assert.equal(c.kind === 'update' ? c.hafleetHooks?.length : -1, 5);
});
