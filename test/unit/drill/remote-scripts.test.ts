import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { commandLine, FAULT_KINDS, faultScript, monitorStartScript, monitorStopScript, parseFaultOutput, restoreScript } from '../../../src/drill/index.js';
import { hostProbeScript } from '../../../src/verify/index.js';

/** `sh -n`: the script parses as POSIX sh (dash), without running anything. */
function parses(script: string): string {
  const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  return r.status === 0 ? '' : r.stderr;
}

test('every fault, restore, monitor and probe script is valid sh', () => {
  const info = { manager: 'direct' as const, cmd: "/usr/sbin/keepalived -f '/etc/keepalived/x y.conf'", out: '/var/log/k.log' };
  for (const f of FAULT_KINDS) {
    assert.equal(parses(faultScript(f, { dev: 'eth0', downSec: 7 })), '', `fault ${f}`);
    assert.equal(parses(restoreScript(f, info, { staleVips: [{ address: '198.18.0.100', prefix: 24, dev: 'eth0' }], dev: 'eth0' })), '', `restore ${f}`);
    assert.equal(parses(restoreScript(f, { manager: 'systemd' })), '', `restore ${f} (systemd)`);
  }
  assert.equal(parses(monitorStartScript('/tmp/hafleet-drill-1.mon', 300)), '');
  assert.equal(parses(monitorStopScript('/tmp/hafleet-drill-1.mon', 42)), '');
  assert.equal(parses(hostProbeScript()), '');
});

test('kill-keepalived kills every keepalived of the host at once and stamps the moment after the scan', () => {
  const s = faultScript('kill-keepalived');
  assert.match(s, /ps=\$\(own keepalived\); at; kill -KILL \$ps/);
});

test('kill-keepalived restore removes the VIPs it left, only when keepalived is not running again', () => {
  const s = restoreScript('kill-keepalived', { manager: 'direct' }, { staleVips: [{ address: '198.18.0.100', prefix: 24, dev: 'eth0' }] });
  assert.match(s, /\[ -n "\$\(own keepalived\)" \] \|\| \{ true\nip addr del '198\.18\.0\.100\/24' dev 'eth0'/);
  assert.match(s, /setsid keepalived <\/dev\/null >\/dev\/null 2>&1 &/);
});

test('link-down is scheduled on the host, which brings the link back itself', () => {
  const s = faultScript('link-down', { dev: 'eth1', downSec: 6.2 });
  // One single-quoted word for sh -c: the device name is quoted inside it, never expanded by the outer shell.
  assert.ok(s.includes(`setsid sh -c 'sleep 0.3; date +%s%N >'\\''/tmp/hafleet-drill-link-down.at'\\''; ip link set '\\''eth1'\\'' down; sleep 6; ip link set '\\''eth1'\\'' up'`));
});

test('fault output: host time, how to start the daemon again, errors', () => {
  const o = parseFaultOutput('cmd /usr/sbin/keepalived\u0001-f\u0001/etc/keepalived/x y.conf\u0001\nout /var/log/k.log\nat 1795611789755212703\n');
  assert.equal(o.cmd, "/usr/sbin/keepalived -f '/etc/keepalived/x y.conf'");
  assert.equal(o.out, '/var/log/k.log');
  assert.equal(o.atMs, 1795611789755.212);
  assert.equal(o.manager, 'direct');
  assert.equal(parseFaultOutput('out /dev/null\n').out, undefined, 'no log file to keep');
  assert.equal(parseFaultOutput('manager systemd\nat 1\n').manager, 'systemd');
  assert.equal(parseFaultOutput('error keepalived is not running\n').error, 'keepalived is not running');
  assert.equal(parseFaultOutput('down 1795611789000000000\n').downAtMs, 1795611789000);
});

test("nginx's rewritten title restarts as it was, unless its arguments cannot be recovered", () => {
  assert.equal(commandLine('nginx: master process /usr/sbin/nginx -c /etc/nginx/nginx.conf'), '/usr/sbin/nginx -c /etc/nginx/nginx.conf');
  assert.equal(commandLine('nginx: master process nginx -g daemon off;'), undefined);
  const restore = restoreScript('stop-nginx', { manager: 'direct' });
  assert.match(restore, /setsid nginx </);
});
