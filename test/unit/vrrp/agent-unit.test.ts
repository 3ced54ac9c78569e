/**
 * The agent's systemd unit (templates/director/hafleet-agent.service.hbs): its capability set is
 * the one the agent asks for (src/vrrp/capabilities.ts), and systemd itself accepts it
 * (`systemd-analyze verify`, and `security` rates it at most 5.0, "OK").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CAP } from '../../../src/vrrp/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const unit = fs.readFileSync(path.join(root, 'templates/director/hafleet-agent.service.hbs'), 'utf8');
const setting = (k: string) => [...unit.matchAll(new RegExp(`^${k}=(.*)$`, 'gm'))].map((m) => m[1]!.trim());

test('the unit bounds the agent to the capabilities it can need, and hardens the rest', () => {
  assert.deepEqual(setting('CapabilityBoundingSet')[0]!.split(/\s+/).sort(), Object.keys(CAP).sort());
  assert.deepEqual(setting('AmbientCapabilities')[0]!.split(/\s+/).sort(), Object.keys(CAP).sort());
  assert.deepEqual(setting('NoNewPrivileges'), ['yes']);
  assert.deepEqual(setting('ProtectSystem'), ['strict']);
  assert.deepEqual(setting('RestrictAddressFamilies')[0]!.split(/\s+/).sort(), ['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_PACKET', 'AF_UNIX']);
  // use_vmac writes /proc/sys/net; the status and pid files live in /run/hafleet.
  assert.deepEqual(setting('ProtectKernelTunables'), []);
  assert.deepEqual(setting('RuntimeDirectory'), ['hafleet']);
  assert.match(unit, /^ExecStart=\/usr\/local\/sbin\/hafleet-agent$/m);
});

test('the unit runs the agent as a user of its own, never uid 0, with no root step: it reads root\'s files through CAP_DAC_READ_SEARCH', () => {
  assert.deepEqual(setting('User'), ['hafleet-agent']);
  assert.deepEqual(setting('Group'), ['hafleet-agent']);
  assert.deepEqual(setting('DynamicUser'), ['yes']);
  // No command runs as root (`+`): no file changes owner for the agent, so deploy stays idempotent.
  const privileged = ['ExecStartPre', 'ExecStart', 'ExecReload', 'ExecStopPost'].flatMap((k) => setting(k)).filter((c) => c.startsWith('+'));
  assert.deepEqual(privileged, []);
  const wrapper = fs.readFileSync(path.join(root, 'templates/director/hafleet-agent.sh.hbs'), 'utf8');
  assert.match(wrapper, /^AGENT_USER=hafleet-agent$/m, 'the wrapper drops to the unit\'s user when started by root');
  // Its setpriv capability words are the unit's set.
  const caps = /^CAPS=(.*)$/m.exec(wrapper)![1]!.split(',').map((c) => `CAP_${c.replace('+', '').toUpperCase()}`);
  assert.deepEqual(caps.sort(), Object.keys(CAP).sort());
});

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
test('systemd-analyze verify accepts the unit; security exposure ≤ 5.0', { skip: analyze.status === 0 ? false : 'systemd-analyze not installed' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hfag-unit-'));
  try {
    // verify checks that ExecStart exists: point it at a stand-in.
    const exec = path.join(dir, 'hafleet-agent');
    fs.writeFileSync(exec, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const f = path.join(dir, 'hafleet-agent.service');
    fs.writeFileSync(f, unit.replaceAll('/usr/local/sbin/hafleet-agent', exec));
    const v = spawnSync('systemd-analyze', ['verify', f], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stderr.trim(), '', 'no warning from systemd');
    const s = spawnSync('systemd-analyze', ['security', '--offline=true', f], { encoding: 'utf8' });
    const m = /Overall exposure level for hafleet-agent\.service: ([\d.]+)/.exec(s.stdout);
    assert.ok(m, s.stdout + s.stderr);
    assert.ok(Number(m[1]) <= 5.0, `exposure ${m[1]}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
