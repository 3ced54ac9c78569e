/** verify asks each host once (issue 19 part 2): its speaker probe is a section of the facts script. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gatherFacts } from '../../../src/facts/index.js';
import { probe } from '../../../src/verify/index.js';
import type { ExecOptions, HostRef, Transport } from '../../../src/transport/index.js';
import type { Topology } from '../../../src/topology/index.js';

const ipJson = JSON.stringify([{ ifname: 'eth0', address: '02:00:00:00:00:11', addr_info: [{ family: 'inet', local: '198.18.0.11', prefixlen: 24 }, { family: 'inet', local: '198.18.0.100', prefixlen: 24 }] }]);

describe('verify probe', () => {
  it('costs one remote command per host and reads the speaker from the facts report', async () => {
    const calls: { host: string; cmd: string; stdin: string }[] = [];
    const transport: Transport = {
      exec: async (host: HostRef, cmd: string, o?: ExecOptions) => {
        calls.push({ host: host.name, cmd, stdin: String(o?.stdin ?? '') });
        const stdout = ['@@HF@@ hafleet-facts 1', '@@HF@@ probe host', '@@hafleet:addr@@', ipJson, '@@hafleet:procs@@', 'keepalived 10', '@@hafleet:end@@', '@@HF@@ end', ''].join('\n');
        return { ok: true, value: { code: 0, stdout, stderr: '' } };
      },
      put: async () => ({ ok: true, value: undefined }),
      get: async () => ({ ok: true, value: null }),
      close: async () => undefined,
    };
    const ref = (name: string): HostRef => ({ name, address: '198.18.0.11', port: 22, user: 'root', become: false, becomeUser: 'root' });
    const topology = { clusters: [], roles: new Map([['lb1', ['director']], ['lb2', ['director']]]) } as unknown as Topology;
    const obs = await probe({ topology, hosts: new Map([['lb1', ref('lb1')], ['lb2', ref('lb2')]]) }, { transport, gatherFacts });
    assert.equal(calls.length, 2, 'one command per host');
    assert.ok(calls.every((c) => c.cmd === 'sh -s' && c.stdin.includes('s addr; ip -j addr')), 'the probe travels inside the facts script');
    const lb1 = obs.hosts.lb1!;
    assert.ok(lb1.reachable);
    assert.equal(lb1.reachable && lb1.running.keepalived, true);
    assert.ok(lb1.reachable && lb1.addresses.some((a) => a.address === '198.18.0.100'));
  });
});
