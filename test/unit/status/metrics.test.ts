import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeLabelValue, metricsText } from '../../../src/status/metrics.js';
import { HOSTILE, hostileSnapshot, snapshot } from './serve-fixture.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the text exposition format 0.0.4: every family declared once with HELP
 * then TYPE before its samples, names and label names as the format allows, label values
 * unescaped. Throws on anything it does not understand.
 */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string>; helps: Map<string, string> } {
  assert.ok(text.endsWith('\n'), 'ends with a line feed');
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  const samples: Sample[] = [];
  let family = '';
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line))) {
      assert.ok(!helps.has(m[1]!), `HELP ${m[1]} once`);
      helps.set(m[1]!, m[2]!.replace(/\\(n|\\)/g, (_, c) => (c === 'n' ? '\n' : '\\')));
      family = m[1]!;
    } else if ((m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|histogram|summary|untyped)$/.exec(line))) {
      assert.equal(m[1], family, 'TYPE follows its HELP');
      assert.ok(!types.has(m[1]!), `TYPE ${m[1]} once`);
      types.set(m[1]!, m[2]!);
    } else if ((m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line))) {
      assert.equal(m[1], family, `${m[1]} sample inside its own family`);
      const labels: Record<string, string> = {};
      let rest = m[2] ?? '';
      while (rest.length) {
        const l = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
        assert.ok(l, `label syntax in ${JSON.stringify(line)} at ${JSON.stringify(rest)}`);
        assert.equal(labels[l[1]!], undefined, 'label once');
        labels[l[1]!] = l[2]!.replace(/\\([\\"n])/g, (_, c) => (c === 'n' ? '\n' : c));
        rest = rest.slice(l[0].length);
      }
      const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
      assert.ok(!Number.isNaN(value) || m[3] === 'NaN', `value ${m[3]}`);
      samples.push({ name: m[1]!, labels, value });
    } else {
      assert.fail(`not exposition format: ${JSON.stringify(line)}`);
    }
  }
  for (const f of helps.keys()) assert.ok(types.has(f), `${f} has a TYPE`);
  return { samples, types, helps };
}

const figures = { roundSeconds: 2.1, snapshots: 7, pageClients: 1 };
const value = (ss: Sample[], name: string, labels: Record<string, string> = {}) => {
  const hit = ss.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.equal(hit.length, 1, `one ${name}${JSON.stringify(labels)}, got ${hit.length}`);
  return hit[0]!.value;
};

test('holder per VIP: 1 on the holder\'s series, 0 on the other members', () => {
  const { samples } = parseExposition(metricsText(snapshot({ holder: 'lb2' }), figures));
  const vip = { cluster: 'web', instance: 'VI_1', vip: '198.18.0.100' };
  assert.equal(value(samples, 'hafleet_vip_holder', { ...vip, host: 'lb2' }), 1);
  assert.equal(value(samples, 'hafleet_vip_holder', { ...vip, host: 'lb1' }), 0);
  assert.equal(samples.filter((s) => s.name === 'hafleet_vip_holder').length, 4, 'two members × two VIPs');
  assert.equal(value(samples, 'hafleet_vip_holder', { vip: '198.18.0.200', host: 'lb4' }), 0, 'an unreachable member keeps its series');
  assert.equal(value(samples, 'hafleet_vip_on_expected_holder', vip), 0, 'expected lb1');
  assert.equal(value(samples, 'hafleet_vip_holders', vip), 1);
});

test('split brain per cluster, 0 and 1, and both holders at 1', () => {
  const calm = parseExposition(metricsText(snapshot(), figures)).samples;
  assert.equal(value(calm, 'hafleet_split_brain', { cluster: 'web' }), 0);
  assert.equal(value(calm, 'hafleet_split_brain', { cluster: 'db' }), 0);
  const split = parseExposition(metricsText(snapshot({ splitBrain: true }), figures)).samples;
  assert.equal(value(split, 'hafleet_split_brain', { cluster: 'web' }), 1);
  assert.equal(value(split, 'hafleet_split_brain', { cluster: 'db' }), 0);
  assert.equal(value(split, 'hafleet_vip_holders', { vip: '198.18.0.100' }), 2);
  for (const h of ['lb1', 'lb2']) assert.equal(value(split, 'hafleet_vip_holder', { vip: '198.18.0.100', host: h }), 1);
});

test('members up, states, priorities, tracks, maintenance, probe, drift, deploy, round', () => {
  const { samples, types } = parseExposition(metricsText(snapshot(), figures));
  assert.equal(value(samples, 'hafleet_cluster_members_up', { cluster: 'db' }), 1);
  assert.equal(value(samples, 'hafleet_cluster_members', { cluster: 'db' }), 2);
  assert.equal(value(samples, 'hafleet_member_up', { host: 'lb4' }), 0);
  assert.equal(value(samples, 'hafleet_member_up', { host: 'lb3' }), 1);
  assert.equal(value(samples, 'hafleet_vrrp_state', { host: 'lb1', vrid: '51' }), 2, 'MASTER is 2 as in keepalived-exporter');
  assert.equal(value(samples, 'hafleet_vrrp_state', { host: 'lb4' }), -1);
  assert.equal(value(samples, 'hafleet_member_state', { host: 'lb2', state: 'BACKUP' }), 1);
  assert.equal(value(samples, 'hafleet_member_state', { host: 'lb2', state: 'MASTER' }), 0);
  assert.equal(value(samples, 'hafleet_member_effective_priority', { host: 'lb2' }), 70);
  assert.equal(value(samples, 'hafleet_member_priority', { host: 'lb2' }), 100);
  assert.equal(value(samples, 'hafleet_member_maintenance', { host: 'lb2' }), 1);
  assert.equal(value(samples, 'hafleet_member_maintenance', { host: 'lb1' }), 0);
  assert.equal(value(samples, 'hafleet_track_ok', { host: 'lb1', kind: 'script', name: 'chk_nginx' }), 1);
  assert.equal(value(samples, 'hafleet_member_last_transition_timestamp_seconds', { host: 'lb1' }), Date.parse('2026-12-04T09:00:00Z') / 1000);
  assert.equal(value(samples, 'hafleet_vip_probe_duration_seconds', { vip: '198.18.0.100' }), 0.0032);
  assert.equal(value(samples, 'hafleet_vip_probe_success', { vip: '198.18.0.200' }), 0);
  assert.equal(value(samples, 'hafleet_drift_files', { host: 'lb3' }), 1);
  assert.equal(value(samples, 'hafleet_host_unreachable', { host: 'lb4', failure: 'refused' }), 1);
  assert.equal(value(samples, 'hafleet_last_deploy_timestamp_seconds'), Date.parse('2026-12-04T08:00:00Z') / 1000);
  assert.equal(value(samples, 'hafleet_last_deploy_success'), 1);
  assert.equal(value(samples, 'hafleet_status_round_duration_seconds'), 2.1);
  assert.equal(value(samples, 'hafleet_status_snapshots_total'), 7);
  assert.equal(types.get('hafleet_status_snapshots_total'), 'counter');
  assert.equal(value(samples, 'hafleet_status_up'), 1);
  for (const [name, type] of types) if (name.endsWith('_total')) assert.equal(type, 'counter', name);
});

test('before the first round: status_up 0 and every family still declared without fleet samples', () => {
  const { samples } = parseExposition(metricsText(undefined, { snapshots: 0, pageClients: 0 }));
  assert.equal(value(samples, 'hafleet_status_up'), 0);
  assert.equal(samples.some((s) => s.name === 'hafleet_vip_holder'), false);
});

test('label values with quotes, backslashes, line feeds and markup survive the round trip', () => {
  assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  const text = metricsText(hostileSnapshot(), figures);
  const { samples } = parseExposition(text);
  const host = `lb1${HOSTILE}`;
  assert.equal(value(samples, 'hafleet_vip_holder', { cluster: `web${HOSTILE}`, host }), 1);
  assert.equal(value(samples, 'hafleet_track_ok', { host, name: `chk${HOSTILE}` }), 1);
  assert.equal(value(samples, 'hafleet_host_unreachable', { host: `x${HOSTILE}` }), 1);
  assert.equal(text.split('\n').some((l) => l.startsWith('second line')), false, 'no raw line feed from an error');
});
