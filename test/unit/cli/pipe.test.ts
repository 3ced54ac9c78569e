/** The CLI behind a pipe whose reader leaves early (`hafleet … | head -1`): no crash, no stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test('help piped into head -1: one line, exit 0, nothing on stderr', () => {
  // The help text is far longer than one pipe write after head has gone, so EPIPE is certain.
  const cli = `${JSON.stringify(process.execPath)} --import tsx src/cli/main.ts`;
  const r = spawnSync('sh', ['-c', `${cli} drill --help | head -1; ${cli} inventory -i inventories/nginx-ha --list | head -c 1 >/dev/null; echo "exit=$?"`], { cwd: root, encoding: 'utf8' });
  assert.equal(r.stdout.split('\n')[0], 'Usage: hafleet drill [options]');
  assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|at /, r.stderr);
  assert.match(r.stdout, /exit=0/);
});
