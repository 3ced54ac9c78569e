import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeResult, exitCodeFor, recapLines, type DeployResult } from '../../../src/apply/index.js';
import { tidyMessage } from '../../../src/apply/host-deploy.js';

const result: DeployResult = {
  deployId: 'd', planId: 'p', durationMs: 1200, clusters: [],
  hosts: [
    { host: 'lb1', status: 'changed', changed: ['/a', '/b'], handlers: ['reload nginx'] },
    { host: 'web10', status: 'ok', recordWritten: false },
    { host: 'lb2', status: 'failed', step: 'validate', message: 'x', rolledBack: false },
  ],
};

test('recap: one aligned line per host with Ansible counters', () => {
  assert.deepEqual(recapLines(result), [
    'lb1   : ok=1 changed=2 unreachable=0 failed=0 skipped=0',
    'web10 : ok=1 changed=0 unreachable=0 failed=0 skipped=0',
    'lb2   : ok=0 changed=0 unreachable=0 failed=1 skipped=0',
  ]);
});

test('exit codes: failed or skipped → 1, only unreachable → 4, else 0', () => {
  assert.equal(exitCodeFor(result), 1);
  assert.equal(exitCodeFor({ ...result, hosts: [result.hosts[0]!, { host: 'x', status: 'unreachable', message: 'gone' }] }), 4);
  assert.equal(exitCodeFor({ ...result, hosts: [result.hosts[0]!] }), 0);
  assert.equal(exitCodeFor({ ...result, hosts: [{ host: 'x', status: 'skipped', reason: 'r' }] }), 1);
});

test('results read as a sentence; temp paths read as the real file', () => {
  assert.equal(describeResult(result.hosts[0]!), 'changed: 2 files; ran reload nginx');
  assert.equal(describeResult({ host: 'h', status: 'failed', step: 'handler', message: 'boom', rolledBack: true }), 'failed at handler (rolled back): boom');
  assert.equal(
    tidyMessage('nginx: [emerg] x in /tmp/hafleet-validate.a1b2c3/tree/etc/nginx/conf.d/hafleet-web.conf:4 and /etc/nginx/conf.d/.hafleet-tmp-hafleet-web.conf-0123456789'),
    'nginx: [emerg] x in /etc/nginx/conf.d/hafleet-web.conf:4 and /etc/nginx/conf.d/hafleet-web.conf',
  );
});
