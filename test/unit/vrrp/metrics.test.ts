/** src/vrrp/metrics.ts and metrics-server.ts: the text format, keepalived-exporter's names and labels. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { renderMetrics, labelValue, EXPORTER_COUNTERS } from '../../../src/vrrp/metrics.js';
import { serveMetrics } from '../../../src/vrrp/metrics-server.js';
import { parseMetricsAddress } from '../../../src/vrrp/metrics-address.js';
import type { AgentStatus, InstanceStatus } from '../../../src/vrrp/status.js';

const inst = (o: Partial<InstanceStatus>): InstanceStatus => ({
  name: 'VI_1', interface: 'eth0', vrid: 51, version: 2, state: 'MASTER', priority: 140, basePriority: 150, primaryIp: '198.18.0.11',
  master: '198.18.0.11', masterPriority: 140, vips: ['198.18.0.100', '198.18.0.101'], faults: [], lastTransition: null,
  counters: { advertsReceived: 3, advertsSent: 1200, becameMaster: 2, releasedMaster: 1, priorityZeroReceived: 1, priorityZeroSent: 0, lowerPriorityIgnored: 4, drops: { 'auth-mismatch': 7, 'bad-ttl': 2, truncated: 1, 'bad-addr-count': 1, 'advert-interval-mismatch': 5 } },
  ...o,
});
const status: AgentStatus = {
  pid: 1, startedAt: '', updatedAt: '', config: '/etc/keepalived/hafleet-agent.conf', vipVia: 'netlink', socketDrops: { otherVrid: 9, undecodable: 0 },
  instances: [inst({}), inst({ name: 'VI_"2"', vrid: 52, state: 'BACKUP', priority: 100, basePriority: 100, vips: [], masterPriority: null, counters: { advertsReceived: 0, advertsSent: 0, becameMaster: 0, releasedMaster: 0, priorityZeroReceived: 0, priorityZeroSent: 0, lowerPriorityIgnored: 0, drops: {} } })],
  scripts: [{ name: 'chk_nginx', ok: true }, { name: 'chk_db', ok: false }], processes: [], files: [{ name: 'maint', file: '/etc/maint', value: -10 }],
};
const text = renderMetrics(status, { held: new Set(['198.18.0.100']), excluded: new Map([['VI_1', ['198.18.0.101']]]) });
const sample = (line: string) => assert.ok(text.split('\n').includes(line), `missing: ${line}\n${text}`);

test('keepalived_vrrp_state: one series per VIP with the exporter’s labels (2 = MASTER), excluded VIPs apart, an instance without VIPs gets ip_address=""', () => {
  sample('keepalived_vrrp_state{iname="VI_1",intf="eth0",vrid="51",ip_address="198.18.0.100"} 2');
  sample('keepalived_vrrp_excluded_state{iname="VI_1",intf="eth0",vrid="51",ip_address="198.18.0.101"} 2');
  sample('keepalived_vrrp_state{iname="VI_\\"2\\"",intf="eth0",vrid="52",ip_address=""} 1');
  sample('keepalived_up 1');
});

test('the exporter’s counters, summed from the agent’s drop reasons; every reason also on its own', () => {
  sample('keepalived_advertisements_sent_total{iname="VI_1",intf="eth0",vrid="51"} 1200');
  sample('keepalived_become_master_total{iname="VI_1",intf="eth0",vrid="51"} 2');
  sample('keepalived_release_master_total{iname="VI_1",intf="eth0",vrid="51"} 1');
  sample('keepalived_authentication_failure_total{iname="VI_1",intf="eth0",vrid="51"} 7');
  sample('keepalived_ip_ttl_errors_total{iname="VI_1",intf="eth0",vrid="51"} 2');
  sample('keepalived_packet_length_errors_total{iname="VI_1",intf="eth0",vrid="51"} 2');
  sample('keepalived_advertisements_interval_errors_total{iname="VI_1",intf="eth0",vrid="51"} 5');
  sample('keepalived_priority_zero_received_total{iname="VI_1",intf="eth0",vrid="51"} 1');
  sample('hafleet_agent_drops_total{iname="VI_1",intf="eth0",vrid="51",reason="auth-mismatch"} 7');
  sample('hafleet_agent_socket_drops_total{reason="other-vrid"} 9');
  assert.equal(EXPORTER_COUNTERS.length, 14, 'the exporter’s 14 per-instance counters (garp delay is a setting, not a count)');
});

test('priorities, VIP presence, scripts and track files', () => {
  sample('hafleet_agent_vrrp_priority{iname="VI_1",intf="eth0",vrid="51"} 140');
  sample('hafleet_agent_vrrp_base_priority{iname="VI_1",intf="eth0",vrid="51"} 150');
  sample('hafleet_agent_vip_present{iname="VI_1",intf="eth0",vrid="51",ip_address="198.18.0.100"} 1');
  sample('hafleet_agent_vip_present{iname="VI_1",intf="eth0",vrid="51",ip_address="198.18.0.101"} 0');
  sample('keepalived_script_status{name="chk_nginx"} 1');
  sample('keepalived_script_status{name="chk_db"} 0');
  sample('hafleet_agent_track_file_value{name="maint"} -10');
  assert.ok(!/master_priority\{iname="VI_\\"2\\""/.test(text), 'unknown master priority: no sample');
});

test('the text format: every family has HELP and TYPE once, before its samples; names are valid; ends with a newline', () => {
  assert.ok(text.endsWith('\n'));
  const seen = new Set<string>();
  let current = '';
  for (const line of text.trimEnd().split('\n')) {
    const t = /^# TYPE (\S+) (gauge|counter)$/.exec(line);
    if (t) {
      assert.ok(!seen.has(t[1]!), `TYPE twice: ${t[1]}`);
      seen.add(t[1]!);
      current = t[1]!;
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const s = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (-?[\d.]+|NaN)$/.exec(line);
    assert.ok(s, `not a sample: ${line}`);
    assert.equal(s[1], current, `sample outside its family: ${line}`);
  }
  assert.equal(labelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  assert.doesNotMatch(text, /auth_pass|password/i);
});

test('--metrics addresses: a bare port is loopback; v4, [v6]; nonsense is refused with what is wrong', () => {
  assert.deepEqual(parseMetricsAddress('9650'), { host: '127.0.0.1', port: 9650 });
  assert.deepEqual(parseMetricsAddress('198.18.0.11:9650'), { host: '198.18.0.11', port: 9650 });
  assert.deepEqual(parseMetricsAddress('[::1]:9650'), { host: '::1', port: 9650 });
  assert.match(parseMetricsAddress('host.example:9650') as string, /not an IP address/);
  assert.match(parseMetricsAddress('1.2.3.4:70000') as string, /not 1–65535/);
  assert.match(parseMetricsAddress('1.2.3.4') as string, /not PORT/);
});

test('the server answers /metrics with the exposition content type, 404 elsewhere; a port in use is an error', async () => {
  const s = await serveMetrics({ host: '127.0.0.1', port: 0 }, () => text);
  try {
    const get = (p: string) => new Promise<{ code: number; type: string; body: string }>((resolve, reject) => {
      http.get(`http://${s.address}${p}`, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve({ code: res.statusCode!, type: String(res.headers['content-type']), body }));
      }).on('error', reject);
    });
    const ok = await get('/metrics');
    assert.equal(ok.code, 200);
    assert.equal(ok.type, 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(ok.body, text);
    assert.equal((await get('/')).code, 404);
    const port = Number(s.address.split(':').pop());
    await assert.rejects(serveMetrics({ host: '127.0.0.1', port }, () => ''), /EADDRINUSE/);
  } finally {
    await s.close();
  }
});
