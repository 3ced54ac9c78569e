/**
 * moveInstance with a fake transport (the observers off): the order of writes, and what a
 * Ctrl-C leaves — the files as they were before the holder let go, the planned values after.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moveInstance, planMove, type MoveContext } from '../../../src/ops/index.js';
import type { HostRef, Transport } from '../../../src/transport/types.js';
import { cluster, instance, member, observations } from './fixtures.js';

const inst = instance([member('lb1', 150, '198.18.0.11'), member('lb2', 100, '198.18.0.12')]);
const ref = (name: string): HostRef => ({ name, address: name, port: 22, user: 'root', become: false, becomeUser: 'root' });

/** A fake director pair: records (host, what) for every write; lb2 holds the VIP once lb1 released. */
function fake(o: { abortAt?: 'prepare' | 'poll'; controller: AbortController }): { transport: Transport; log: string[] } {
  const log: string[] = [];
  let released = false;
  const transport: Transport = {
    async exec(host, cmd, x) {
      if (cmd.startsWith('ip -j addr')) {
        if (o.abortAt === 'poll') o.controller.abort(new Error('Ctrl-C'));
        const holds = host.name === 'lb2' && released && o.abortAt !== 'poll';
        return { ok: true, value: { code: 0, stderr: '', stdout: JSON.stringify([{ ifname: 'eth0', addr_info: holds ? [{ family: 'inet', local: '198.18.0.100', prefixlen: 24 }] : [] }]) } };
      }
      if (o.abortAt === 'prepare' && !log.length) o.controller.abort(new Error('Ctrl-C'));
      if (x?.signal?.aborted) return { ok: false, failure: { kind: 'aborted', host: host.name, message: 'aborted' } };
      for (const m of cmd.matchAll(/printf '%s\\n' '?(-?\d+)'? > '?\/var\/lib\/hafleet\/vrrp-move-web_51\.hafleet-tmp/g)) log.push(`${host.name} ${m[1]}`);
      if (cmd.includes("'-254'")) released = true;
      return { ok: true, value: { code: 0, stderr: '', stdout: `at ${BigInt(Date.now()) * 1_000_000n}\n` } };
    },
    put: async () => ({ ok: true, value: undefined }),
    get: async () => ({ ok: true, value: null }),
    close: async () => {},
  };
  return { transport, log };
}

function ctx(transport: Transport, signal: AbortSignal): MoveContext {
  return { transport, refs: new Map([['lb1', ref('lb1')], ['lb2', ref('lb2')]]), cluster: cluster([inst]), observations: observations([]), log: () => {}, signal, observe: false };
}

test('a move: the target bids first, the holder lets go, then both settle', async () => {
  const controller = new AbortController();
  const { transport, log } = fake({ controller });
  const m = await moveInstance(ctx(transport, controller.signal), inst, planMove(inst, 'lb1', 'lb2', new Map()));
  assert.deepEqual(log, ['lb2 130', 'lb1 -254', 'lb1 -51', 'lb2 0']);
  assert.deepEqual(m.problems, []);
});

test('Ctrl-C before the holder let go: every file back as it was, no release', async () => {
  const controller = new AbortController();
  const { transport, log } = fake({ controller, abortAt: 'prepare' });
  await assert.rejects(moveInstance(ctx(transport, controller.signal), inst, planMove(inst, 'lb1', 'lb2', new Map([['lb1', -3]]))));
  assert.deepEqual(log, ['lb1 -3', 'lb2 0'], 'the undo wrote what the files held');
});

test('Ctrl-C while waiting for the target: the planned final values, the holder out of FAULT', async () => {
  const controller = new AbortController();
  const { transport, log } = fake({ controller, abortAt: 'poll' });
  await assert.rejects(moveInstance(ctx(transport, controller.signal), inst, planMove(inst, 'lb1', 'lb2', new Map())));
  assert.deepEqual(log, ['lb2 130', 'lb1 -254', 'lb1 -51', 'lb2 0']);
});
