/**
 * The VRRP core is pure: the codec, the machine, tracking, script security and the log words
 * import nothing from src/vrrp/io/ — so their tests need no kernel. (The config reader and its
 * tables moved to src/keepalived-conf: test/unit/keepalived-conf/pure.test.ts guards them.)
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const dir = new URL('../../../src/vrrp/', import.meta.url);
const CORE = /^(packet|machine|timing|config.*|conf-.*|keyword.*|tracking|script-security|script-words|ka-log|params|capabilities|status)\.ts$/;

test('the VRRP core imports nothing from io/', () => {
  const files = fs.readdirSync(dir).filter((f) => CORE.test(f));
  assert.ok(files.length >= 9, files.join(' '));
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir.pathname, f), 'utf8');
    const imports = [...text.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((m) => m[1]!);
    assert.deepEqual(imports.filter((i) => i.startsWith('./io/')), [], f);
  }
});
