import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { renderFleet, withMaintenance } from '../../../src/render/index.js';
import { parseFactsReport } from '../../../src/facts/index.js';
import { MARK } from '../../../src/facts/script.js';
import { drainingCount, realserverPreflight } from '../../../src/ops/index.js';
import type { Cluster } from '../../../src/topology/types.js';
import { ROOT, loadExample } from '../render/example.js';

const fileOf = (ex: string, drained: string[], pathPart: string) => {
  const { inv, topo } = loadExample(join(ROOT, 'inventories', ex));
  const r = renderFleet(inv, drained.length ? withMaintenance(topo, drained) : topo);
  assert.ok(r.ok);
  const director = topo.clusters[0]!.directors[0]!;
  return { text: r.value.get(director)!.files.find((f) => f.path.includes(pathPart))!.content, rs: topo.clusters[0]!.realservers };
};

test('nginx mode: the drained realserver alone is `down` in every upstream; none without the flag', () => {
  const plain = fileOf('nginx-ha', [], '/etc/nginx/conf.d/');
  assert.doesNotMatch(plain.text, / down;/);
  const drained = fileOf('nginx-ha', [plain.rs[0]!], '/etc/nginx/conf.d/');
  const lines = drained.text.split('\n').filter((l) => /^\s*server \S+:\d+ weight=/.test(l));
  assert.ok(lines.length >= 2);
  assert.equal(lines.filter((l) => l.endsWith(' down;')).length, lines.length / plain.rs.length, 'one entry per upstream is down');
  assert.equal(drained.text.replace(/ down;/g, ';'), plain.text, 'nothing else changes');
});

test('LVS: the drained realserver stays in its virtual_server at weight 0', () => {
  const plain = fileOf('lvs-dr', [], 'keepalived.conf');
  const drained = fileOf('lvs-dr', [plain.rs[0]!], 'keepalived.conf');
  const zeros = (t: string) => (t.match(/^\s*weight 0$/gm) ?? []).length;
  const rsBlocks = (t: string) => (t.match(/real_server /g) ?? []).length;
  assert.ok(zeros(drained.text) > zeros(plain.text), 'a real_server at weight 0');
  assert.equal((zeros(drained.text) - zeros(plain.text)) * plain.rs.length, rsBlocks(plain.text), 'one real_server per service');
});

test('facts: the maintenance section is read as the speakers read the flag (non-zero: on)', () => {
  const report = (v: string | null) => `${MARK} hafleet-facts 1\n${MARK} scope record\n${v === null ? '' : `${MARK} maintenance\n${v}\n`}${MARK} end\n`;
  assert.equal(parseFactsReport('web1', report('1')).maintenance, true);
  assert.equal(parseFactsReport('web1', report('0')).maintenance, false);
  assert.equal(parseFactsReport('web1', report('junk')).maintenance, false);
  assert.equal(parseFactsReport('web1', report(null)).maintenance, undefined);
});

const svc = (hosts: string[]) => ({ vip: '198.18.0.100', port: 80, realServers: hosts.map((host) => ({ host, address: host, port: 80, weight: 1, backup: false })) });
const cl = (hosts: string[]) => ({ name: 'web', mode: 'nginx', directors: ['lb1', 'lb2'], realservers: hosts, services: [svc(hosts)] }) as unknown as Cluster;

test('preflight: the last realserver in service is not drained; off and the others are fine', () => {
  const c = [cl(['web1', 'web2'])];
  assert.deepEqual(realserverPreflight({ clusters: c, host: 'web1', on: true, inMaintenance: new Set(), unreadable: [] }), []);
  const last = realserverPreflight({ clusters: c, host: 'web2', on: true, inMaintenance: new Set(['web1']), unreadable: [] });
  assert.deepEqual(last.map((r) => r.code), ['last-realserver']);
  assert.deepEqual(realserverPreflight({ clusters: c, host: 'web2', on: false, inMaintenance: new Set(['web1', 'web2']), unreadable: [] }), []);
  assert.deepEqual(realserverPreflight({ clusters: c, host: 'web1', on: true, inMaintenance: new Set(), unreadable: ['web2'] }).map((r) => r.code), ['unreachable'], 'an unread flag: whether web1 is the last is unknown');
  assert.deepEqual(realserverPreflight({ clusters: [], host: 'lb1', on: true, inMaintenance: new Set(), unreadable: [] }).map((r) => [r.code, r.usage]), [['not-member', true]]);
});

test('drainingCount reads the draining script\'s line only', () => {
  assert.equal(drainingCount('draining 0\n'), 0);
  assert.equal(drainingCount('noise\ndraining 3\n'), 3);
  assert.equal(drainingCount(''), null);
});
