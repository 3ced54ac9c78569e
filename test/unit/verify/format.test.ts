import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, formatReport, verifyReport } from '../../../src/verify/index.js';
import { healthy, host, topology2x2 } from './fixtures.js';

test('human table: one row per VIP with holder, state, ARP and spread', () => {
  const t = topology2x2();
  const out = formatReport(t, verifyReport(evaluate(t, healthy())));
  const lines = out.split('\n');
  assert.match(lines[0]!, /^CLUSTER\s+INSTANCE\s+VIP\s+HOLDER\s+STATE\s+VERDICT\s+ARP\s+TRAFFIC$/);
  assert.match(lines[1]!, /^web\s+web_51\s+198\.18\.0\.100\/24\s+lb1\s+MASTER\s+ok\s+ok\s+80: web1 4 web2 4$/);
  assert.match(out, /verify passed: 3 passed, 0 error/);
  assert.equal(out.includes('Problems'), false);
});

test('human table: split brain row and the problem with what to look at', () => {
  const t = topology2x2();
  const o = healthy();
  host(o, 'lb2').addresses.push({ dev: 'eth0', address: '198.18.0.100', prefix: 24, family: 'inet' });
  const out = formatReport(t, verifyReport(evaluate(t, o)));
  assert.match(out.split('\n')[1]!, /lb1\+lb2\s+-\s+split-brain/);
  assert.match(out, /FAIL \[split-brain\] split brain: 198\.18\.0\.100 is held by lb1 and lb2/);
  assert.match(out, /look at: VRRP adverts for VRID 51/);
  assert.match(out, /verify FAILED/);
});

test('human table: every realserver down, the error page answering', () => {
  const t = topology2x2();
  const o = healthy();
  o.backends = o.backends.map((b) => ({ ...b, status: null, error: 'ECONNREFUSED' }));
  o.http[0] = { vip: '198.18.0.100', port: 80, sent: 8, servedBy: { '?': 8 }, statuses: { '503': 8 }, failed: 0 };
  const out = formatReport(t, verifyReport(evaluate(t, o)));
  assert.match(out.split('\n')[1]!, /80: error page$/);
  assert.match(out, /FAIL \[backend-down\] realserver web1 does not answer http:\/\/198\.18\.0\.21:80\/: ECONNREFUSED/);
});

test('human table: an IPv6 VIP keeps its port apart from its address ([addr]:port)', () => {
  const v6 = <T>(x: T): T => JSON.parse(JSON.stringify(x).replaceAll('198.18.0.100', '2001:2::100').replaceAll('"prefix":24', '"prefix":64').replaceAll('"family":"inet"', '"family":"inet6"'));
  const t0 = topology2x2();
  const t = { ...v6({ ...t0, roles: undefined }), roles: t0.roles };
  const report = verifyReport(evaluate(t, v6(healthy())));
  assert.ok(report.findings.some((f) => f.kind === 'traffic' && f.vip === '[2001:2::100]:80'), JSON.stringify(report.findings.map((f) => f.vip)));
  const row = formatReport(t, report).split('\n')[1]!;
  assert.match(row, /^web\s+web_51\s+2001:2::100\/\d+\s+lb1\s+MASTER\s+ok\s+\S+\s+80: web1 4 web2 4$/);
});

test('hosts in maintenance are listed under the table', () => {
  const o = healthy();
  host(o, 'lb2').maintenance = true;
  const text = formatReport(topology2x2(), verifyReport(evaluate(topology2x2(), o)));
  assert.match(text, /In maintenance \(not counted as faults\): lb2/);
});
