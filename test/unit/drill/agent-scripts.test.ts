import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { AGENT_CONF, AGENT_PID_FILE, agentStartCommand, faultScript, parseFaultOutput, restoreScript, type HandlerCommands } from '../../../src/drill/index.js';

/** `sh -n`: the script parses as POSIX sh (dash), without running anything. */
function parses(script: string): string {
  const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  return r.status === 0 ? '' : r.stderr;
}

// Shaped like the director role's `reload hafleet-agent` handler, but different per manager so a
// test sees which one was picked.
const handler: HandlerCommands = {
  systemd: 'systemctl daemon-reload && systemctl reload-or-restart hafleet-agent',
  sysv: 'p=$(cat /run/hafleet/agent.pid 2>/dev/null); setsid /usr/local/sbin/hafleet-agent >>/var/log/hafleet-agent.log 2>&1 </dev/null & # sysv',
  direct: 'p=$(cat /run/hafleet/agent.pid 2>/dev/null); setsid /usr/local/sbin/hafleet-agent >>/var/log/hafleet-agent.log 2>&1 </dev/null & # direct',
};
const stale = [{ address: '198.18.0.100', prefix: 24, dev: 'eth0' }];

test('agent fault and restore scripts are valid sh, with and without a handler', () => {
  for (const f of ['stop-keepalived', 'kill-keepalived'] as const) {
    assert.equal(parses(faultScript(f, { engine: 'agent' })), '', `fault ${f}`);
    for (const svc of ['systemd', 'sysv', 'direct'] as const) {
      assert.equal(parses(restoreScript(f, { manager: 'direct', serviceManager: svc }, { engine: 'agent', agentHandler: handler, staleVips: stale })), '', `restore ${f} ${svc}`);
    }
    const cmd = `/usr/bin/node /opt/hafleet/dist/cli/main.js agent -f ${AGENT_CONF} --status-file /run/hafleet/agent-status.json`;
    assert.equal(parses(restoreScript(f, { manager: 'direct', cmd, out: '/var/log/hafleet-agent.log' }, { engine: 'agent' })), '', `restore ${f} fallback`);
    assert.equal(parses(restoreScript(f, { manager: 'direct' }, { engine: 'agent' })), '', `restore ${f} without any way to start`);
  }
});

test('stop on an agent director: SIGTERM to the pid the wrapper recorded, checked against its config and netns', () => {
  const s = faultScript('stop-keepalived', { engine: 'agent' });
  assert.ok(s.includes(`cat '${AGENT_PID_FILE}'`));
  assert.match(s, /readlink \/proc\/\$p\/ns\/net/, 'a pid of another lab host (shared pid space) is not ours');
  assert.ok(s.includes(`grep -qa '${AGENT_CONF}' /proc/$p/cmdline`), 'a reused pid is not the agent');
  assert.match(s, /at; kill -TERM \$p; fi/);
  assert.match(s, /systemctl stop hafleet-agent/);
  assert.doesNotMatch(s, /kill -KILL|top keepalived/);
  assert.match(s, /error the VRRP speaker \(hafleet agent\) is not running/);
});

test('kill on an agent director: SIGKILL stamped right before the signal; keepalived untouched', () => {
  const s = faultScript('kill-keepalived', { engine: 'agent' });
  assert.match(s, /at; kill -KILL \$p\n/);
  assert.doesNotMatch(s, /kill -TERM|own keepalived|systemctl stop/);
});

test('keepalived directors keep the keepalived scripts, messages naming the VRRP speaker', () => {
  const k = faultScript('kill-keepalived', { engine: 'keepalived' });
  assert.match(k, /ps=\$\(own keepalived\); at; kill -KILL \$ps/);
  assert.match(k, /error the VRRP speaker \(keepalived\) is not running/);
  assert.doesNotMatch(k, /agent\.pid/);
  assert.equal(faultScript('stop-keepalived'), faultScript('stop-keepalived', { engine: 'keepalived' }), 'keepalived is the default');
  assert.doesNotMatch(restoreScript('kill-keepalived', { manager: 'direct' }, { staleVips: stale, agentHandler: handler }), /hafleet-agent/, 'a handler alone does not make a keepalived director an agent one');
});

test("the agent's restore runs the role's handler for the host's service manager, stale VIPs first", () => {
  const info = parseFaultOutput('speaker agent\nsvc sysv\ncmd /usr/bin/node\u0001x.js\nat 1795611789755212703\n');
  assert.equal(info.serviceManager, 'sysv');
  const s = restoreScript('kill-keepalived', info, { engine: 'agent', agentHandler: handler, staleVips: stale });
  assert.ok(s.includes(`(\n${handler.sysv}\n  ) </dev/null >/dev/null 2>&1`), 'the sysv command, output kept off the SSH channel');
  assert.ok(!s.includes('# direct'));
  const del = s.indexOf("ip addr del '198.18.0.100/24' dev 'eth0'");
  assert.ok(del > 0 && del < s.indexOf(handler.sysv), 'the stale VIP goes before the agent starts');
  assert.match(s, /if \[ -z "\$\(agent_pid\)" \]; then/, 'nothing is started when an agent already runs');
  assert.match(s, /error the VRRP speaker \(hafleet agent\) did not start/);
  assert.match(s, /echo "started by the handler 'reload hafleet-agent' \(sysv\)"/, 'the restore says how it started the agent');
  assert.equal(parseFaultOutput("at 1\nstarted by the handler 'reload hafleet-agent' (sysv)\n").started, "by the handler 'reload hafleet-agent' (sysv)");
  assert.ok(restoreScript('kill-keepalived', { manager: 'direct' }, { engine: 'agent', agentHandler: handler, staleVips: stale }).includes('# direct'), 'direct when the manager is unknown');
  assert.ok(restoreScript('stop-keepalived', { manager: 'systemd', serviceManager: 'systemd' }, { engine: 'agent', agentHandler: handler }).includes(handler.systemd));
  // The inventory's service_manager wins over detection, as it does for apply's handlers.
  const forced = restoreScript('kill-keepalived', info, { engine: 'agent', agentHandler: handler, serviceManager: 'direct' });
  assert.ok(forced.includes('# direct') && !forced.includes('# sysv'));
  assert.match(forced, /started by the handler 'reload hafleet-agent' \(direct\)/);
});

test('a graceful stop leaves no VIP behind: its restore deletes none', () => {
  const s = restoreScript('stop-keepalived', { manager: 'direct', serviceManager: 'direct' }, { engine: 'agent', agentHandler: handler, staleVips: stale });
  assert.doesNotMatch(s, /ip addr del/);
});

test('without a handler the agent restarts from its own command line, pid file written as the wrapper does', () => {
  const cmd = `/usr/bin/node /opt/hafleet/dist/cli/main.js agent -f ${AGENT_CONF}`;
  const start = agentStartCommand({ cmd, out: '/var/log/hafleet-agent.log' })!;
  assert.match(restoreScript('kill-keepalived', { manager: 'direct', cmd }, { engine: 'agent' }), /echo "started from its command line"/);
  assert.equal(start, `mkdir -p '/run/hafleet'; setsid sh -c 'echo $$ >'\\''/run/hafleet/agent.pid'\\''; exec ${cmd}' </dev/null >>'/var/log/hafleet-agent.log' 2>&1 &`);
  assert.equal(agentStartCommand({ cmd: '/usr/bin/node something-else.js' }), undefined, 'not the agent: never started');
  const none = restoreScript('kill-keepalived', { manager: 'direct' }, { engine: 'agent', staleVips: stale });
  assert.match(none, /error no way to start the VRRP speaker \(hafleet agent\): no 'reload hafleet-agent' handler/);
});
