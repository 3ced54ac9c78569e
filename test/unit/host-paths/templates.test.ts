/**
 * The director templates spell the agent's and the state's paths literally (a template is read
 * by people too); src/host-paths is what facts, verify, drill and the deploy script use. This
 * checks the two agree: every hafleet path a rendered agent director carries (files and handler
 * commands, i.e. the wrapper and role.yaml) is one of host-paths' values, and the ones the other
 * parts rely on are there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { renderHost } from '../../../src/render/index.js';
import * as paths from '../../../src/host-paths/index.js';
import { natCluster, noInventory, topology } from '../render/hand-topology.js';

const KNOWN = new Set([
  paths.STATE_DIR, paths.DEPLOY_RECORD_PATH, paths.BACKUP_ROOT, paths.HOST_LOCK_DIR,
  paths.AGENT_RUN_DIR, paths.AGENT_PID_FILE, paths.AGENT_STATUS_FILE, paths.AGENT_CONF, ...paths.AGENT_STATUS_FILES,
  paths.MAINTENANCE_FILE, paths.MAINTENANCE_INFO_FILE,
]);
/** A known path, or one instance's day-2 move file (VRRP_MOVE_PREFIX + the instance name). */
const known = (p: string) => KNOWN.has(p) || (p.startsWith(paths.VRRP_MOVE_PREFIX) && /^[\w.-]+$/.test(p.slice(paths.VRRP_MOVE_PREFIX.length)));
/** hafleet's host-side paths in a text: under /run/hafleet, /var/lib/hafleet, and the agent's config. */
const hafleetPaths = (text: string) => [...text.matchAll(/\/(?:run\/hafleet|var\/lib\/hafleet|etc\/keepalived\/hafleet-agent\.conf)[\w./-]*/g)].map((m) => m[0]);

function rendered(): { wrapper: string; handlers: string; all: string } {
  const r = renderHost(noInventory, topology(natCluster('agent')), 'd1');
  assert.ok(r.ok);
  const wrapper = r.value.files.find((f) => f.path === '/usr/local/sbin/hafleet-agent')!.content;
  const handlers = r.value.handlers.flatMap((h) => [h.commands.systemd, h.commands.sysv, h.commands.direct, h.check ?? '']).join('\n');
  return { wrapper, handlers, all: [...r.value.files.map((f) => `${f.path}\n${f.content}\n${f.validate ?? ''}`), handlers].join('\n') };
}

test('every hafleet path in a rendered agent director is one host-paths knows', () => {
  const { all } = rendered();
  const found = hafleetPaths(all);
  assert.ok(found.length >= 5, found.join(' '));
  assert.deepEqual([...new Set(found)].filter((p) => !known(p)), [], 'a template spells a path src/host-paths/index.ts does not have');
});

test('the wrapper records the pid and status where facts, verify and drill look; role.yaml handlers use that pid file', () => {
  const { wrapper, handlers } = rendered();
  assert.ok(wrapper.includes(`mkdir -p ${paths.AGENT_RUN_DIR}`), wrapper);
  assert.ok(wrapper.includes(`echo $$ > ${paths.AGENT_PID_FILE}`), wrapper);
  assert.ok(wrapper.includes(`-f ${paths.AGENT_CONF} --status-file ${paths.AGENT_STATUS_FILE}`), wrapper);
  assert.ok(handlers.includes(`cat ${paths.AGENT_PID_FILE}`), handlers);
  assert.equal(paths.AGENT_STATUS_FILES[0], paths.AGENT_STATUS_FILE, 'verify tries the wrapper\'s status file first');
});

test('role.yaml and the wrapper template spell no other hafleet path (read as text, every service manager included)', () => {
  for (const f of ['templates/director/role.yaml', 'templates/director/hafleet-agent.sh.hbs']) {
    const found = hafleetPaths(fs.readFileSync(new URL(`../../../${f}`, import.meta.url), 'utf8'));
    assert.ok(found.length > 0, f);
    assert.deepEqual([...new Set(found)].filter((p) => !known(p)), [], f);
  }
});

test('the state paths hang off STATE_DIR and the agent files off its run dir', () => {
  for (const p of [paths.DEPLOY_RECORD_PATH, paths.BACKUP_ROOT, paths.HOST_LOCK_DIR, paths.clusterLockPath('web')]) assert.ok(p.startsWith(`${paths.STATE_DIR}/`), p);
  for (const p of [paths.AGENT_PID_FILE, paths.AGENT_STATUS_FILE]) assert.ok(p.startsWith(`${paths.AGENT_RUN_DIR}/`), p);
  assert.equal(paths.clusterLockPath('web'), '/var/lib/hafleet/cluster-web.lock');
});
