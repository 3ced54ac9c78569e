import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gatherFacts } from '../../../src/facts/gather.js';
import type { ExecOptions, HostRef, Outcome, ExecOutput, Transport } from '../../../src/transport/index.js';

const host: HostRef = { name: 'lb1', address: '198.18.0.11', port: 22, user: 'deploy', become: true, becomeUser: 'root' };

/** A Transport that answers exec with a canned result and remembers what it was asked. */
function fakeTransport(answer: Outcome<ExecOutput>) {
  const calls: { cmd: string; o: ExecOptions | undefined }[] = [];
  const t: Transport = {
    exec: async (_h, cmd, o) => {
      calls.push({ cmd, o });
      return answer;
    },
    put: async () => ({ ok: true, value: undefined }),
    get: async () => ({ ok: true, value: null }),
    close: async () => undefined,
  };
  return { t, calls };
}

describe('gatherFacts', () => {
  const req = { paths: ['/etc/keepalived/keepalived.conf'], managedDirs: [], sysctls: [] };

  it('sends the script on stdin to sh -s, privileged, in one command', async () => {
    const { t, calls } = fakeTransport({ ok: true, value: { code: 0, stdout: '@@HF@@ hafleet-facts 1\n@@HF@@ service-manager\nsysv\n@@HF@@ end\n', stderr: '' } });
    const ac = new AbortController();
    const r = await gatherFacts(t, host, req, ac.signal, { timeoutMs: 5000 });
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.cmd, 'sh -s');
    assert.equal(calls[0]!.o?.privileged, true);
    assert.equal(calls[0]!.o?.signal, ac.signal);
    assert.equal(calls[0]!.o?.timeoutMs, 5000);
    assert.match(String(calls[0]!.o?.stdin), /'\/etc\/keepalived\/keepalived\.conf'/);
    assert.equal(r.ok && r.value.serviceManager, 'sysv');
  });
  it("the inventory's service_manager wins over what the host looks like", async () => {
    const { t } = fakeTransport({ ok: true, value: { code: 0, stdout: '@@HF@@ hafleet-facts 1\n@@HF@@ service-manager\nsysv\n@@HF@@ end\n', stderr: '' } });
    const r = await gatherFacts(t, host, { ...req, serviceManager: 'direct' });
    assert.equal(r.ok && r.value.serviceManager, 'direct');
  });
  it('passes a transport failure through unchanged', async () => {
    const failure = { kind: 'unreachable' as const, host: 'lb1', message: 'host lb1 (198.18.0.11): connection refused (is sshd running?)' };
    const r = await gatherFacts(fakeTransport({ ok: false, failure }).t, host, req);
    assert.deepEqual(r, { ok: false, failure });
  });
  it('turns a report cut short into a remote-error with what the host said', async () => {
    const { t } = fakeTransport({ ok: true, value: { code: 127, stdout: '@@HF@@ hafleet-facts 1\n', stderr: 'sh: 12: stat: not found\n' } });
    const r = await gatherFacts(t, host, req);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.failure.kind, 'remote-error');
    assert.match(r.failure.message, /host lb1: could not read facts: the facts report was cut short \(exit 127: sh: 12: stat: not found\)/);
  });
});
