import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentTracks, assembleSnapshot, fileInFault, frameLines, keepalivedTracks, metricsText, speakerTracks, statusRows, viewHtml } from '../../../src/status/index.js';
import { emptyHistory, recordSnapshot } from '../../../src/status/serve-history.js';
import { director, topology2x2 } from './support.js';

/** Real dumps of keepalived 2.2.7 (SIGUSR1), an instance tracking interfaces, a script and hafleet's two files. */
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('tracks from the speaker', () => {
  it('keepalived.data: interfaces, scripts and files per instance, with state, value and weight', () => {
    assert.deepEqual(keepalivedTracks(fixture('keepalived-tracks-ok.data')).get('VI_1'), [
      { kind: 'interface', name: 'lo', ok: true, weight: 0 },
      { kind: 'script', name: 'chk_true', ok: true, weight: -20 },
      { kind: 'file', name: 'hafleet_maintenance', ok: true, weight: 0, value: 0, path: '/var/lib/hafleet/maintenance' },
      { kind: 'file', name: 'hafleet_move_VI_1', ok: true, weight: 1, value: 5, path: '/var/lib/hafleet/vrrp-move-VI_1' },
    ]);
  });

  it('keepalived.data in FAULT: the interface down, the script BAD, the move file at -254', () => {
    const t = keepalivedTracks(fixture('keepalived-tracks-fault.data')).get('VI_1')!;
    assert.deepEqual(t.map((x) => `${x.kind} ${x.name} ${x.ok}${x.value !== undefined ? ` ${x.value}` : ''}`), [
      'interface veth1 false', 'interface lo true', 'script chk_false false', 'file hafleet_maintenance true 0', 'file hafleet_move_VI_1 false -254',
    ]);
  });

  it('a track file faults as keepalived decides: weight 0 and non-zero, or value × weight ≤ -254', () => {
    assert.deepEqual([fileInFault(1, 0), fileInFault(0, 0), fileInFault(-254, 1), fileInFault(-253, 1), fileInFault(127, -2), fileInFault(127, 2, true)], [true, false, true, false, true, true]);
  });

  it('the agent: its files attributed by hafleet\'s names, failing interfaces from the faults', () => {
    const a = agentTracks(JSON.stringify({
      instances: [{ name: 'web_51', faults: ['interface eth1'] }, { name: 'api_52', faults: [] }],
      files: [{ name: 'hafleet_maintenance', file: '/var/lib/hafleet/maintenance', value: 0 }, { name: 'hafleet_move_web_51', file: '/var/lib/hafleet/vrrp-move-web_51', value: -254 }, { name: 'hafleet_move_api_52', file: '/x', value: 0 }],
    }))!;
    assert.deepEqual(a.byInstance.get('web_51')!.map((t) => `${t.kind} ${t.name} ${t.ok}`), ['file hafleet_maintenance true', 'file hafleet_move_web_51 false', 'interface eth1 false']);
    assert.deepEqual(a.byInstance.get('api_52')!.map((t) => t.name), ['hafleet_maintenance', 'hafleet_move_api_52']);
    assert.equal(agentTracks('not json'), null);
  });

  it('read from the probe\'s kdata section; shown in the terminal, the page, /metrics and --json', () => {
    const data = fixture('keepalived-tracks-fault.data').replaceAll('VI_1', 'web_51');
    const out = `@@hafleet:addr@@\n[]\n@@hafleet:kdata@@\n${data}\n@@hafleet:kjson@@\n[]\n@@hafleet:end@@\n`;
    const tracks = speakerTracks(out)!;
    const lb2 = { ...director('lb2', { holds: false, state: 'FAULT', prio: 1 }), tracks } as const;
    const s = assembleSnapshot({ topology: topology2x2(), reads: new Map([['lb1', director('lb1', { holds: true, state: 'MASTER', prio: 150 })], ['lb2', lb2]]), at: '2026-12-04T17:00:00.000Z' });
    const m = s.clusters[0]!.instances[0]!.members[1]!;
    // The speaker's list, and the inventory's chk_nginx it does not list.
    assert.deepEqual(m.tracks.map((t) => t.name), ['veth1', 'lo', 'chk_false', 'hafleet_maintenance', 'hafleet_move_web_51', 'chk_nginx']);
    const text = frameLines(statusRows(s), new Set(), { color: false }).join('\n');
    assert.match(text, /tracks {2}interface veth1 FAIL \(-30\) {2}interface lo ok \(0\) {2}script chk_false FAIL \(-20\) {2}file hafleet_maintenance=0 ok \(0\) {2}file hafleet_move_web_51=-254 FAIL \(\+1\)/);
    assert.match(viewHtml(s, recordSnapshot(emptyHistory(), s, Date.parse(s.at)), Date.parse(s.at)), /data-track="file hafleet_move_web_51">file hafleet_move_web_51 = -254 FAIL/);
    const metrics = metricsText(s, { snapshots: 1, pageClients: 0 });
    assert.match(metrics, /hafleet_track_ok\{cluster="web",instance="web_51",host="lb2",kind="interface",name="veth1"\} 0/);
    assert.match(metrics, /hafleet_track_file_value\{cluster="web",instance="web_51",host="lb2",name="hafleet_move_web_51"\} -254/);
    assert.ok(JSON.parse(JSON.stringify(s)).clusters[0].instances[0].members[1].tracks.some((t: { kind: string; value?: number }) => t.kind === 'file' && t.value === -254));
  });
});
