/**
 * keepalived-conf is pure: the agent, import (over SSH or from a folder) and plan read a config
 * through it, so it must not reach for the network, the agent's io/ or the CLI. The file system
 * comes in as ConfFiles; `nodeFiles` in config.ts is the one adapter over node:fs.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const dir = new URL('../../../src/keepalived-conf/', import.meta.url).pathname;

test('keepalived-conf imports no I/O part (vrrp/io, transport, cli) and node:fs only in its one adapter', () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 15, files.join(' '));
  const bad: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of text.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
      const spec = m[1]!;
      if (/\/(vrrp\/io|transport|cli|facts|apply)\//.test(spec) || /^(node:)?(child_process|net|dgram|http|https)$/.test(spec)) bad.push(`${f} → ${spec}`);
      if (/^(node:)?fs(\/promises)?$/.test(spec) && f !== 'config.ts') bad.push(`${f} → ${spec}`);
      if (spec.startsWith('../vrrp/') && spec !== '../vrrp/packet.js') bad.push(`${f} → ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});
